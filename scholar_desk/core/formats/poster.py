"""Compose a one-page conference poster from an abstract.

Two layouts: ``classic`` (a title banner over three columns, two on portrait pages) and
``better``, after Mike Morrison's #betterposter: the main finding in large plain
language in the centre, the structured abstract in a side column, figures and the rest
in the other, and a QR code to the paper at the bottom of the centre panel.

All body text on the page shares one size, the largest from 44 pt down to the 24 pt
floor at which everything fits; the title goes from 110 pt down to 72 pt. A poster has
one page, so when nothing fits at the floors the error names the longest section and
about how many words must go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import (
    EMU_PER_MM,
    EMU_PER_PT,
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
from scholar_desk.core.formats.qr import qr_png
from scholar_desk.core.formats.slide_content import (
    AbstractContent,
    affiliation_numbers,
    author_runs,
    citation_runs,
    disclosure_lines,
    main_finding,
    meeting_line,
)
from scholar_desk.core.formats.templates import Rect, Template
from scholar_desk.core.formats.text_fit import (
    FontFace,
    inner_width,
    paragraphs_height_emu,
    resolve_face,
    round_words,
    split_to_fit,
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
BODY_FLOOR_PT = 24.0
BODY_MAX_PT = 44.0
FINDING_MAX_PT = 160.0
FINDING_FLOOR_PT = 72.0
#: Tallest a figure may be, as a share of the column; tried in turn before smaller text.
FIGURE_FRACTIONS = (0.4, 0.3, 0.22, 0.16)

ImageLoader = Callable[[str], ImageData]


def _luminance(color: Color) -> float:
    return (0.2126 * color.r + 0.7152 * color.g + 0.0722 * color.b) / 255


def _on(color: Color) -> Color:
    """Black or white, whichever reads on ``color``."""
    return Color(0, 0, 0) if _luminance(color) > 0.6 else WHITE


@dataclass
class _Piece:
    """Something placed in a column: text (splittable) or a picture."""

    kind: str  # "heading", "text", "picture"
    build: Callable[[float], tuple[Paragraph, ...]] | None = None
    image: ImageData | None = None
    caption: str = ""
    section: str = ""
    gap_after: float = 0.5  # in units of the body size


@dataclass
class _Packed:
    items: list[Item] = field(default_factory=list)
    overflow: int = 0  # EMU that did not fit in the last column
    overflow_section: str = ""


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
    builder = _PosterBuilder(content, template, load_image, width, height, logos)
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


class _PosterBuilder:
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
        title_box = TextBox(
            x,
            top,
            w,
            title[2],
            title[1],
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
        pieces = self._section_pieces(with_figures=True) + self._extra_pieces(with_qr=True)
        return items + self._pack_at_best_size(pieces, columns)

    def better(self) -> list[Item]:
        items, top = self.banner(title_max=96.0)
        top += self.gap
        bottom = self.height - self.margin
        left, right = self.margin, self.width - self.margin
        if self.width > self.height:
            inner = right - left - 2 * self.gap
            side = round(inner * 0.27)
            centre = Rect(left + side + self.gap, top, inner - 2 * side, bottom - top)
            abstract_cols = [Rect(left, top, side, bottom - top)]
            extra_cols = [Rect(centre.right + self.gap, top, side, bottom - top)]
        else:
            band_h = round((bottom - top) * 0.36)
            centre = Rect(left, top, right - left, band_h)
            below = top + band_h + self.gap
            col_w = (right - left - self.gap) // 2
            abstract_cols = [Rect(left, below, col_w, bottom - below)]
            extra_cols = [Rect(left + col_w + self.gap, below, col_w, bottom - below)]
        items += self._finding_panel(centre)
        pieces_left = self._section_pieces(with_figures=False)
        pieces_right = self._figure_pieces() + self._extra_pieces(with_qr=False)
        columns = abstract_cols + extra_cols
        # First the abstract alone in its column and the extras in theirs; failing that,
        # let the extras start below the abstract when it leaves room.
        flows = (
            [*pieces_left, _Piece("break"), *pieces_right],
            [*pieces_left, *pieces_right],
        )
        packed = self._pack(flows[1], columns, BODY_FLOOR_PT, figure_fraction=FIGURE_FRACTIONS[-1])
        if packed.overflow:  # fail fast: nothing larger can fit either
            self._raise_overflow(packed, columns[0].w)
        for s in _sizes(BODY_MAX_PT, BODY_FLOOR_PT, step=1.0):
            for flow in flows:
                for fraction in FIGURE_FRACTIONS:
                    packed = self._pack(flow, columns, s, figure_fraction=fraction)
                    if not packed.overflow:
                        return items + packed.items
        packed = self._pack(flows[1], columns, BODY_FLOOR_PT, figure_fraction=FIGURE_FRACTIONS[-1])
        self._raise_overflow(packed, columns[0].w)
        raise AssertionError("unreachable")  # pragma: no cover

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
                lambda s: (Paragraph((Run("Scan for the full abstract"),), s, align="center"),),
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
        for s in _sizes(FINDING_MAX_PT, FINDING_FLOOR_PT, step=4.0):
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

    # Pieces ------------------------------------------------------------------------------

    def _heading(self, text: str) -> _Piece:
        return _Piece(
            "heading",
            build=lambda s: (Paragraph((Run(text),), round(s * 1.3), bold=True),),
            section=text,
            gap_after=0.4,
        )

    def _text(
        self,
        section: str,
        lines: Sequence[tuple[Run, ...]],
        *,
        scale: float = 1.0,
        space: float = 0.5,
    ) -> _Piece:
        def build(s: float) -> tuple[Paragraph, ...]:
            size = max(BODY_FLOOR_PT, round(s * scale))
            return tuple(Paragraph(runs, size, space_before_pt=size * space) for runs in lines)

        return _Piece("text", build=build, section=section, gap_after=1.2)

    def _section_pieces(self, *, with_figures: bool) -> list[_Piece]:
        pieces: list[_Piece] = []
        placed = False
        for section in self.content.sections:
            paragraphs = [p.strip() for p in section.body.split("\n") if p.strip()]
            pieces.append(self._heading(section.heading))
            pieces.append(self._text(section.heading, [(Run(p),) for p in paragraphs]))
            if with_figures and not placed and "result" in section.heading.lower():
                pieces += self._figure_pieces()
                placed = True
        if with_figures and not placed:
            pieces += self._figure_pieces()
        return pieces

    def _figure_pieces(self) -> list[_Piece]:
        return [
            _Piece(
                "picture",
                image=image,
                caption=f"Figure {n}. {figure.caption}".strip()
                if figure.caption
                else f"Figure {n}",
                section=f"Figure {n}",
                gap_after=1.2,
            )
            for n, (figure, image) in enumerate(self.figures, start=1)
        ]

    def _extra_pieces(self, *, with_qr: bool) -> list[_Piece]:
        pieces: list[_Piece] = []
        if self.content.references:
            pieces.append(self._heading("References"))
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
        pieces.append(self._heading("Disclosures"))
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
            pieces.append(self._heading("Acknowledgments"))
            pieces.append(self._text("Acknowledgments", [(Run(thanks),)], scale=0.75))
        if with_qr and self.content.link:
            pieces.append(
                _Piece(
                    "picture",
                    image=_qr_image(self.content.link),
                    caption="Scan for the full abstract",
                    section="QR code",
                    gap_after=0,
                )
            )
        return pieces

    # Packing -----------------------------------------------------------------------------

    def _columns(self, left: int, right: int, top: int, bottom: int, n: int) -> list[Rect]:
        w = (right - left - (n - 1) * self.gap) // n
        return [Rect(left + i * (w + self.gap), top, w, bottom - top) for i in range(n)]

    def _pack_at_best_size(self, pieces: list[_Piece], columns: list[Rect]) -> list[Item]:
        packed = self._pack(pieces, columns, BODY_FLOOR_PT, figure_fraction=FIGURE_FRACTIONS[-1])
        if packed.overflow:  # fail fast: nothing larger can fit either
            self._raise_overflow(packed, columns[0].w)
        for s in _sizes(BODY_MAX_PT, BODY_FLOOR_PT, step=1.0):
            for fraction in FIGURE_FRACTIONS:
                packed = self._pack(pieces, columns, s, figure_fraction=fraction)
                if not packed.overflow:
                    return packed.items
        packed = self._pack(pieces, columns, BODY_FLOOR_PT, figure_fraction=FIGURE_FRACTIONS[-1])
        self._raise_overflow(packed, columns[0].w)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_overflow(self, packed: _Packed, col_w: int, name: str = "") -> None:
        sections = [s for s in self.content.sections if s.body.strip()]
        longest = max(sections, key=lambda s: len(s.body.split()), default=None)
        name = name or (longest.heading if longest is not None else packed.overflow_section)
        lines = max(1, -(-packed.overflow // round(BODY_FLOOR_PT * 1.2 * EMU_PER_PT)))
        sample = (Paragraph((Run(longest.body if longest else "word " * 50),), BODY_FLOOR_PT),)
        width = inner_width(col_w, self.insets)
        sample_lines = max(
            1,
            paragraphs_height_emu(sample, width, self.body_face)
            // round(BODY_FLOOR_PT * 1.2 * EMU_PER_PT),
        )
        per_line = len(sample[0].text.split()) / sample_lines
        over = round_words(max(1, round(lines * per_line)))
        raise ExportError(
            f"{name} is about {over} words too long for the poster at {BODY_FLOOR_PT:g} pt. "
            "Shorten it (or another section), remove a figure, or choose a larger size.",
            f"{packed.overflow / 914400:.1f} in of text and figures did not fit",
        )

    def _pack(
        self,
        pieces: list[_Piece],
        columns: list[Rect],
        s: float,
        *,
        figure_fraction: float = 0.4,
    ) -> _Packed:
        """Flow pieces down the columns at body size ``s``."""
        out = _Packed()
        col = 0
        y = columns[0].y
        heading_fill = self.accent
        heading_color = _on(heading_fill)
        i = 0
        queue: list[tuple[_Piece, tuple[Paragraph, ...] | None]] = [(p, None) for p in pieces]
        while i < len(queue):
            piece, ready = queue[i]
            rect = columns[col]
            room = rect.bottom - y
            if piece.kind == "break":
                if col + 1 < len(columns):
                    col, y = col + 1, columns[col + 1].y
                i += 1
                continue
            if piece.kind == "picture":
                assert piece.image is not None
                cap = (
                    Paragraph(
                        (Run(piece.caption),), max(BODY_FLOOR_PT, round(s * 0.75)), align="center"
                    ),
                )
                cap_h = self._text_h(cap, rect.w)
                w = rect.w
                h = round(w / piece.image.aspect)
                max_h = round(rect.h * figure_fraction)
                if h > max_h:
                    h, w = max_h, round(max_h * piece.image.aspect)
                if piece.section == "QR code":
                    w = h = min(self.u(6), rect.w)
                need = h + cap_h
                if need > room and col + 1 < len(columns):
                    col, y = col + 1, columns[col + 1].y
                    continue
                if need > room:
                    out.overflow = need - room + self._rest_h(queue[i + 1 :], rect, s)
                    out.overflow_section = piece.section
                    return out
                out.items.append(
                    PictureBox(
                        rect.x + (rect.w - w) // 2, y, w, h, piece.image.data, piece.caption
                    )
                )
                out.items.append(
                    TextBox(
                        rect.x,
                        y + h,
                        rect.w,
                        cap_h,
                        cap,
                        font=self.body_face.family,
                        role="caption",
                        insets=self.insets,
                        color=self.text_color,
                        floor_pt=BODY_FLOOR_PT,
                        name=piece.caption[:40],
                    )
                )
                y += need + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            assert piece.build is not None
            paras = ready if ready is not None else piece.build(s)
            h = self._text_h(paras, rect.w)
            if piece.kind == "heading":
                # Keep a heading with at least three lines of what follows.
                follow = 3 * s * 1.2 * EMU_PER_PT
                if h + follow > room and col + 1 < len(columns):
                    col, y = col + 1, columns[col + 1].y
                    continue
                if h + follow > room:
                    out.overflow = round(h + follow - room) + self._rest_h(queue[i + 1 :], rect, s)
                    out.overflow_section = piece.section
                    return out
                out.items.append(ShapeBox(rect.x, y, rect.w, h, fill=heading_fill))
                out.items.append(
                    TextBox(
                        rect.x,
                        y,
                        rect.w,
                        h,
                        paras,
                        font=self.heading_face.family,
                        role="heading",
                        insets=self.insets,
                        color=heading_color,
                        floor_pt=BODY_FLOOR_PT,
                        name=piece.section,
                    )
                )
                y += h + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            if h <= room:
                out.items.append(self._body_box(rect, y, h, paras, piece.section))
                y += h + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            # Split the text: as much as fits here, the rest at the top of the next column.
            head: tuple[Paragraph, ...] = ()
            tail: tuple[Paragraph, ...] = paras
            if room > self.insets.top + self.insets.bottom + s * 2.4 * EMU_PER_PT:
                try:
                    chunks = split_to_fit(paras, rect.w, room, self.insets, self.body_face)
                except ValueError:
                    chunks = []
                if chunks:
                    head = chunks[0]
                    tail = tuple(p for chunk in chunks[1:] for p in chunk)
            if head:
                hh = self._text_h(head, rect.w)
                out.items.append(self._body_box(rect, y, hh, head, piece.section))
            if col + 1 >= len(columns):
                out.overflow = self._text_h(tail, rect.w) + self._rest_h(queue[i + 1 :], rect, s)
                out.overflow_section = piece.section
                return out
            col, y = col + 1, columns[col + 1].y
            queue[i] = (piece, tail)
        return out

    def _rest_h(
        self, rest: Sequence[tuple[_Piece, tuple[Paragraph, ...] | None]], rect: Rect, s: float
    ) -> int:
        """Height the pieces that were not placed would take in a column like ``rect``."""
        total = 0
        for piece, _ in rest:
            if piece.kind == "picture" and piece.image is not None:
                total += min(round(rect.w / piece.image.aspect), round(rect.h * 0.16))
            elif piece.build is not None:
                total += self._text_h(piece.build(s), rect.w)
            total += round(s * piece.gap_after * EMU_PER_PT)
        return total

    def _body_box(
        self, rect: Rect, y: int, h: int, paras: tuple[Paragraph, ...], name: str
    ) -> TextBox:
        return TextBox(
            rect.x,
            y,
            rect.w,
            h,
            paras,
            font=self.body_face.family,
            role="body",
            insets=self.insets,
            color=self.text_color,
            floor_pt=BODY_FLOOR_PT,
            name=name,
        )

    def _text_h(self, paras: Sequence[Paragraph], w: int) -> int:
        return (
            paragraphs_height_emu(paras, inner_width(w, self.insets), self.body_face)
            + self.insets.top
            + self.insets.bottom
        )

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
        for s in _sizes(max_pt, floor_pt, step):
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


def _sizes(top: float, floor: float, step: float = 2.0) -> list[float]:
    out = []
    size = top
    while size >= floor - 1e-6:
        out.append(size)
        size -= step
    return out


def _qr_image(url: str) -> ImageData:
    data = qr_png(url)
    return ImageData(data, 1, 1, "QR code")
