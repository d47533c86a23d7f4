"""A meeting's poster rules in words: page sizes, orientation, e-poster screens.

Kept free of python-pptx so the record kinds can check a size as it is typed.
"""

from __future__ import annotations

import re

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.layout import EMU_PER_INCH, EMU_PER_MM, inches

NAMED_SIZES: dict[str, tuple[int, int]] = {
    "48x36in": (inches(48), inches(36)),
    "36x48in": (inches(36), inches(48)),
    "A0": (841 * EMU_PER_MM, 1189 * EMU_PER_MM),
}
"""The poster engine's sizes, by the names the command line takes."""

_ISO = {"A0": (841, 1189), "A1": (594, 841)}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x\u00d7]\s*(\d+(?:\.\d+)?)\s*(in|cm|mm)\s*$", re.I)
_UNIT = {"in": EMU_PER_INCH, "cm": 10 * EMU_PER_MM, "mm": EMU_PER_MM}

SIZE_HELP = (
    "48x36in, 36x48in, A0, A1 (portrait; add ' landscape'), or width x height "
    "in in, cm or mm (e.g. 120x90cm)"
)


def parse_size(text: str) -> tuple[int, int]:
    """A poster size in words to (width, height) in EMU.

    Accepts the named sizes (``48x36in``, ``36x48in``, ``A0``), ``A0``/``A1``
    with `` landscape``, and ``WxH`` in ``in``, ``cm`` or ``mm``.

    Raises:
        ExportError: The text is not a size, or the size is not a poster (6 to 120 in a side).
    """
    raw = text.strip()
    if raw in NAMED_SIZES:
        return NAMED_SIZES[raw]
    words = raw.replace("-", " ").split()
    if words and words[0].upper() in _ISO:
        short, long_ = (v * EMU_PER_MM for v in _ISO[words[0].upper()])
        rest = " ".join(words[1:]).lower()
        if rest in ("", "portrait"):
            return short, long_
        if rest == "landscape":
            return long_, short
    match = _SIZE.match(raw)
    if match is None:
        raise ExportError(f"'{text}' is not a poster size. Use {SIZE_HELP}.")
    unit = _UNIT[match.group(3).lower()]
    width, height = round(float(match.group(1)) * unit), round(float(match.group(2)) * unit)
    if not (min(width, height) >= 6 * EMU_PER_INCH and max(width, height) <= 120 * EMU_PER_INCH):
        raise ExportError(f"'{text}' is not a poster size: each side must be 6 to 120 inches.")
    return width, height


def size_text(width: int, height: int) -> str:
    """``48 \u00d7 36 in``, or ``84.1 \u00d7 118.9 cm (A0)``, for a page in EMU."""
    for name, (short, long_) in _ISO.items():
        for w, h, how in ((short, long_, ""), (long_, short, " landscape")):
            if (
                abs(w * EMU_PER_MM - width) <= EMU_PER_MM
                and abs(h * EMU_PER_MM - height) <= EMU_PER_MM
            ):
                return f"{w / 10:g} \u00d7 {h / 10:g} cm ({name}{how})"
    return f"{width / EMU_PER_INCH:.4g} \u00d7 {height / EMU_PER_INCH:.4g} in"


def orientation(width: int, height: int) -> str:
    """``landscape`` or ``portrait`` (a square page counts as landscape)."""
    return "landscape" if width >= height else "portrait"


_ASPECT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def parse_aspect(text: str) -> tuple[float, float]:
    """An e-poster screen's aspect (``16:9``) as (width, height).

    Raises:
        ExportError: Not two positive numbers separated by a colon.
    """
    match = _ASPECT.match(text)
    if match is None or not float(match.group(1)) or not float(match.group(2)):
        raise ExportError(f"'{text}' is not an aspect ratio; write it like 16:9 or 9:16.")
    return float(match.group(1)), float(match.group(2))


def fits(size: tuple[int, int], board: tuple[int, int]) -> bool:
    """Whether a page of ``size`` fits on a board of ``board`` (1 mm of slack)."""
    return size[0] <= board[0] + EMU_PER_MM and size[1] <= board[1] + EMU_PER_MM
