"""A neutral page layout: boxes, text runs and pictures, in EMU.

One renderer writes it to .pptx (`pptx_export`), another paints it with QPainter for the
export dialog's preview, so what the user sees there is what the file holds. Everything
is a frozen dataclass; positions and sizes are integers in EMU (English Metric Units:
914,400 per inch, 12,700 per point), font sizes are points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EMU_PER_INCH = 914_400
EMU_PER_PT = 12_700
EMU_PER_MM = 36_000

Align = Literal["left", "center", "right"]
Anchor = Literal["top", "middle", "bottom"]


def inches(value: float) -> int:
    """Convert inches to EMU."""
    return round(value * EMU_PER_INCH)


def points(value: float) -> int:
    """Convert points to EMU."""
    return round(value * EMU_PER_PT)


@dataclass(frozen=True)
class Color:
    """An sRGB colour."""

    r: int
    g: int
    b: int

    @classmethod
    def from_hex(cls, text: str) -> Color:
        """Parse ``"1F3864"`` or ``"#1F3864"``."""
        text = text.lstrip("#")
        return cls(int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))

    @property
    def hex(self) -> str:
        """The colour as six upper-case hex digits, as DrawingML writes it."""
        return f"{self.r:02X}{self.g:02X}{self.b:02X}"


BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style inside a paragraph.

    Attributes:
        text: The characters; no line breaks (a new paragraph starts a new line).
        bold: Bold face.
        italic: Italic face.
        superscript: Raised and smaller (affiliation numbers).
        underline: Underlined (the presenting author).
        color: Overrides the paragraph colour.
    """

    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    underline: bool = False
    color: Color | None = None


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: runs sharing a size, alignment, spacing and bullet.

    Attributes:
        runs: The text.
        size_pt: Font size in points.
        align: Horizontal alignment.
        bold: Bold for every run (a run's own flag adds to it).
        color: Text colour; ``None`` uses the box's colour.
        bullet: Draw a bullet and hang the text after it.
        level: Outline level (indent steps) for bullets.
        space_before_pt: Space above the paragraph (not applied to the first one).
        line_factor: Line height as a multiple of the size; written as exact spacing.
    """

    runs: tuple[Run, ...]
    size_pt: float
    align: Align = "left"
    bold: bool = False
    color: Color | None = None
    bullet: bool = False
    level: int = 0
    space_before_pt: float = 0.0
    line_factor: float = 1.2

    @property
    def text(self) -> str:
        """The plain text of all runs."""
        return "".join(run.text for run in self.runs)

    @property
    def line_height_pt(self) -> float:
        """Height of one line in points."""
        return self.size_pt * self.line_factor


@dataclass(frozen=True)
class Insets:
    """Inner margins of a text box in EMU."""

    left: int = 91_440
    top: int = 45_720
    right: int = 91_440
    bottom: int = 45_720


@dataclass(frozen=True)
class TextBox:
    """A rectangle of text with explicit sizes (no autofit), word wrap on.

    Attributes:
        x: Left edge in EMU.
        y: Top edge in EMU.
        w: Width in EMU.
        h: Height in EMU.
        paragraphs: The text, already fitted to the box.
        font: Font family written to the file (measurement used the same metrics).
        role: What the box is: ``title``, ``subtitle``, ``body``, ``caption``, ``footer``...;
            the writer fills a template placeholder of the matching type where one exists.
        anchor: Vertical alignment inside the box.
        insets: Inner margins.
        fill: Background colour, or ``None`` for transparent.
        color: Default text colour.
        floor_pt: The smallest size this box may use (checked by the tests).
        name: A label for messages and tests.
    """

    x: int
    y: int
    w: int
    h: int
    paragraphs: tuple[Paragraph, ...]
    font: str
    role: str = "body"
    anchor: Anchor = "top"
    insets: Insets = field(default_factory=Insets)
    fill: Color | None = None
    color: Color = BLACK
    floor_pt: float = 0.0
    name: str = ""


@dataclass(frozen=True)
class PictureBox:
    """A raster picture (PNG or JPEG bytes) scaled into its rectangle.

    Attributes:
        x: Left edge in EMU.
        y: Top edge in EMU.
        w: Width in EMU.
        h: Height in EMU.
        data: The encoded image.
        description: Alternative text.
    """

    x: int
    y: int
    w: int
    h: int
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class ShapeBox:
    """A filled rectangle or line used for bands, rules and panels.

    Attributes:
        x: Left edge in EMU.
        y: Top edge in EMU.
        w: Width in EMU.
        h: Height in EMU.
        fill: Fill colour, or ``None`` for none.
        line: Outline colour, or ``None`` for none.
        rounded: Rounded corners.
    """

    x: int
    y: int
    w: int
    h: int
    fill: Color | None = None
    line: Color | None = None
    rounded: bool = False


@dataclass(frozen=True)
class TableBox:
    """A table of short text cells, the first row its header.

    Attributes:
        x: Left edge in EMU.
        y: Top edge in EMU.
        w: Width in EMU (the sum of ``col_widths``).
        h: Height in EMU (the sum of ``row_heights``).
        cells: Rows of cells; each cell holds its fitted paragraphs.
        col_widths: Width of each column in EMU.
        row_heights: Height of each row in EMU, measured to hold its text.
        font: Font family written to the file.
        insets: Inner margins of every cell.
        header_fill: Background of the header row.
        header_color: Text colour of the header row.
        band_fill: Background of every second body row, or ``None``.
        color: Text colour of the body rows.
        floor_pt: The smallest size the table may use (checked by the tests).
        name: A label for messages and tests.
    """

    x: int
    y: int
    w: int
    h: int
    cells: tuple[tuple[tuple[Paragraph, ...], ...], ...]
    col_widths: tuple[int, ...]
    row_heights: tuple[int, ...]
    font: str
    insets: Insets = field(default_factory=Insets)
    header_fill: Color | None = None
    header_color: Color = BLACK
    band_fill: Color | None = None
    color: Color = BLACK
    floor_pt: float = 0.0
    name: str = ""


Item = TextBox | PictureBox | ShapeBox | TableBox


@dataclass(frozen=True)
class Slide:
    """One page: its items bottom to top, the template layout it uses and speaker notes.

    Attributes:
        items: Shapes in painting order.
        kind: ``title``, ``content``, ``figure``, ``poster``...: picks the template layout.
        notes: Speaker notes.
        title: A short label for the preview list and messages.
        background: What the template's layout and master draw under the items; painted
            by the preview only (the .pptx gets it from the template itself).
    """

    items: tuple[Item, ...]
    kind: str = "content"
    notes: str = ""
    title: str = ""
    background: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Layout:
    """A whole document: page size and slides.

    Attributes:
        width: Page width in EMU.
        height: Page height in EMU.
        slides: The pages in order.
        background_color: The template's page colour (for the preview only).
    """

    width: int
    height: int
    slides: tuple[Slide, ...]
    background_color: Color = WHITE


def text_boxes(slide: Slide) -> list[TextBox]:
    """The text boxes of a slide in painting order."""
    return [item for item in slide.items if isinstance(item, TextBox)]
