"""Images for slides and posters: whatever the user attached, as PNG or JPEG bytes.

PowerPoint embeds PNG and JPEG everywhere; WEBP, TIFF, BMP, GIF and the rest are
converted to PNG with Pillow. SVG needs a renderer: ``cairosvg`` is used when it is
installed, otherwise the user is asked to convert the file first.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from scholar_desk.core.errors import ExportError

_KEEP = {"PNG": "png", "JPEG": "jpeg"}
#: Pictures are downscaled to at most this many pixels on the long side: enough for a
#: poster printed at 150 dpi across a 24-inch column, and keeps decks small.
MAX_PIXELS = 4000


@dataclass(frozen=True)
class ImageData:
    """An image ready to embed.

    Attributes:
        data: PNG or JPEG bytes.
        width: Width in pixels.
        height: Height in pixels.
        source: The file it came from.
    """

    data: bytes
    width: int
    height: int
    source: str = ""

    @property
    def aspect(self) -> float:
        """Width divided by height."""
        return self.width / self.height if self.height else 1.0


def _svg_to_png(path: Path) -> bytes:
    try:
        cairosvg = importlib.import_module("cairosvg")
    except (ImportError, OSError) as exc:  # OSError: the package is there, libcairo is not
        raise ExportError(
            f"The figure {path.name} is an SVG drawing, which cannot be converted here. "
            "Convert SVG to PNG first (export it as PNG from the program that made it) "
            "and attach the PNG.",
            str(exc),
        ) from exc
    try:
        data: bytes = cairosvg.svg2png(url=str(path), output_width=2000)
    except Exception as exc:
        raise ExportError(
            f"The figure {path.name} is an SVG drawing that could not be read. "
            "Convert it to PNG first.",
            repr(exc),
        ) from exc
    return data


def load_image(path: str | Path) -> ImageData:
    """Read an image file and return bytes PowerPoint can embed.

    Args:
        path: The file attached to the abstract.

    Returns:
        The image as PNG or JPEG with its pixel size.

    Raises:
        ExportError: The file is missing, unreadable or not an image.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise ExportError(
            f"The figure {file.name} was not found at {file}. "
            "Attach it again or remove it from the abstract.",
            str(file),
        )
    try:
        raw = _svg_to_png(file) if file.suffix.lower() == ".svg" else file.read_bytes()
    except OSError as exc:
        raise ExportError(f"The figure {file} cannot be read: {exc.strerror}.", str(exc)) from exc
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            fmt = image.format or ""
            width, height = image.size
            if fmt in _KEEP and max(width, height) <= MAX_PIXELS:
                return ImageData(raw, width, height, str(file))
            return _as_png(image, str(file))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ExportError(
            f"The figure {file.name} is not an image that can be read "
            "(use PNG, JPEG, WEBP, TIFF or SVG).",
            f"{file}: {exc}",
        ) from exc


def _as_png(image: Image.Image, source: str) -> ImageData:
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    if max(image.size) > MAX_PIXELS:
        image = image.copy()
        image.thumbnail((MAX_PIXELS, MAX_PIXELS))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return ImageData(out.getvalue(), image.size[0], image.size[1], source)


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel size of encoded image bytes."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size
