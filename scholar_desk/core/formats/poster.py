"""Compose a one-page conference poster from an abstract.

Two layouts: ``classic`` (a title banner over columns: three on a landscape page, two on a
portrait one) and ``better``, after Mike Morrison's #betterposter: the main finding in
large plain language in the centre, the structured abstract in a side column, results
and the rest in the other, and a QR code to the paper beside the finding.

All body text on the page shares one size: the largest up to the page's ceiling (36 pt
on a 48 x 36 in page, scaled with the page) down to the 24 pt floor at which everything
fits, with the columns balanced to a common height (`poster_flow`). The title, in
balanced lines, goes from 110 pt down to 72 pt. A poster has one page, so when nothing
fits at the floors the error names the longest section and about how many words must go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import (
    EMU_PER_MM,
    WHITE,
    Color,
    Insets,
    Item,
    Layout,
    Paragraph,
    PictureBox,
    Run,
    ShapeBox,
    Slide,
    TextBox,
    inches,
)
from scholar_desk.core.formats.poster_flow import BODY_FLOOR_PT, Piece, PosterFlow, sizes
from scholar_desk.core.formats.qr import qr_caption, qr_png
from scholar_desk.core.formats.slide_content import (
    AbstractContent,
    affiliation_numbers,
    author_runs,
    citation_runs,
    disclosure_lines,
    main_finding,
    meeting_line,
    typeset_content,
)
from scholar_desk.core.formats.templates import Rect, Template
from scholar_desk.core.formats.text_fit import (
    FontFace,
    balance_lines,
    inner_width,
    paragraphs_height_emu,
    resolve_face,
    round_words,
    words_over,
)

SIZES: dict[str, tuple[int, int]] = {
    "48x36in": (inches(48), inches(36)),
    "36x48in": (inches(36), inches(48)),
    "A0": (841 * EMU_PER_MM, 1189 * EMU_PER_MM),
}
LAYOUTS = ("classic", "better")


TITLE_FLOOR_PT = 72.0
TITLE_MAX_PT = 110.0
#: Body text on a page whose short side is 36 in grows to this size when there is room.
BODY_CEILING_PT = 36.0
#: A column of the classic 48 x 36 in poster, where text grows to `BODY_CEILING_PT`.
REFERENCE_COLUMN_W = inches(15)
FINDING_MAX_PT = 160.0
FINDING_FLOOR_PT = 72.0

ImageLoader = Callable[[str], ImageData]


def _luminance(color: Color) -> float:
    return (0.2126 * color.r + 0.7152 * color.g + 0.0722 * color.b) / 255


def _on(color: Color) -> Color:
    """Black or white, whichever reads on ``color``."""
    return Color(0, 0, 0) if _luminance(color) > 0.6 else WHITE


def build_poster_layout(
    content: AbstractContent,
    template: Template,
    load_image: ImageLoader,
    *,
    size: str = "48x36in",
    style: str = "classic",
    logos: Sequence[ImageData] = (),
) -> Layout:
    """Lay out the poster.

    Args:
        content: What the abstract says.
        template: Theme and fonts; a user's template also fixes the page size.
        load_image: Reads a figure's file.
        size: ``48x36in``, ``36x48in`` or ``A0`` (built-in templates only).
        style: ``classic`` or ``better``.
        logos: Logos for the banner, left to right.

    Returns:
        A one-slide layout.

    Raises:
        ExportError: Unknown size or layout, or text that cannot fit at the floors.
    """
    if size not in SIZES:
        raise ExportError(f"Unknown poster size '{size}'. Use one of: {', '.join(SIZES)}.")
    if style not in LAYOUTS:
        raise ExportError(f"Unknown poster layout '{style}'. Use classic or better.")
    width, height = SIZES[size] if template.builtin else (template.width, template.height)
    builder = _PosterBuilder(typeset_content(content), template, load_image, width, height, logos)
    items = builder.classic() if style == "classic" else builder.better()
    notes = "\n\n".join(f"{s.heading}\n{s.body}" for s in content.sections)
    slide = Slide(
        tuple(items),
        kind="poster",
        notes=notes,
        title="Poster",
        background=template.blank_layout.decorations,
    )
    return Layout(width, height, (slide,), background_color=template.background)


class _PosterBuilder(PosterFlow):
    def __init__(
        self,
        content: AbstractContent,
        template: Template,
        load_image: ImageLoader,
        width: int,
        height: int,
        logos: Sequence[ImageData],
    ) -> None:
        self.content = content
        self.template = template
        self.load_image = load_image
        self.width = width
        self.height = height
        self.logos = list(logos)
        self.scale = min(width, height) / inches(36)
        self.margin = self.u(0.8)
        self.gap = self.u(0.7)
        self.heading_face = resolve_face(template.heading_font)
        self.body_face = resolve_face(template.body_font)
        self.accent = template.color("accent1", Color(0x1F, 0x5C, 0x99))
        self.text_color = template.body_color
        self.insets = Insets(self.u(0.15), self.u(0.08), self.u(0.15), self.u(0.08))
        self.figures = [(f, load_image(f.path)) for f in content.figures]
        self.ceiling_pt = max(BODY_FLOOR_PT, round(BODY_CEILING_PT * self.scale))
        self.qr_side = self.u(5.5)

    def u(self, value: float) -> int:
        """Inches scaled to the page (36 in short side = 1)."""
        return inches(value * self.scale)

    # Banner ------------------------------------------------------------------------------

    def banner(self, title_max: float = TITLE_MAX_PT) -> tuple[list[Item], int]:
        band_color = self.accent
        text_color = _on(band_color)
        items: list[Item] = []
        top = self.u(0.6)
        logo_h = self.u(3.2)
        left_logos = self.logos[: (len(self.logos) + 1) // 2]
        right_logos = self.logos[(len(self.logos) + 1) // 2 :]

        def row_width(row: list[ImageData]) -> int:
            return sum(min(round(logo_h * lg.aspect), self.u(8)) for lg in row) + self.gap * len(
                row
            )

        side = max(row_width(left_logos), row_width(right_logos))
        x = self.margin + side
        w = self.width - 2 * x
        title = self._fit_tight(
            lambda s: (
                Paragraph(
                    (Run(self.content.title),), s, bold=True, align="center", line_factor=1.1
                ),
            ),
            w,
            max_h=round(self.height * 0.13),
            face=self.heading_face,
            max_pt=title_max,
            floor_pt=TITLE_FLOOR_PT,
            step=2.0,
            what="The title is",
        )
        title_lines = balance_lines(title[1][0], inner_width(w, self.insets), self.heading_face)
        title_box = TextBox(
            x,
            top,
            w,
            title[2],
            title_lines,
            font=self.heading_face.family,
            role="title",
            insets=self.insets,
            color=text_color,
            floor_pt=TITLE_FLOOR_PT,
            name="Title",
        )
        affiliations, _ = affiliation_numbers(self.content.authors)
        byline = author_runs(self.content.authors)
        meeting = meeting_line(self.content)

        def build(s: float) -> tuple[Paragraph, ...]:
            small = max(BODY_FLOOR_PT, round(s * 0.75))
            out = [Paragraph(byline, s, align="center", bold=True)] if byline else []
            aff_runs: list[Run] = []
            for n, text in enumerate(affiliations, start=1):
                aff_runs += [
                    Run(str(n), superscript=True),
                    Run(text + ("   " if n < len(affiliations) else "")),
                ]
            if aff_runs:
                out.append(Paragraph(tuple(aff_runs), small, align="center"))
            tail = meeting
            if any(a.presenting for a in self.content.authors):
                tail = f"*Presenting author   {meeting}".strip()
            if tail:
                out.append(Paragraph((Run(tail),), small, align="center", space_before_pt=4))
            return tuple(out)

        byline_fit = self._fit_tight(
            build,
            w,
            max_h=round(self.height * 0.09),
            face=self.body_face,
            max_pt=48.0,
            floor_pt=BODY_FLOOR_PT,
            step=2.0,
            what="The author list and affiliations are",
        )
        byline_box = TextBox(
            x,
            top + title[2],
            w,
            byline_fit[2],
            byline_fit[1],
            font=self.body_face.family,
            role="subtitle",
            insets=self.insets,
            color=text_color,
            floor_pt=BODY_FLOOR_PT,
            name="Authors",
        )
        bottom = top + title[2] + byline_fit[2] + self.u(0.5)
        items.append(ShapeBox(0, 0, self.width, bottom, fill=band_color))
        items.append(
            ShapeBox(
                0,
                bottom,
                self.width,
                self.u(0.12),
                fill=self.template.color("accent3", self.accent),
            )
        )
        items += [title_box, byline_box]
        # Logos, centred vertically in the band.
        lx = self.margin
        for logo in left_logos:
            lw = min(round(logo_h * logo.aspect), self.u(8))
            lh = round(lw / logo.aspect)
            items.append(PictureBox(lx, (bottom - lh) // 2, lw, lh, logo.data, "Logo"))
            lx += lw + self.gap
        rx = self.width - self.margin
        for logo in reversed(right_logos):
            lw = min(round(logo_h * logo.aspect), self.u(8))
            lh = round(lw / logo.aspect)
            rx -= lw
            items.append(PictureBox(rx, (bottom - lh) // 2, lw, lh, logo.data, "Logo"))
            rx -= self.gap
        return items, bottom + self.u(0.12)

    # Layouts -----------------------------------------------------------------------------

    def classic(self) -> list[Item]:
        items, top = self.banner()
        top += self.gap
        bottom = self.height - self.margin
        ncols = 3 if self.width > self.height else 2
        columns = self._columns(self.margin, self.width - self.margin, top, bottom, ncols)
        self._ceiling_for(columns[0].w)
        pieces = self._section_pieces(with_results=True) + self._extra_pieces(with_qr=True)
        return items + self.best([pieces], columns).items

    def better(self) -> list[Item]:
        items, top = self.banner(title_max=96.0)
        top += self.gap
        bottom = self.height - self.margin
        left, right = self.margin, self.width - self.margin
        if self.width > self.height:
            inner = right - left - 2 * self.gap
            side = round(inner * 0.29)
            centre = Rect(left + side + self.gap, top, inner - 2 * side, bottom - top)
            columns = [
                Rect(left, top, side, bottom - top),
                Rect(centre.right + self.gap, top, side, bottom - top),
            ]
        else:
            band_h = round((bottom - top) * 0.3)
            centre = Rect(left, top, right - left, band_h)
            below = top + band_h + self.gap
            col_w = (right - left - self.gap) // 2
            columns = [
                Rect(left, below, col_w, bottom - below),
                Rect(left + col_w + self.gap, below, col_w, bottom - below),
            ]
        items += self._finding_panel(centre)
        self._ceiling_for(columns[0].w)
        pieces_left = self._section_pieces(with_results=False)
        pieces_right = self._result_pieces() + self._extra_pieces(with_qr=False)
        # First the abstract alone in its column and the results and the rest in the
        # other; failing that, let them start below the abstract when it leaves room.
        flows = (
            [*pieces_left, Piece("break"), *pieces_right],
            [*pieces_left, *pieces_right],
        )
        return items + self.best(flows, columns).items

    def _finding_panel(self, rect: Rect) -> list[Item]:
        fill = self.template.color("dk2", self.accent)
        if _luminance(fill) > 0.5:
            fill = self.accent
        text_color = _on(fill)
        items: list[Item] = [ShapeBox(rect.x, rect.y, rect.w, rect.h, fill=fill)]
        pad = self.u(1.0)
        qr_items: list[Item] = []
        text_bottom = rect.bottom - pad
        if self.content.link:
            portrait = self.width <= self.height
            side = min(self.u(6.5), round(rect.h * (0.55 if portrait else 0.3)))
            caption_h = self.u(1.2)
            if portrait:
                qx = rect.right - pad - side
                qy = rect.bottom - pad - side - caption_h
                text_right = qx - pad
            else:
                qx = rect.x + (rect.w - side) // 2
                qy = rect.bottom - pad - side - caption_h
                text_bottom = qy - pad
                text_right = rect.right - pad
            qr_items.append(
                ShapeBox(
                    qx - self.u(0.2),
                    qy - self.u(0.2),
                    side + self.u(0.4),
                    side + self.u(0.4),
                    fill=WHITE,
                )
            )
            qr_items.append(
                PictureBox(
                    qx, qy, side, side, qr_png(self.content.link), f"QR code: {self.content.link}"
                )
            )
            cap_x = max(rect.x, qx - self.u(2))
            cap_w = min(rect.right, qx + side + self.u(2)) - cap_x
            cap = self._fit_tight(
                lambda s: (Paragraph((Run(qr_caption(self.content.link)),), s, align="center"),),
                cap_w,
                max_h=caption_h,
                face=self.body_face,
                max_pt=32.0,
                floor_pt=BODY_FLOOR_PT,
                step=2.0,
                what="The QR code caption is",
            )
            qr_items.append(
                TextBox(
                    cap_x,
                    qy + side + self.u(0.25),
                    cap_w,
                    cap[2],
                    cap[1],
                    font=self.body_face.family,
                    role="caption",
                    insets=self.insets,
                    color=text_color,
                    floor_pt=BODY_FLOOR_PT,
                    name="QR caption",
                )
            )
        else:
            text_right = rect.right - pad
        finding = main_finding(self.content)
        box = Rect(
            rect.x + pad, rect.y + pad, text_right - rect.x - pad, text_bottom - rect.y - pad
        )
        fitted = None
        for s in sizes(FINDING_MAX_PT, FINDING_FLOOR_PT, step=4.0):
            paras = (Paragraph((Run(finding),), s, bold=True, align="center", line_factor=1.1),)
            need = paragraphs_height_emu(paras, inner_width(box.w, self.insets), self.heading_face)
            if need + self.insets.top + self.insets.bottom <= box.h:
                fitted = paras
                break
        if fitted is None:
            paras = (
                Paragraph(
                    (Run(finding),), FINDING_FLOOR_PT, bold=True, align="center", line_factor=1.1
                ),
            )
            over = words_over(paras, box.w, box.h, self.insets, self.heading_face)
            raise ExportError(
                f"The main finding is about {round_words(over)} words too long for the centre "
                f"of the poster at {FINDING_FLOOR_PT:g} pt. Make the first sentence of the "
                "Conclusions shorter, or use the classic layout.",
            )
        items.append(
            TextBox(
                box.x,
                box.y,
                box.w,
                box.h,
                fitted,
                font=self.heading_face.family,
                role="body",
                anchor="middle",
                insets=self.insets,
                color=text_color,
                floor_pt=FINDING_FLOOR_PT,
                name="Main finding",
            )
        )
        return items + qr_items

    def _ceiling_for(self, column_w: int) -> None:
        """Set the body ceiling: 36 pt on 48 x 36 in, more in wider columns, less on A0.

        Wider columns keep the same number of characters to a line at a larger size.
        """
        by_column = BODY_CEILING_PT * column_w / REFERENCE_COLUMN_W
        self.ceiling_pt = max(BODY_FLOOR_PT, round(max(BODY_CEILING_PT * self.scale, by_column)))

    # Pieces ------------------------------------------------------------------------------

    def longest_section(self) -> str:
        sections = [s for s in self.content.sections if s.body.strip()]
        longest = max(sections, key=lambda s: len(s.body.split()), default=None)
        return longest.heading if longest is not None else ""

    def _text(
        self,
        section: str,
        lines: Sequence[tuple[Run, ...]],
        *,
        scale: float = 1.0,
        space: float = 0.5,
    ) -> Piece:
        def build(s: float) -> tuple[Paragraph, ...]:
            size = max(BODY_FLOOR_PT, round(s * scale))
            return tuple(Paragraph(runs, size, space_before_pt=size * space) for runs in lines)

        return Piece("text", build=build, section=section, gap_after=1.0)

    def _section_pieces(self, *, with_results: bool) -> list[Piece]:
        pieces: list[Piece] = []
        placed = False
        for section in self.content.sections:
            paragraphs = [p.strip() for p in section.body.split("\n") if p.strip()]
            pieces.append(self.heading(section.heading))
            pieces.append(self._text(section.heading, [(Run(p),) for p in paragraphs]))
            if with_results and not placed and "result" in section.heading.lower():
                pieces += self._result_pieces()
                placed = True
        if with_results and not placed:
            pieces += self._result_pieces()
        return pieces

    def _result_pieces(self) -> list[Piece]:
        pieces: list[Piece] = []
        table = self.content.table
        if table is not None:
            caption = f"Table 1. {table.caption}".strip() if table.caption else "Table 1"
            pieces.append(
                Piece("table", table=table, caption=caption, section="Table 1", gap_after=1.0)
            )
        pieces += [
            Piece(
                "picture",
                image=image,
                caption=f"Figure {n}. {figure.caption}".strip()
                if figure.caption
                else f"Figure {n}",
                section=f"Figure {n}",
                gap_after=1.0,
            )
            for n, (figure, image) in enumerate(self.figures, start=1)
        ]
        return pieces

    def _extra_pieces(self, *, with_qr: bool) -> list[Piece]:
        pieces: list[Piece] = []
        if self.content.references:
            pieces.append(self.heading("References"))
            pieces.append(
                self._text(
                    "References",
                    [
                        (Run(f"{n}. "), *citation_runs(ref))
                        for n, ref in enumerate(self.content.references, start=1)
                    ],
                    scale=0.75,
                    space=0.3,
                )
            )
        pieces.append(self.heading("Disclosures"))
        pieces.append(
            self._text(
                "Disclosures",
                [
                    (Run(f"{b}: ", bold=True), Run(t))
                    for b, t in disclosure_lines(self.content.authors)
                ]
                or [(Run("No relevant financial relationships"),)],
                scale=0.75,
                space=0.3,
            )
        )
        thanks = self.content.acknowledgments.strip() or (
            "Mentorship: " + ", ".join(self.content.mentors) if self.content.mentors else ""
        )
        if thanks:
            pieces.append(self.heading("Acknowledgments"))
            pieces.append(self._text("Acknowledgments", [(Run(thanks),)], scale=0.75))
        if with_qr and self.content.link:
            pieces.append(
                Piece(
                    "qr",
                    image=_qr_image(self.content.link),
                    caption=qr_caption(self.content.link),
                    section=f"QR code: {self.content.link}",
                    gap_after=0,
                )
            )
        return pieces

    def _columns(self, left: int, right: int, top: int, bottom: int, n: int) -> list[Rect]:
        w = (right - left - (n - 1) * self.gap) // n
        return [Rect(left + i * (w + self.gap), top, w, bottom - top) for i in range(n)]

    def _fit_tight(
        self,
        build: Callable[[float], tuple[Paragraph, ...]],
        w: int,
        *,
        max_h: int,
        face: FontFace,
        max_pt: float,
        floor_pt: float,
        step: float,
        what: str,
    ) -> tuple[float, tuple[Paragraph, ...], int]:
        for s in sizes(max_pt, floor_pt, step):
            paras = build(s)
            h = (
                paragraphs_height_emu(paras, inner_width(w, self.insets), face)
                + self.insets.top
                + self.insets.bottom
            )
            if h <= max_h:
                return s, paras, h
        over = words_over(build(floor_pt), w, max_h, self.insets, face)
        raise ExportError(
            f"{what} about {round_words(over)} words too long for the poster at "
            f"{floor_pt:g} pt. Shorten it.",
        )


def _qr_image(url: str) -> ImageData:
    data = qr_png(url)
    return ImageData(data, 1, 1, "QR code")
