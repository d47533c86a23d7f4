"""Flow a poster's pieces down its columns: balanced heights, continued sections.

The pieces (headings, text, figures with captions, the results table) run down the
columns in reading order. `PosterFlow.best` picks the largest body size, up to the page's
ceiling, and the largest figures at which everything fits, then lowers a common column
limit as far as it goes, so the columns end at about the same height. Text that runs
into the next column takes its heading along ("References, continued"). The QR code sits
at the foot of the last column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import (
    EMU_PER_PT,
    Color,
    Insets,
    Item,
    Paragraph,
    PictureBox,
    Run,
    ShapeBox,
    TextBox,
)
from scholar_desk.core.formats.results_table import ResultsTable, table_box
from scholar_desk.core.formats.templates import Rect
from scholar_desk.core.formats.text_fit import (
    FontFace,
    inner_width,
    paragraphs_height_emu,
    round_words,
    split_to_fit,
)

BODY_FLOOR_PT = 24.0
#: Tallest a figure may be, as a share of the column; tried in turn before smaller text.
FIGURE_FRACTIONS = (0.5, 0.4, 0.3, 0.22, 0.16)
LARGE_FIGURE = 0.22


def sizes(top: float, floor: float, step: float = 2.0) -> list[float]:
    """``top``, ``top - step``, ... down to ``floor``."""
    out = []
    size = top
    while size >= floor - 1e-6:
        out.append(size)
        size -= step
    return out


@dataclass
class Piece:
    """Something placed in a column.

    Attributes:
        kind: ``heading``, ``text`` (splittable), ``picture``, ``table``, ``qr`` or
            ``break`` (go on in the next column).
        build: Makes the paragraphs at a body size (headings and text).
        image: The picture (figures and the QR code).
        caption: Under a picture, above a table.
        section: The heading the piece belongs to (repeated when text continues).
        gap_after: Space after, in units of the body size.
        table: The results table.
    """

    kind: str
    build: Callable[[float], tuple[Paragraph, ...]] | None = None
    image: ImageData | None = None
    caption: str = ""
    section: str = ""
    gap_after: float = 0.5
    table: ResultsTable | None = None


@dataclass
class Packed:
    """The placed items, or how much did not fit."""

    items: list[Item] = field(default_factory=list)
    overflow: int = 0  # EMU that did not fit in the last column
    overflow_section: str = ""
    size: float = 0.0


class PosterFlow:
    """Places pieces in columns; a poster builder sets the style before calling `best`."""

    body_face: FontFace
    heading_face: FontFace
    insets: Insets
    accent: Color
    text_color: Color
    ceiling_pt: float
    qr_side: int

    def heading_color(self) -> Color:
        """Text colour on the heading bars."""
        lum = (0.2126 * self.accent.r + 0.7152 * self.accent.g + 0.0722 * self.accent.b) / 255
        return Color(0, 0, 0) if lum > 0.6 else Color(255, 255, 255)

    def heading(self, text: str) -> Piece:
        """A section heading bar."""
        return Piece(
            "heading",
            build=lambda s: (Paragraph((Run(text),), round(s * 1.25), bold=True),),
            section=text,
            gap_after=0.4,
        )

    # Choosing the size ----------------------------------------------------------------

    def best(self, flows: Sequence[list[Piece]], columns: list[Rect]) -> Packed:
        """Pack at the largest size and figures that fit, with balanced columns.

        Args:
            flows: Orders of the pieces to try, preferred first.
            columns: The column rectangles.

        Returns:
            The placed items.

        Raises:
            ExportError: Nothing fits at the floor; the message names the section.
        """
        smallest = FIGURE_FRACTIONS[-1]
        floor = self.pack(flows[-1], columns, BODY_FLOOR_PT, figure_fraction=smallest)
        if floor.overflow:  # fail fast: nothing larger can fit either
            self.raise_overflow(floor, columns[0].w)
        chosen: tuple[list[Piece], float, float] | None = None
        steps = sizes(self.ceiling_pt, BODY_FLOOR_PT, step=1.0)
        # Figures stay large (at least LARGE_FIGURE of the column) before text gets small.
        for group in (
            [f for f in FIGURE_FRACTIONS if f >= LARGE_FIGURE],
            [f for f in FIGURE_FRACTIONS if f < LARGE_FIGURE],
        ):

            def first_fit(
                s: float, group: list[float] = group
            ) -> tuple[list[Piece], float] | None:
                for fraction in group:
                    for flow in flows:
                        if not self.pack(flow, columns, s, figure_fraction=fraction).overflow:
                            return flow, fraction
                return None

            # Text height grows with its size: halve the steps for the largest that fits.
            found = first_fit(steps[-1])
            if found is None:
                continue
            good, bad = len(steps) - 1, -1
            while good - bad > 1:
                middle = (good + bad) // 2
                attempt = first_fit(steps[middle])
                if attempt is None:
                    bad = middle
                else:
                    good, found = middle, attempt
            chosen = (found[0], steps[good], found[1])
            break
        if chosen is None:
            return floor
        flow, s, fraction = chosen
        if any(p.kind == "break" for p in flow):
            return self.pack(flow, columns, s, figure_fraction=fraction)
        # Balance: the lowest common column height at which everything still fits.
        low, high = max(c.h for c in columns) // 4, max(c.h for c in columns)
        while high - low > round(s * EMU_PER_PT):
            middle = (low + high) // 2
            if self.pack(flow, columns, s, figure_fraction=fraction, limit=middle).overflow:
                low = middle
            else:
                high = middle
        return self.pack(flow, columns, s, figure_fraction=fraction, limit=high)

    def raise_overflow(self, packed: Packed, col_w: int) -> None:
        """Say which section is too long and by about how many words."""
        sample = (Paragraph((Run("word " * 60),), BODY_FLOOR_PT),)
        line_h = round(BODY_FLOOR_PT * 1.2 * EMU_PER_PT)
        sample_lines = max(
            1,
            paragraphs_height_emu(sample, inner_width(col_w, self.insets), self.body_face)
            // line_h,
        )
        lines = max(1, -(-packed.overflow // line_h))
        over = round_words(max(1, round(lines * 60 / sample_lines)))
        raise ExportError(
            f"{self.longest_section() or packed.overflow_section} is about {over} words too "
            f"long for the poster at {BODY_FLOOR_PT:g} pt. Shorten it (or another section), "
            "remove a figure, or choose a larger size.",
            f"{packed.overflow / 914400:.1f} in of text and figures did not fit",
        )

    def longest_section(self) -> str:
        """The heading of the longest section (named when the poster overflows)."""
        return ""

    # Packing --------------------------------------------------------------------------

    def pack(
        self,
        pieces: list[Piece],
        columns: list[Rect],
        s: float,
        *,
        figure_fraction: float = 0.4,
        limit: int | None = None,
    ) -> Packed:
        """Flow pieces down the columns at body size ``s``.

        Args:
            pieces: In reading order; a ``qr`` piece goes to the foot of the last column.
            columns: The column rectangles.
            s: Body size in points.
            figure_fraction: Tallest a figure may be, as a share of the column.
            limit: Highest a column's content may reach (for balancing).

        Returns:
            The items, or the overflow when something did not fit.
        """
        out = Packed(size=s)
        qr = next((p for p in pieces if p.kind == "qr"), None)
        bottoms = [c.y + min(c.h, limit or c.h) for c in columns]
        qr_items: list[Item] = []
        if qr is not None:
            qr_items, qr_h = self._qr_items(qr, columns[-1], s)
            bottoms[-1] = min(bottoms[-1], columns[-1].bottom - qr_h)
        col = 0
        y = columns[0].y
        # Per column: (kind of piece, its items), to spread the columns to their foot.
        blocks: list[list[tuple[str, list[Item]]]] = [[] for _ in columns]
        queue: list[tuple[Piece, tuple[Paragraph, ...] | None]] = [
            (p, None) for p in pieces if p.kind != "qr"
        ]
        i = 0
        while i < len(queue):
            piece, ready = queue[i]
            rect = columns[col]
            room = bottoms[col] - y
            last = col + 1 >= len(columns)
            if piece.kind == "break":
                if not last:
                    col, y = col + 1, columns[col + 1].y
                i += 1
                continue
            if piece.kind in ("picture", "table"):
                placed = (
                    self._figure(piece, rect, y, s, figure_fraction)
                    if piece.kind == "picture"
                    else self._table(piece, rect, y, s)
                )
                need = max(item.y + item.h for item in placed) - y
                if need > room and not last:
                    col, y = col + 1, columns[col + 1].y
                    continue
                if need > room:
                    out.overflow = need - room + self._rest_h(queue[i + 1 :], rect, s)
                    out.overflow_section = piece.section
                    return out
                blocks[col].append((piece.kind, placed))
                y += need + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            assert piece.build is not None
            paras = ready if ready is not None else piece.build(s)
            h = self.text_h(paras, rect.w)
            if piece.kind == "heading":
                # Keep a heading with at least three lines of what follows.
                follow = 3 * s * 1.2 * EMU_PER_PT
                if h + follow > room and not last:
                    col, y = col + 1, columns[col + 1].y
                    continue
                if h + follow > room:
                    out.overflow = round(h + follow - room) + self._rest_h(queue[i + 1 :], rect, s)
                    out.overflow_section = piece.section
                    return out
                blocks[col].append(
                    ("heading", self._heading_items(rect, y, h, paras, piece.section))
                )
                y += h + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            if h <= room:
                blocks[col].append(("text", [self._body_box(rect, y, h, paras, piece.section)]))
                y += h + round(s * piece.gap_after * EMU_PER_PT)
                i += 1
                continue
            # Split the text: as much as fits here, the rest in the next column under its
            # heading again.
            head: tuple[Paragraph, ...] = ()
            tail: tuple[Paragraph, ...] = paras
            if room > self.insets.top + self.insets.bottom + s * 2.4 * EMU_PER_PT and not last:
                try:
                    chunks = split_to_fit(paras, rect.w, room, self.insets, self.body_face)
                    line = round(s * 1.2 * EMU_PER_PT)
                    if len(chunks) == 2 and self.text_h(chunks[1], rect.w) < 2 * line + line // 2:
                        # No single line carried over alone: take one more with it.
                        chunks = split_to_fit(
                            paras, rect.w, room - line, self.insets, self.body_face
                        )
                except ValueError:
                    chunks = []
                if len(chunks) > 1:
                    head = chunks[0]
                    tail = tuple(p for chunk in chunks[1:] for p in chunk)
            if last:
                out.overflow = (
                    self.text_h(tail, rect.w) - room + self._rest_h(queue[i + 1 :], rect, s)
                )
                out.overflow_section = piece.section
                return out
            if head:
                hh = self.text_h(head, rect.w)
                blocks[col].append(("text", [self._body_box(rect, y, hh, head, piece.section)]))
                queue[i] = (piece, tail)
                if piece.section:
                    queue.insert(i, (self.heading(f"{piece.section}, continued"), None))
            col, y = col + 1, columns[col + 1].y
        for col, column_blocks in enumerate(blocks):
            foot = columns[col].bottom if col + 1 < len(columns) else bottoms[-1]
            if qr is None and col + 1 == len(columns):
                foot = columns[col].bottom
            out.items += _spread(column_blocks, foot, cap=round(s * 1.2 * 4 * EMU_PER_PT))
        out.items += qr_items
        return out

    def _rest_h(
        self, rest: Sequence[tuple[Piece, tuple[Paragraph, ...] | None]], rect: Rect, s: float
    ) -> int:
        """Height the pieces that were not placed would take in a column like ``rect``."""
        total = 0
        for piece, ready in rest:
            if piece.kind == "picture" and piece.image is not None:
                total += min(round(rect.w / piece.image.aspect), round(rect.h * 0.16))
            elif piece.kind == "table":
                total += sum(item.h for item in self._table(piece, rect, 0, s))
            elif piece.build is not None:
                total += self.text_h(ready or piece.build(s), rect.w)
            total += round(s * piece.gap_after * EMU_PER_PT)
        return total

    # Items ------------------------------------------------------------------------------

    def _caption(self, text: str, rect: Rect, y: int, s: float) -> TextBox:
        paras = (Paragraph((Run(text),), max(BODY_FLOOR_PT, round(s * 0.8)), align="center"),)
        return TextBox(
            rect.x,
            y,
            rect.w,
            self.text_h(paras, rect.w),
            paras,
            font=self.body_face.family,
            role="caption",
            insets=self.insets,
            color=self.text_color,
            floor_pt=BODY_FLOOR_PT,
            name=text[:40],
        )

    def _figure(self, piece: Piece, rect: Rect, y: int, s: float, fraction: float) -> list[Item]:
        assert piece.image is not None
        w = rect.w
        h = round(w / piece.image.aspect)
        max_h = round(rect.h * fraction)
        if h > max_h:
            h, w = max_h, round(max_h * piece.image.aspect)
        picture = PictureBox(rect.x + (rect.w - w) // 2, y, w, h, piece.image.data, piece.caption)
        return [picture, self._caption(piece.caption, rect, y + h, s)]

    def _table(self, piece: Piece, rect: Rect, y: int, s: float) -> list[Item]:
        assert piece.table is not None
        caption = self._caption(piece.caption, rect, y, s)
        size = max(BODY_FLOOR_PT, round(s * 0.85))
        band = Color(
            *(round(255 - (255 - v) * 0.12) for v in (self.accent.r, self.accent.g, self.accent.b))
        )
        table = table_box(
            piece.table,
            rect.x,
            y + caption.h,
            rect.w,
            size,
            self.body_face,
            insets=self.insets,
            header_fill=self.accent,
            header_color=self.heading_color(),
            band_fill=band,
            color=self.text_color,
            floor_pt=BODY_FLOOR_PT,
        )
        return [caption, table]

    def _qr_items(self, piece: Piece, rect: Rect, s: float) -> tuple[list[Item], int]:
        """The QR code and its caption at the foot of ``rect``, and the height they take."""
        assert piece.image is not None
        side = min(self.qr_side, rect.w)
        probe = self._caption(piece.caption, rect, 0, s)
        top = rect.bottom - side - probe.h
        caption = self._caption(piece.caption, rect, top + side, s)
        picture = PictureBox(
            rect.x + (rect.w - side) // 2, top, side, side, piece.image.data, piece.section
        )
        return [picture, caption], side + probe.h + round(s * EMU_PER_PT)

    def _heading_items(
        self, rect: Rect, y: int, h: int, paras: tuple[Paragraph, ...], name: str
    ) -> list[Item]:
        return [
            ShapeBox(rect.x, y, rect.w, h, fill=self.accent),
            TextBox(
                rect.x,
                y,
                rect.w,
                h,
                paras,
                font=self.heading_face.family,
                role="heading",
                insets=self.insets,
                color=self.heading_color(),
                floor_pt=BODY_FLOOR_PT,
                name=name,
            ),
        ]

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

    def text_h(self, paras: Sequence[Paragraph], w: int) -> int:
        """Height of body text in a box ``w`` wide, insets included."""
        return (
            paragraphs_height_emu(paras, inner_width(w, self.insets), self.body_face)
            + self.insets.top
            + self.insets.bottom
        )


def _spread(blocks: list[tuple[str, list[Item]]], foot: int, *, cap: int) -> list[Item]:
    """Lower the blocks of a column so it ends at ``foot``.

    Extra space goes before each heading, table and figure (never between a heading and
    what it heads), at most ``cap`` per gap.
    """
    if not blocks:
        return []
    bottom = max(item.y + item.h for _, items in blocks for item in items)
    gaps = [
        i
        for i in range(1, len(blocks))
        if blocks[i][0] in ("heading", "picture", "table") and blocks[i - 1][0] != "heading"
    ]
    slack = foot - bottom
    if slack <= 0 or not gaps:
        return [item for _, items in blocks for item in items]
    each = min(cap, slack // len(gaps))
    out: list[Item] = []
    shift = 0
    for i, (_, items) in enumerate(blocks):
        if i in gaps:
            shift += each
        out += [replace(item, y=item.y + shift) for item in items]
    return out
