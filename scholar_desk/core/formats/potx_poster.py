"""A poster template (.potx): one slide at the meeting's size, to finish in PowerPoint.

The slide has the title band (institution's colours and logos, title and authors
placeholders), then for each section the meeting requires a heading written as text
and an empty placeholder named after it, and a picture placeholder where the QR code
goes. ``classic`` flows the sections down three columns (two on a portrait page);
``better`` follows #betterposter: the sections in a side column, the main finding large
in the centre with the QR code under it, figures and the rest in the other column.

The placeholders live on a slide layout called "Poster", so a section emptied by
mistake gets its prompt back; a plain "Blank" layout is there for anything else. Text
starts at the poster floors (body 24 pt, title 72 pt), the sizes below which a poster
is hard to read from two metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import WHITE, Color, inches
from scholar_desk.core.formats.potx import (
    Line,
    ShapeIds,
    Text,
    add_layout,
    add_picture,
    add_slide_from,
    contrast,
    fit_logo,
    frame_xml,
    next_shape_id,
    placeholder_xml,
    readable_on,
    rectangle_xml,
    save_as_template,
    start_from,
    textbox_xml,
)
from scholar_desk.core.formats.templates import Rect, Template

STYLES = ("classic", "better")
DEFAULT_SECTIONS = ("Background", "Methods", "Results", "Conclusions")
EXTRA_SECTIONS = ("References", "Disclosures", "Acknowledgments")
QR_NAME = "QR code"
FINDING_NAME = "Main finding"
FIGURES_NAME = "Figures"

BODY_PT = 24.0
"""Body text floor (the poster engine's floor)."""
TITLE_PT = 72.0
"""Title floor."""
HEADING_PT = 36.0
AUTHORS_PT = 32.0
FINDING_PT = 72.0

_WEIGHTS = {
    "results": 2.0,
    "methods": 1.4,
    "materials and methods": 1.4,
    "case description": 1.6,
    "references": 0.8,
    "disclosures": 0.5,
    "acknowledgments": 0.45,
}


@dataclass(frozen=True)
class PosterTemplateSpec:
    """What a poster template holds besides the theme.

    Attributes:
        width: Page width in EMU.
        height: Page height in EMU.
        style: ``classic`` or ``better``.
        sections: The meeting's sections, in order (References, Disclosures and
            Acknowledgments are added when missing).
        logos: Logos for the title band, left to right.
        title: The title to fill in (``""`` leaves the prompt).
        authors: Author lines to fill in (byline, affiliations, meeting).
        notes: Text for the slide's notes (the meeting's poster rules).
    """

    width: int
    height: int
    style: str = "classic"
    sections: Sequence[str] = DEFAULT_SECTIONS
    logos: Sequence[ImageData] = ()
    title: str = ""
    authors: Sequence[Line] = ()
    notes: str = ""

    def all_sections(self) -> tuple[str, ...]:
        """The meeting's sections, then the ones every poster has."""
        seen: list[str] = []
        for name in (*(s.strip() for s in self.sections if s.strip()), *EXTRA_SECTIONS):
            if name.casefold() not in {s.casefold() for s in seen}:
                seen.append(name)
        return tuple(seen)


@dataclass(frozen=True)
class _Block:
    name: str
    heading: Rect | None
    body: Rect
    kind: str = "body"  # "body", "pic" (QR code, figures), "finding"


class _Geometry:
    """Where everything goes on the page, in EMU."""

    def __init__(self, spec: PosterTemplateSpec) -> None:
        self.spec = spec
        self.w, self.h = spec.width, spec.height
        self.scale = min(self.w, self.h) / inches(36)
        self.margin = self.u(0.8)
        self.gap = self.u(0.7)
        self.band_h = round(self.h * 0.16) if self.h > self.w else round(self.h * 0.19)
        self.heading_h = self.u(1.1)

    def u(self, value: float) -> int:
        return inches(value * self.scale)

    def logo_boxes(self) -> list[Rect]:
        count = len(self.spec.logos)
        left_n = (count + 1) // 2
        box_w, box_h = min(self.u(8), round(self.w * 0.17)), self.band_h - 2 * self.u(0.6)
        boxes = [Rect(self.margin, self.u(0.6), box_w, box_h) for _ in range(left_n)] + [
            Rect(self.w - self.margin - box_w, self.u(0.6), box_w, box_h)
            for _ in range(count - left_n)
        ]
        out: list[Rect] = []
        lx, rx = self.margin, self.w - self.margin
        for n, (logo, box) in enumerate(zip(self.spec.logos, boxes, strict=True)):
            fitted = fit_logo(logo, box)
            if n < left_n:
                out.append(Rect(lx, fitted.y, fitted.w, fitted.h))
                lx += fitted.w + self.gap
            else:
                rx -= fitted.w
                out.append(Rect(rx, fitted.y, fitted.w, fitted.h))
                rx -= self.gap
        return out

    def title_rects(self, logos: list[Rect]) -> tuple[Rect, Rect]:
        left = max([self.margin, *(r.right + self.gap for r in logos if r.x < self.w // 2)])
        right = min([self.w - self.margin, *(r.x - self.gap for r in logos if r.x >= self.w // 2)])
        side = max(left - 0, self.w - right)  # keep the title centred on the page
        x, width = side, self.w - 2 * side
        top = self.u(0.5)
        inner = self.band_h - 2 * top
        title_h = round(inner * 0.58)
        return Rect(x, top, width, title_h), Rect(x, top + title_h, width, inner - title_h)

    def columns(self, top: int, bottom: int, count: int, left: int, right: int) -> list[Rect]:
        width = (right - left - (count - 1) * self.gap) // count
        return [
            Rect(left + i * (width + self.gap), top, width, bottom - top) for i in range(count)
        ]

    def stack(self, column: Rect, names: Sequence[str], *, qr: bool = False) -> list[_Block]:
        """Sections down a column, each as tall as its weight; the QR code at the foot."""
        blocks: list[_Block] = []
        bottom = column.bottom
        if qr:
            side = min(column.w, self.u(5.5))
            caption_h = self.u(0.9)
            qr_rect = Rect(
                column.x + (column.w - side) // 2, bottom - side - caption_h, side, side
            )
            blocks.append(_Block(QR_NAME, None, qr_rect, "pic"))
            bottom = qr_rect.y - self.gap
        if not names:
            return blocks
        free = (
            bottom
            - column.y
            - len(names) * (self.heading_h + self.u(0.2))
            - (len(names) - 1) * self.gap
        )
        weights = [_weight(n) for n in names]
        total = sum(weights)
        y = column.y
        for name, weight in zip(names, weights, strict=True):
            body_h = round(free * weight / total)
            heading = Rect(column.x, y, column.w, self.heading_h)
            body = Rect(column.x, y + self.heading_h + self.u(0.2), column.w, body_h)
            kind = "pic" if name == FIGURES_NAME else "body"
            blocks.insert(len(blocks) - (1 if qr else 0), _Block(name, heading, body, kind))
            y = body.bottom + self.gap
        return blocks

    def classic(self, sections: Sequence[str]) -> list[_Block]:
        top = self.band_h + self.u(0.12) + self.gap
        bottom = self.h - self.margin
        count = 3 if self.w > self.h else 2
        columns = self.columns(top, bottom, count, self.margin, self.w - self.margin)
        # Fill columns in order, each with about its share of the weight; the last keeps
        # room for the QR code.
        weights = [_weight(n) for n in sections]
        share = (sum(weights) + 1.0) / count
        groups: list[list[str]] = [[] for _ in columns]
        col, used = 0, 0.0
        for name, weight in zip(sections, weights, strict=True):
            if used + weight / 2 > share and col + 1 < count and groups[col]:
                col, used = col + 1, 0.0
            groups[col].append(name)
            used += weight
        blocks: list[_Block] = []
        for n, (column, names) in enumerate(zip(columns, groups, strict=True)):
            blocks += self.stack(column, names, qr=n == count - 1)
        return blocks

    def better(self, sections: Sequence[str]) -> list[_Block]:
        top = self.band_h + self.u(0.12) + self.gap
        bottom = self.h - self.margin
        left, right = self.margin, self.w - self.margin
        main = [s for s in sections if s not in EXTRA_SECTIONS]
        extra = [FIGURES_NAME, *(s for s in sections if s in EXTRA_SECTIONS)]
        if self.w > self.h:
            inner = right - left - 2 * self.gap
            side = round(inner * 0.27)
            centre = Rect(left + side + self.gap, top, inner - 2 * side, bottom - top)
            side_cols = [
                Rect(left, top, side, bottom - top),
                Rect(centre.right + self.gap, top, side, bottom - top),
            ]
        else:
            band = round((bottom - top) * 0.36)
            centre = Rect(left, top, right - left, band)
            below = top + band + self.gap
            side_cols = self.columns(below, bottom, 2, left, right)
        pad = self.u(1.0)
        qr_side = min(self.u(6.5), round(centre.h * 0.3), centre.w // 3)
        qr = Rect(
            centre.x + (centre.w - qr_side) // 2,
            centre.bottom - pad - qr_side - self.u(1.2),
            qr_side,
            qr_side,
        )
        finding = Rect(
            centre.x + pad, centre.y + pad, centre.w - 2 * pad, qr.y - pad - centre.y - pad
        )
        blocks = [
            _Block("Main finding panel", None, centre, "panel"),
            _Block(FINDING_NAME, None, finding, "finding"),
            _Block(QR_NAME, None, qr, "pic"),
        ]
        return blocks + self.stack(side_cols[0], main) + self.stack(side_cols[1], extra)


def _weight(name: str) -> float:
    return _WEIGHTS.get(name.casefold(), 1.0)


def _prompt(name: str) -> str:
    prompts = {
        QR_NAME: "QR code",
        FINDING_NAME: "The main finding, in plain language, in one sentence",
        FIGURES_NAME: "Figures and tables",
        "References": "Numbered references, AMA style",
        "Disclosures": "Each author's relevant financial relationships (past 24 months), or none",
        "Acknowledgments": "Funding, mentors, collaborators",
    }
    return prompts.get(name, f"{name}: text at 24 pt or larger")


def build_poster_template(template: Template, spec: PosterTemplateSpec) -> bytes:
    """Write a one-slide poster template on ``template``'s theme.

    Args:
        template: Theme, fonts and colours (built-in or the user's).
        spec: Page size, layout style, sections, logos and what to fill in.

    Returns:
        The .potx bytes (template content type).

    Raises:
        ExportError: Unknown style.
    """
    if spec.style not in STYLES:
        raise ExportError(f"Unknown poster layout '{spec.style}'. Use classic or better.")
    geo = _Geometry(spec)
    sections = spec.all_sections()
    blocks = geo.classic(sections) if spec.style == "classic" else geo.better(sections)
    accent = template.color("accent1", Color(0x1F, 0x5C, 0x99))
    band_text = readable_on(accent, WHITE, template.color("lt1", WHITE), Color(0, 0, 0))
    body_color = readable_on(template.background, template.body_color, template.color("dk1"))
    panel = template.color("dk2", accent)
    if contrast_low(panel, template.background):
        panel = accent
    panel_text = readable_on(panel, WHITE, Color(0, 0, 0))

    prs = start_from(template, spec.width, spec.height)
    ids = ShapeIds()
    logos = geo.logo_boxes()
    title_rect, authors_rect = geo.title_rects(logos)
    inset = geo.u(0.15)
    shapes = rectangle_xml(ids, "Title band", Rect(0, 0, spec.width, geo.band_h), accent)
    shapes += rectangle_xml(
        ids,
        "Title band rule",
        Rect(0, geo.band_h, spec.width, geo.u(0.12)),
        template.color("accent3", accent),
    )
    shapes += placeholder_xml(
        ids,
        "Title",
        "title",
        0,
        title_rect,
        Text(TITLE_PT, bold=True, align="ctr", anchor="ctr", color=band_text, font="+mj-lt"),
        ["Poster title"],
        inset=inset,
    )
    shapes += placeholder_xml(
        ids,
        "Authors",
        "subTitle",
        1,
        authors_rect,
        Text(AUTHORS_PT, align="ctr", anchor="t", color=band_text),
        ["Authors, degrees; affiliations; meeting"],
        inset=inset,
    )
    for block in blocks:
        if block.kind == "panel":
            shapes += rectangle_xml(ids, block.name, block.body, panel)
    idx = 10
    for block in blocks:
        if block.kind == "panel":
            continue
        idx += 1
        if block.kind == "pic":
            on_panel = spec.style == "better" and block.name == QR_NAME
            line = panel_text if on_panel else template.color("dk1")
            shapes += frame_xml(ids, f"{block.name} frame", block.body, line)
            shapes += placeholder_xml(
                ids,
                block.name,
                "pic",
                idx,
                block.body,
                Text(BODY_PT, align="ctr", anchor="ctr"),
                [_prompt(block.name)],
            )
            continue
        finding = block.kind == "finding"
        text = Text(
            FINDING_PT if finding else BODY_PT,
            bold=finding,
            align="ctr" if finding else "l",
            anchor="ctr" if finding else "t",
            color=panel_text if finding else body_color,
            font="+mj-lt" if finding else "+mn-lt",
        )
        shapes += placeholder_xml(
            ids, block.name, "body", idx, block.body, text, [_prompt(block.name)], inset=inset
        )
    layout = add_layout(prs, "Poster", shapes)
    layout_ids = ShapeIds(next_shape_id(layout))
    for n, (logo, box) in enumerate(zip(spec.logos, logos, strict=True), start=1):
        add_picture(layout, logo, box, f"Logo {n}", layout_ids)
    add_layout(prs, "Blank", "")

    # The slide: headings as text, the QR caption, and what the abstract fills in.
    slide_ids = ShapeIds(100)
    heading_text = Text(HEADING_PT, bold=True, anchor="ctr", color=band_text, font="+mj-lt")
    extra = ""
    for block in blocks:
        if block.heading is not None:
            extra += textbox_xml(
                slide_ids,
                f"{block.name} heading",
                block.heading,
                [block.name],
                heading_text,
                fill=accent,
                inset=inset,
            )
        elif block.name == QR_NAME:
            caption = Rect(
                block.body.x - geo.u(2),
                block.body.bottom + geo.u(0.2),
                block.body.w + geo.u(4),
                geo.u(0.9),
            )
            on_panel = spec.style == "better"
            extra += textbox_xml(
                slide_ids,
                "QR code caption",
                caption,
                ["Scan for the full abstract"],
                Text(BODY_PT, align="ctr", color=panel_text if on_panel else body_color),
            )
    texts: dict[str, list[Line]] = {}
    if spec.title:
        texts["Title"] = [spec.title]
    if spec.authors:
        texts["Authors"] = list(spec.authors)
    slide = add_slide_from(prs, layout, extra, texts)
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes
    return save_as_template(prs)


def contrast_low(a: Color, b: Color) -> bool:
    """Whether two colours are too close to tell apart (under 3:1)."""
    return contrast(a, b) < 3.0
