"""Measure text with real font metrics, wrap it, and fit it into boxes.

Widths come from the TrueType file through Pillow, so a line measured here breaks where
PowerPoint and LibreOffice break it. Every paragraph is written with exact line spacing
(``Paragraph.line_factor`` x size) and every box with explicit insets, so a box's text
height is a sum this module can compute: lines x line height + paragraph spacing + insets.

Fitting tries sizes from a maximum down to a floor; `split_to_fit` breaks text that does
not fit at the floor into chunks for continuation slides; `words_over` says by how much
a box is too small, for the message when nothing works.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from PIL import ImageFont

from scholar_desk.core.formats.layout import EMU_PER_PT, Insets, Paragraph, Run, TextBox

#: Measured widths are padded by this factor so a renderer with slightly different
#: hinting or kerning never breaks a line that we measured as fitting.
WIDTH_SAFETY = 1.04
#: Superscript runs are drawn at about this fraction of the paragraph size.
SUPERSCRIPT_SCALE = 0.65
_REF_SIZE = 1000
_DEFAULT_FAMILY = "Calibri"

# Metric-compatible open fonts for the families templates use most.
_ALIASES = {
    "calibri": "carlito",
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "helvetica neue": "liberation sans",
    "times new roman": "liberation serif",
    "times": "liberation serif",
    "courier new": "liberation mono",
    "cambria": "caladea",
}

Style = tuple[bool, bool, bool]  # bold, italic, superscript


@dataclass(frozen=True)
class FontFace:
    """The files used to measure one font family, and the name written to the file.

    Attributes:
        family: The family name written into the presentation.
        regular: Regular face file.
        bold: Bold face file (the regular one when absent).
        italic: Italic face file (the regular one when absent).
        bold_italic: Bold italic face file (the bold one when absent).
        substitute: The family actually measured, when it differs from ``family``.
    """

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    substitute: str = ""

    def path(self, bold: bool, italic: bool) -> Path:
        """The file for a style."""
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular


def _shipped_fonts_dir() -> Path:
    return Path(str(resources.files("scholar_desk.resources"))) / "fonts"


def _font_dirs() -> list[Path]:
    dirs = [_shipped_fonts_dir()]
    home = Path.home()
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs += [Path(windir) / "Fonts", home / "AppData/Local/Microsoft/Windows/Fonts"]
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library/Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts"]
        dirs += [home / ".local/share/fonts"]
    return dirs


@functools.cache
def _font_index() -> dict[str, dict[str, Path]]:
    """Family (lower case) -> style name (lower case) -> file, over every font folder."""
    index: dict[str, dict[str, Path]] = {}
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in {".ttf", ".otf"}:
                continue
            try:
                family, style = ImageFont.truetype(str(path), 12).getname()
            except OSError:
                continue
            styles = index.setdefault((family or "").lower(), {})
            styles.setdefault((style or "regular").lower(), path)
    return index


def _shipped_face(family: str) -> FontFace | None:
    folder = _shipped_fonts_dir()
    regular = folder / "Carlito-Regular.ttf"
    if not regular.is_file():
        return None
    bold = folder / "Carlito-Bold.ttf"
    italic = folder / "Carlito-Italic.ttf"
    return FontFace(
        family=family,
        regular=regular,
        bold=bold,
        italic=italic,
        bold_italic=bold,
        substitute="" if family.lower() == "carlito" else "Carlito",
    )


def _face_from_index(family: str, lookup: str) -> FontFace | None:
    styles = _font_index().get(lookup)
    if not styles:
        return None
    regular = styles.get("regular") or styles.get("book") or next(iter(styles.values()))
    bold = styles.get("bold", regular)
    italic = styles.get("italic") or styles.get("oblique") or regular
    bold_italic = styles.get("bold italic") or styles.get("bold oblique") or bold
    return FontFace(
        family=family,
        regular=regular,
        bold=bold,
        italic=italic,
        bold_italic=bold_italic,
        substitute="" if lookup == family.lower() else lookup,
    )


@functools.cache
def resolve_face(family: str | None = None) -> FontFace:
    """Find the files to measure ``family`` with.

    The shipped Carlito stands in for Calibri (same metrics); Liberation fonts stand in
    for Arial and Times New Roman where installed. A family whose file cannot be found
    is replaced by Calibri measured with Carlito, and Calibri is then written to the file
    too, so measurement and rendering agree.

    Args:
        family: A font family name, e.g. a template's theme font; ``None`` for the default.

    Returns:
        The face to measure with and the family name to write.
    """
    name = (family or _DEFAULT_FAMILY).strip() or _DEFAULT_FAMILY
    lookup = name.lower()
    alias = _ALIASES.get(lookup, lookup)
    if alias == "carlito":
        face = _shipped_face(name)
        if face is not None:
            return face
    for candidate in dict.fromkeys((lookup, alias)):
        face = _face_from_index(name, candidate)
        if face is not None:
            return face
    fallback = _shipped_face(_DEFAULT_FAMILY)
    if fallback is None:  # pragma: no cover - the package always ships Carlito
        raise FileNotFoundError("the shipped font Carlito-Regular.ttf is missing")
    return fallback


@functools.cache
def _pil_font(path: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), _REF_SIZE, layout_engine=ImageFont.Layout.BASIC)


#: Fonts such as Calibri's stand-in lack the non-breaking hyphen (U+2011); renderers then
#: draw it from a fallback font whose hyphen is up to this much of an em wider.
_NB_HYPHEN_EXTRA_EM = 0.07


@functools.lru_cache(maxsize=65_536)
def _em_width(path: Path, text: str) -> float:
    """Width of ``text`` in ems (multiply by the size in points for points)."""
    hyphens = text.count("\u2011")
    if hyphens:
        text = text.replace("\u2011", "-")
    return _pil_font(path).getlength(text) / _REF_SIZE + hyphens * _NB_HYPHEN_EXTRA_EM


def text_width_pt(
    text: str, size_pt: float, face: FontFace, style: Style = (False, False, False)
) -> float:
    """Width of a single line of text in points, with the safety padding.

    Args:
        text: The characters.
        size_pt: The paragraph size.
        face: The font.
        style: Bold, italic, superscript.

    Returns:
        The width in points.
    """
    bold, italic, sup = style
    size = size_pt * SUPERSCRIPT_SCALE if sup else size_pt
    return _em_width(face.path(bold, italic), text) * size * WIDTH_SAFETY


# Wrapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    pieces: tuple[tuple[str, Style, Run], ...]
    space_after: bool


def _words(paragraph: Paragraph) -> list[_Word]:
    words: list[_Word] = []
    pieces: list[tuple[str, Style, Run]] = []
    for run in paragraph.runs:
        style: Style = (run.bold or paragraph.bold, run.italic, run.superscript)
        for part in re.split(r"( +)", run.text):
            if not part:
                continue
            if part.startswith(" "):
                if pieces:
                    words.append(_Word(tuple(pieces), True))
                    pieces = []
                continue
            pieces.append((part, style, run))
    if pieces:
        words.append(_Word(tuple(pieces), False))
    return words


def bullet_indent_pt(paragraph: Paragraph) -> float:
    """Left margin of a bulleted (or continued) paragraph's text, in points."""
    if not paragraph.bullet:
        return 0.0
    step = max(paragraph.size_pt * 0.9, 12.0)
    return step * (paragraph.level + 1)


def _word_width(word: _Word, size: float, face: FontFace) -> float:
    return sum(text_width_pt(text, size, face, style) for text, style, _ in word.pieces)


def _break_long_word(word: _Word, size: float, face: FontFace, width: float) -> list[_Word]:
    """Split a word wider than the line at character boundaries (URLs, DOIs)."""
    out: list[_Word] = []
    current: list[tuple[str, Style, Run]] = []
    used = 0.0
    for text, style, run in word.pieces:
        chunk = ""
        for char in text:
            w = text_width_pt(char, size, face, style)
            if used + w > width and (chunk or current):
                if chunk:
                    current.append((chunk, style, run))
                out.append(_Word(tuple(current), False))
                current, chunk, used = [], "", 0.0
            chunk += char
            used += w
        if chunk:
            current.append((chunk, style, run))
    out.append(_Word(tuple(current), word.space_after))
    return out


def _wrap(paragraph: Paragraph, width_pt: float, face: FontFace) -> list[list[_Word]]:
    size = paragraph.size_pt
    avail = width_pt - bullet_indent_pt(paragraph)
    space = text_width_pt(" ", size, face, (paragraph.bold, False, False))
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    used = 0.0
    for original in _words(paragraph):
        width = _word_width(original, size, face)
        if width > avail:
            pieces = [
                (word, _word_width(word, size, face))
                for word in _break_long_word(original, size, face, avail)
            ]
        else:
            pieces = [(original, width)]
        for word, w in pieces:
            gap = space if line and line[-1].space_after else 0.0
            if line and used + gap + w > avail:
                lines.append(line)
                line, used, gap = [], 0.0, 0.0
            line.append(word)
            used += gap + w
    if line or not lines:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Segment:
    """A piece of a wrapped line with one style (what a painter draws in one call).

    Attributes:
        text: The characters, with a trailing space where one separates it from the next.
        bold: Bold face.
        italic: Italic face.
        superscript: Raised and smaller.
        underline: Underlined.
    """

    text: str
    bold: bool
    italic: bool
    superscript: bool
    underline: bool


def wrap_lines(paragraph: Paragraph, width_emu: int, face: FontFace) -> list[list[Segment]]:
    """Break ``paragraph`` into lines exactly as the fitting measured it (for previews).

    Args:
        paragraph: The text.
        width_emu: Width of the text area.
        face: The font.

    Returns:
        The lines, each a list of styled segments.
    """
    lines: list[list[Segment]] = []
    for line in _wrap(paragraph, width_emu / EMU_PER_PT, face):
        segments: list[Segment] = []
        for i, word in enumerate(line):
            for j, (text, style, run) in enumerate(word.pieces):
                last = j == len(word.pieces) - 1
                if last and word.space_after and i < len(line) - 1:
                    text += " "
                bold, italic, sup = style
                segments.append(Segment(text, bold, italic, sup, run.underline))
        lines.append(segments)
    return lines


def line_count(paragraph: Paragraph, width_emu: int, face: FontFace) -> int:
    """How many lines ``paragraph`` takes in a text area ``width_emu`` wide."""
    return len(_wrap(paragraph, width_emu / EMU_PER_PT, face))


def paragraphs_height_emu(paragraphs: Sequence[Paragraph], width_emu: int, face: FontFace) -> int:
    """Height of paragraphs in a text area (insets excluded), in EMU.

    Args:
        paragraphs: The text.
        width_emu: Width of the text area (box width minus left and right insets).
        face: The font.

    Returns:
        Lines x line height plus the space before every paragraph but the first.
    """
    total = 0.0
    for i, paragraph in enumerate(paragraphs):
        if i:
            total += paragraph.space_before_pt
        total += line_count(paragraph, width_emu, face) * paragraph.line_height_pt
    return math.ceil(total * EMU_PER_PT - 1e-6)  # float noise must not add an EMU


def inner_width(w: int, insets: Insets) -> int:
    """Width of the text area of a box ``w`` EMU wide."""
    return w - insets.left - insets.right


def inner_height(h: int, insets: Insets) -> int:
    """Height of the text area of a box ``h`` EMU high."""
    return h - insets.top - insets.bottom


def box_text_height(box: TextBox, face: FontFace | None = None) -> int:
    """Height the text of ``box`` needs, insets included, in EMU."""
    face = face or resolve_face(box.font)
    text = paragraphs_height_emu(box.paragraphs, inner_width(box.w, box.insets), face)
    return text + box.insets.top + box.insets.bottom


def fits(paragraphs: Sequence[Paragraph], w: int, h: int, insets: Insets, face: FontFace) -> bool:
    """Whether ``paragraphs`` fit a box of ``w`` x ``h`` EMU with ``insets``."""
    return paragraphs_height_emu(paragraphs, inner_width(w, insets), face) <= inner_height(
        h, insets
    )


Builder = Callable[[float], Sequence[Paragraph]]


def fit_size(
    build: Builder,
    w: int,
    h: int,
    insets: Insets,
    face: FontFace,
    *,
    max_pt: float,
    floor_pt: float,
    step: float = 1.0,
) -> tuple[float, tuple[Paragraph, ...]] | None:
    """Find the largest size from ``max_pt`` down to ``floor_pt`` at which text fits.

    Args:
        build: Makes the paragraphs for a base size (headings may scale from it).
        w: Box width in EMU.
        h: Box height in EMU.
        insets: The box's inner margins.
        face: The font.
        max_pt: The size to try first.
        floor_pt: The smallest size allowed.
        step: How much smaller each try is.

    Returns:
        The size and its paragraphs, or ``None`` when even the floor does not fit.
    """

    def attempt(size: float) -> tuple[Paragraph, ...] | None:
        paragraphs = tuple(build(size))
        return paragraphs if fits(paragraphs, w, h, insets, face) else None

    best = attempt(max_pt)
    if best is not None:
        return max_pt, best
    steps = int((max_pt - floor_pt + 1e-6) // step)
    lowest = max_pt - steps * step
    best = attempt(lowest)
    if best is None:
        return None
    # Text height grows with size, so search the steps in between by halving.
    good, bad = steps, 0  # in steps below max_pt
    found = (lowest, best)
    while good - bad > 1:
        middle = (good + bad) // 2
        size = max_pt - middle * step
        paragraphs = attempt(size)
        if paragraphs is None:
            bad = middle
        else:
            good, found = middle, (size, paragraphs)
    return found


def _runs_of(words: Iterable[_Word]) -> tuple[Run, ...]:
    runs: list[Run] = []
    words = list(words)
    for i, word in enumerate(words):
        for j, (text, _, run) in enumerate(word.pieces):
            piece = text
            if j == len(word.pieces) - 1 and word.space_after and i < len(words) - 1:
                piece += " "
            if runs and runs[-1] == replace(run, text=runs[-1].text):
                runs[-1] = replace(run, text=runs[-1].text + piece)
            else:
                runs.append(replace(run, text=piece))
    return tuple(runs)


def split_paragraph(
    paragraph: Paragraph, width_emu: int, face: FontFace, lines: int
) -> tuple[Paragraph, Paragraph]:
    """Split ``paragraph`` after its first ``lines`` lines.

    The second part keeps the indentation but loses the bullet, so it reads as the
    same paragraph continued.
    """
    wrapped = _wrap(paragraph, width_emu / EMU_PER_PT, face)
    head = [word for line in wrapped[:lines] for word in line]
    tail = [word for line in wrapped[lines:] for word in line]
    first = replace(paragraph, runs=_runs_of(head))
    rest = replace(paragraph, runs=_runs_of(tail), space_before_pt=0.0)
    return first, rest


def split_to_fit(
    paragraphs: Sequence[Paragraph], w: int, h: int, insets: Insets, face: FontFace
) -> list[tuple[Paragraph, ...]]:
    """Break paragraphs into chunks that each fit the box, splitting at line ends.

    Args:
        paragraphs: The text at its final size.
        w: Box width in EMU.
        h: Box height in EMU.
        insets: The box's inner margins.
        face: The font.

    Returns:
        One tuple of paragraphs per box (continuation slide), in order.

    Raises:
        ValueError: When a single line does not fit the box at all.
    """
    width = inner_width(w, insets)
    limit = inner_height(h, insets) / EMU_PER_PT
    chunks: list[tuple[Paragraph, ...]] = []
    current: list[Paragraph] = []
    used = 0.0
    queue = list(paragraphs)
    while queue:
        paragraph = queue.pop(0)
        before = paragraph.space_before_pt if current else 0.0
        n = line_count(paragraph, width, face)
        need = before + n * paragraph.line_height_pt
        if used + need <= limit + 1e-6:
            current.append(paragraph if current else replace(paragraph, space_before_pt=0.0))
            used += need
            continue
        room = int((limit - used - before + 1e-6) // paragraph.line_height_pt)
        if room >= 2 or (room >= 1 and n > 2 and not current):
            head, tail = split_paragraph(paragraph, width, face, room)
            current.append(head if current else replace(head, space_before_pt=0.0))
            queue.insert(0, tail)
        elif not current:
            raise ValueError("a single line is taller than the box")
        else:
            queue.insert(0, paragraph)
        chunks.append(tuple(current))
        current, used = [], 0.0
    if current:
        chunks.append(tuple(current))
    return chunks


def words_over(
    paragraphs: Sequence[Paragraph], w: int, h: int, insets: Insets, face: FontFace
) -> int:
    """Estimate how many words must go for ``paragraphs`` to fit the box.

    Returns:
        A word count, at least 1 when the text does not fit, 0 when it does.
    """
    width = inner_width(w, insets)
    need = paragraphs_height_emu(paragraphs, width, face)
    room = inner_height(h, insets)
    if need <= room:
        return 0
    words = sum(len(p.text.split()) for p in paragraphs)
    return max(1, math.ceil(words * (need - room) / need))


def round_words(count: int) -> int:
    """Round a word count for a message: exact below 20, then to 5s and 10s."""
    if count < 20:
        return count
    if count < 100:
        return int(5 * math.ceil(count / 5))
    return int(10 * math.ceil(count / 10))


def balance_lines(paragraph: Paragraph, width_emu: int, face: FontFace) -> tuple[Paragraph, ...]:
    """Break a title into lines of even length, one paragraph per line.

    The narrowest width that keeps the number of lines is found by halving, so the last
    line is never a single orphaned word when the words allow better; each line is then
    written as its own paragraph, so no renderer can break it differently.

    Args:
        paragraph: The title at its final size.
        width_emu: Width of the text area.
        face: The font.

    Returns:
        The lines as paragraphs (the paragraph itself when it takes one line).
    """
    wrapped = _wrap(paragraph, width_emu / EMU_PER_PT, face)
    count = len(wrapped)
    if count < 2:
        return (paragraph,)
    low, high = width_emu // count, width_emu
    while high - low > EMU_PER_PT:
        middle = (low + high) // 2
        if len(_wrap(paragraph, middle / EMU_PER_PT, face)) == count:
            high = middle
        else:
            low = middle
    lines = _wrap(paragraph, high / EMU_PER_PT, face)
    return tuple(
        replace(paragraph, runs=_runs_of(line), space_before_pt=0.0) for line in lines if line
    )
