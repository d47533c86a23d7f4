"""Poster page sizes in words, and which size wins when a template brings its own."""

from __future__ import annotations

from scholar_desk.core.formats.layout import EMU_PER_INCH, EMU_PER_MM
from scholar_desk.core.formats.poster import SIZES


def _same_size(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs(a[0] - b[0]) <= EMU_PER_MM and abs(a[1] - b[1]) <= EMU_PER_MM


def page_size_text(width: int, height: int) -> str:
    """``48 \u00d7 36 in`` (or ``A0``) for a page size in EMU."""
    for name, size in SIZES.items():
        if _same_size(size, (width, height)):
            return name.replace("x", " \u00d7 ").replace("in", " in")
    return f"{width / EMU_PER_INCH:.4g} \u00d7 {height / EMU_PER_INCH:.4g} in"


def size_note(chosen: str, width: int, height: int) -> str:
    """Which page size a poster gets when a user's template has its own, or ``""``.

    Args:
        chosen: The size picked (a `SIZES` key).
        width: The page width the poster will have, in EMU (the template's).
        height: Its height.
    """
    wanted = SIZES.get(chosen)
    if wanted is None or _same_size(wanted, (width, height)):
        return ""
    return (
        f"The template's page is {page_size_text(width, height)}, so the poster is made at "
        f"that size, not {page_size_text(*wanted)}. Choose a built-in template to use "
        "the size picked here."
    )
