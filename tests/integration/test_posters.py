"""Posters from an abstract: one slide, every size and layout, text that fits or a clear error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu
from slides_data import TODAY, check_pptx, make_abstract, png, words

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ExportError
from scholar_desk.core.services import slides
from scholar_desk.core.services.session import SINGLE_USER

LINK = "https://doi.org/10.1136/rapm-2026-105432"


@pytest.fixture(autouse=True)
def _fixed_today() -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))


def _export(library: Library, abstract_id: int, out: Path, **kw: object) -> slides.ExportResult:
    with library.reading() as session:
        return slides.export_poster(session, SINGLE_USER, abstract_id, out, **kw)  # type: ignore[arg-type]


SIZES = {"48x36in": (48.0, 36.0), "36x48in": (36.0, 48.0), "A0": (841 / 25.4, 1189 / 25.4)}


@pytest.mark.parametrize("layout", ["classic", "better"])
@pytest.mark.parametrize("size", list(SIZES))
def test_poster_sizes_and_layouts(
    library: Library, tmp_path: Path, size: str, layout: str
) -> None:
    made = make_abstract(library, tmp_path, link_url=LINK)
    logo = png(tmp_path / "logo.png", (600, 300))
    out = tmp_path / "poster.pptx"
    result = _export(library, made.abstract_id, out, size=size, layout=layout, logos=[logo])
    assert result.pages == 1
    checked = check_pptx(out, floor=24, title_floor=72)
    prs = Presentation(str(out))
    w, h = SIZES[size]
    assert abs(Emu(prs.slide_width).inches - w) < 0.01
    assert abs(Emu(prs.slide_height).inches - h) < 0.01
    text = "\n".join(checked.slides[0])
    for heading in (
        "Background",
        "Methods",
        "Results",
        "Conclusions",
        "References",
        "Disclosures",
    ):
        assert heading in text
    assert "Consultant, Medtronic" in text
    descriptions = [
        sh.element.nvPicPr.cNvPr.get("descr", "")
        for sh in prs.slides[0].shapes
        if sh.shape_type == 13
    ]
    assert any(d.startswith("QR code") for d in descriptions)
    assert "Logo" in descriptions
    assert checked.pictures == 4  # two figures, a logo and the QR code
    if layout == "better":
        assert "Medial branch radiofrequency ablation gives durable relief" in text


def test_default_poster_is_48x36_classic(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    out = tmp_path / "poster.pptx"
    _export(library, made.abstract_id, out)
    prs = Presentation(str(out))
    assert (round(Emu(prs.slide_width).inches), round(Emu(prs.slide_height).inches)) == (48, 36)
    checked = check_pptx(out, floor=24, title_floor=72)
    assert "Scan for the article" in "\n".join(checked.slides[0])  # the project's DOI


def test_too_long_section_names_it_and_how_much(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, results=words(4000))
    out = tmp_path / "poster.pptx"
    with pytest.raises(
        ExportError,
        match=r"^Results is about \d+ words too long for the "
        r"poster at 24 pt",
    ) as info:
        _export(library, made.abstract_id, out)
    over = int(info.value.user_message.split("about ")[1].split()[0])
    assert 300 < over < 4000
    assert not out.exists()
    # Cutting about that many words (and a little more) makes it fit.
    shorter = make_abstract(library, tmp_path, results=words(4000 - round(over * 1.1)))
    _export(library, shorter.abstract_id, out)
    check_pptx(out, floor=24, title_floor=72)


def test_too_long_title_names_the_title(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, title=words(120))
    with pytest.raises(
        ExportError,
        match=r"^The title is about \d+ words too long for the "
        r"poster at 72 pt",
    ):
        _export(library, made.abstract_id, tmp_path / "poster.pptx")


def test_unknown_size_and_layout(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    with pytest.raises(ExportError, match="Unknown poster size"):
        _export(library, made.abstract_id, tmp_path / "p.pptx", size="A1")
    with pytest.raises(ExportError, match="Unknown poster layout"):
        _export(library, made.abstract_id, tmp_path / "p.pptx", layout="fancy")


def test_missing_logo_is_a_clear_error(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    with pytest.raises(ExportError, match=r"crest\.png was not found"):
        _export(library, made.abstract_id, tmp_path / "p.pptx", logos=[tmp_path / "crest.png"])


def test_poster_without_link_has_no_qr(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, doi="")
    out = tmp_path / "poster.pptx"
    _export(library, made.abstract_id, out, layout="better")
    checked = check_pptx(out, floor=24, title_floor=72)
    assert "Scan for the" not in "\n".join(checked.slides[0])


def _text_shapes(out: Path) -> list:  # type: ignore[type-arg]
    shapes = Presentation(str(out)).slides[0].shapes
    return [sh for sh in shapes if sh.has_text_frame and sh.text_frame.text.strip()]


@pytest.mark.parametrize(("size", "columns"), [("48x36in", 3), ("36x48in", 2), ("A0", 2)])
def test_columns_from_the_page_shape_balanced(
    library: Library, tmp_path: Path, size: str, columns: int
) -> None:
    made = make_abstract(library, tmp_path, link_url=LINK)
    out = tmp_path / "poster.pptx"
    _export(library, made.abstract_id, out, size=size)
    body = [
        sh
        for sh in _text_shapes(out)
        if sh.name not in ("Title", "Authors", "QR caption")
        and not sh.text_frame.text.startswith("Scan")
    ]
    lefts = sorted({sh.left for sh in body})
    assert len(lefts) == columns
    # Balanced: every column reaches at least 70% of the page.
    height = Presentation(str(out)).slide_height
    for left in lefts:
        foot = max(sh.top + sh.height for sh in body if sh.left == left)
        assert foot > height * 0.7, (size, left)


def test_a_section_continued_in_the_next_column_repeats_its_heading(
    library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path, n_refs=30, link_url=LINK)
    out = tmp_path / "poster.pptx"
    _export(library, made.abstract_id, out, size="36x48in")
    names = [sh.text_frame.text for sh in _text_shapes(out)]
    assert "References" in names
    assert "References, continued" in names
    heading = next(sh for sh in _text_shapes(out) if sh.text_frame.text == "References, continued")
    below = [
        sh
        for sh in _text_shapes(out)
        if sh.left == heading.left and sh.top > heading.top and sh.name == "References"
    ]
    assert below  # the rest of the references sit under the repeated heading


def test_qr_caption_says_what_it_opens(library: Library, tmp_path: Path) -> None:
    abstract_url = make_abstract(library, tmp_path, link_url="https://meeting.example.org/abs/77")
    out = tmp_path / "poster.pptx"
    _export(library, abstract_url.abstract_id, out)
    texts = [sh.text_frame.text for sh in _text_shapes(out)]
    assert "Scan for the abstract" in texts
    # Placed at the foot of the last column.
    prs = Presentation(str(out))
    qr = next(
        sh
        for sh in prs.slides[0].shapes
        if sh.shape_type == 13 and sh.element.nvPicPr.cNvPr.get("descr", "").startswith("QR")
    )
    assert qr.left > prs.slide_width * 0.6
    assert qr.top + qr.height > prs.slide_height * 0.8


def test_better_title_band_fits_its_title(library: Library, tmp_path: Path) -> None:
    def band_bottom(title: str) -> int:
        made = make_abstract(library, tmp_path, title=title)
        out = tmp_path / f"better-{len(title)}.pptx"
        _export(library, made.abstract_id, out, layout="better")
        authors = next(sh for sh in _text_shapes(out) if sh.name == "Authors")
        title_box = next(sh for sh in _text_shapes(out) if sh.name == "Title")
        assert authors.top == title_box.top + title_box.height  # no empty band between
        return int(authors.top)

    short = band_bottom("Genicular ablation lasts")
    long = band_bottom(
        "Durable Relief After Medial Branch Radiofrequency Ablation for Chronic Low Back "
        "Pain: A Two-Centre Retrospective Cohort of Adults"
    )
    assert short < long
