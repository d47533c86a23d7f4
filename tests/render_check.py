"""Check a rendered deck or poster on the page: LibreOffice's PDF read back with pdfplumber.

Written apart from the code that fits the text (it never imports
``scholar_desk.core.formats.text_fit`` or the layout code): the boxes come from the .pptx
as python-pptx reads it, the words and their sizes from the PDF, and the rules are the
ones a person would check with a ruler.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pptx import Presentation
from pptx.util import Emu

EMU_PER_PT = 12_700
#: A word may stand this far (points) outside its box: anti-aliasing, italic overhang.
TOLERANCE_PT = 2.0
#: Affiliation numbers and the presenter's star are superscripts, drawn smaller on purpose.
_BULLETS = {"\u2022", "\u2013", "\u25aa", "\u25cf"}
_MARKER = re.compile(r"^[\d,*\u2020\u2021]+$")


@dataclass(frozen=True)
class Box:
    """A shape of the slide in PDF points (origin top left), with its text."""

    name: str
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    kind: str  # "text", "table", "picture", "template"

    def holds(self, x0: float, top: float, x1: float, bottom: float, tol: float) -> bool:
        return (
            x0 >= self.x0 - tol
            and x1 <= self.x1 + tol
            and top >= self.top - tol
            and bottom <= self.bottom + tol
        )


@dataclass
class PageReport:
    """What one page holds and what is wrong with it."""

    number: int
    words: list[dict[str, object]]
    boxes: list[Box]
    problems: list[str] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    images: list[dict[str, float]] = field(default_factory=list)


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(files: Sequence[Path], outdir: Path) -> list[Path]:
    """Convert every file with one LibreOffice start (CI has two cores)."""
    exe = soffice()
    assert exe is not None
    profile = Path("/tmp") / f"scholar-desk-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                exe,
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = [outdir / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in out if not p.is_file()]
    assert not missing, f"LibreOffice wrote no PDF for {missing}"
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2011", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", "", text)


def _shape_text(shape: object) -> str:
    if getattr(shape, "has_text_frame", False):
        return str(shape.text_frame.text)  # type: ignore[attr-defined]
    if getattr(shape, "has_table", False):
        return " ".join(
            cell.text
            for row in shape.table.rows  # type: ignore[attr-defined]
            for cell in row.cells
        )
    return ""


def _boxes(shapes: Iterable[object], scale: float, kind: str | None = None) -> list[Box]:
    out = []
    for shape in shapes:
        left, top = getattr(shape, "left", None), getattr(shape, "top", None)
        width, height = getattr(shape, "width", None), getattr(shape, "height", None)
        if None in (left, top, width, height):
            continue
        text = _shape_text(shape)
        shape_kind = kind or (
            "table"
            if getattr(shape, "has_table", False)
            else "picture"
            if getattr(shape, "shape_type", None) == 13
            else "text"
        )
        out.append(
            Box(
                str(getattr(shape, "name", "")),
                left * scale,  # type: ignore[operator]
                top * scale,  # type: ignore[operator]
                (left + width) * scale,  # type: ignore[operator]
                (top + height) * scale,  # type: ignore[operator]
                text,
                shape_kind,
            )
        )
    return out


def read_pages(pptx: Path, pdf: Path) -> list[PageReport]:
    """Words of every PDF page with the shapes of the matching slide, in PDF points."""
    prs = Presentation(str(pptx))
    reports = []
    with pdfplumber.open(str(pdf)) as doc:
        assert len(doc.pages) == len(prs.slides), (
            f"{pdf.name}: {len(doc.pages)} pages for {len(prs.slides)} slides"
        )
        for number, (page, slide) in enumerate(zip(doc.pages, prs.slides, strict=True), 1):
            scale = float(page.width) / int(Emu(prs.slide_width))
            boxes = _boxes(slide.shapes, scale)
            # Text the template draws itself (footers, a name on the master) has its own box.
            layout = slide.slide_layout
            template_shapes = [
                s
                for s in (*layout.shapes, *layout.slide_master.shapes)
                if not s.is_placeholder and _shape_text(s).strip()
            ]
            boxes += _boxes(template_shapes, scale, kind="template")
            words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
            reports.append(
                PageReport(
                    number,
                    words,
                    boxes,
                    width=float(page.width),
                    height=float(page.height),
                    images=[
                        {k: float(i[k]) for k in ("x0", "x1", "top", "bottom")}
                        for i in page.images
                    ],
                )
            )
    return reports


def check_words_in_boxes(page: PageReport) -> None:
    """Every word lies inside the box of a shape whose text holds it."""
    for word in page.words:
        text = _norm(str(word["text"]))
        if not text:
            continue
        x0, x1 = float(word["x0"]), float(word["x1"])  # type: ignore[arg-type]
        # The PDF gives each word its font's em box; with exact line spacing below the
        # font's own the box pokes above the line while the letters do not. Check the
        # letters' body: from the baseline up to about the height of a capital.
        size = float(word["size"])  # type: ignore[arg-type]
        bottom = float(word["bottom"]) - 0.2 * size  # type: ignore[arg-type]
        top = bottom - 0.65 * size
        owners = [
            b
            for b in page.boxes
            if b.kind != "picture" and (text in _norm(b.text) or text in _BULLETS)
        ]
        if not owners:
            page.problems.append(f"page {page.number}: '{word['text']}' belongs to no shape")
            continue
        if not any(b.holds(x0, top, x1, bottom, TOLERANCE_PT) for b in owners):
            near = min(owners, key=lambda b: abs(b.top - top) + abs(b.x0 - x0))
            page.problems.append(
                f"page {page.number}: '{word['text']}' at ({x0:.0f}, {top:.0f})-"
                f"({x1:.0f}, {bottom:.0f}) pt lies outside '{near.name}' "
                f"({near.x0:.0f}, {near.top:.0f})-({near.x1:.0f}, {near.bottom:.0f})"
            )


def check_floor(
    page: PageReport, floor: float, *, title_floor: float, title_names: Sequence[str]
) -> None:
    """No word we wrote is smaller than its floor (superscript markers aside)."""
    for word in page.words:
        text = str(word["text"])
        size = float(word["size"])  # type: ignore[arg-type]
        if _MARKER.match(text):
            continue
        owners = [b for b in page.boxes if _norm(text) and _norm(text) in _norm(b.text)]
        if owners and all(b.kind == "template" for b in owners):
            continue  # the template's own footer or label
        x0, top = float(word["x0"]), float(word["top"])  # type: ignore[arg-type]
        inside = [b for b in owners if b.holds(x0, top, x0, top, TOLERANCE_PT)]
        is_title = bool(inside) and all(b.name in title_names for b in inside)
        limit = title_floor if is_title else floor
        if size < limit - 0.5:
            page.problems.append(
                f"page {page.number}: '{text}' is set at {size:.1f} pt, under the {limit:g} pt floor"
            )


@dataclass(frozen=True)
class Column:
    """A poster column found from the shapes' left edges and widths, in PDF points."""

    x0: float
    x1: float
    top: float


def poster_columns(page: PageReport, banner_names: Sequence[str]) -> list[Column]:
    """Columns: two or more text shapes sharing left edge and width, below the banner."""
    groups: dict[tuple[int, int], list[Box]] = {}
    for box in page.boxes:
        if box.kind != "text" or box.name in banner_names:
            continue
        groups.setdefault((round(box.x0 / 4), round((box.x1 - box.x0) / 4)), []).append(box)
    columns = [
        Column(min(b.x0 for b in g), max(b.x1 for b in g), min(b.top for b in g))
        for g in groups.values()
        if len(g) >= 2 and (max(b.x1 for b in g) - min(b.x0 for b in g)) < page.width * 0.6
    ]
    return sorted(columns, key=lambda c: c.x0)


def column_fill(page: PageReport, column: Column) -> float:
    """How far down its height a column's words and pictures reach (0 to 1)."""
    # The bottom margin is taken to be the side margin (the leftmost text's left edge).
    side = min(b.x0 for b in page.boxes if b.kind == "text")
    foot = page.height - side
    lowest = column.top
    for word in page.words:
        cx = (float(word["x0"]) + float(word["x1"])) / 2  # type: ignore[arg-type]
        if column.x0 - 1 <= cx <= column.x1 + 1 and float(word["top"]) >= column.top - 1:  # type: ignore[arg-type]
            lowest = max(lowest, float(word["bottom"]))  # type: ignore[arg-type]
    for image in page.images:
        cx = (image["x0"] + image["x1"]) / 2
        if column.x0 - 1 <= cx <= column.x1 + 1 and image["top"] >= column.top - 1:
            lowest = max(lowest, image["bottom"])
    return (lowest - column.top) / max(1.0, foot - column.top)


def body_sizes(page: PageReport, column: Column) -> list[float]:
    """Sizes of the words in a column (superscript markers aside)."""
    return [
        float(w["size"])  # type: ignore[arg-type]
        for w in page.words
        if column.x0 - 1 <= (float(w["x0"]) + float(w["x1"])) / 2 <= column.x1 + 1  # type: ignore[arg-type]
        and float(w["top"]) >= column.top - 1  # type: ignore[arg-type]
        and not _MARKER.match(str(w["text"]))
    ]
