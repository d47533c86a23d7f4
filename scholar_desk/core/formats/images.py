"""Images for slides and posters: whatever the user attached, as PNG or JPEG bytes.

PowerPoint embeds PNG and JPEG everywhere; WEBP, TIFF, BMP, GIF and the rest are
converted to PNG with Pillow. SVG needs a renderer: ``cairosvg`` is used when it is
installed, otherwise the user is asked to convert the file first.
"""

from __future__ import annotations

import functools
import importlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Pillow knows PNG, JPEG, GIF, BMP and PPM from the start; any other file makes it import
# every one of its fifty plugins first (about 0.04 s). The two other formats figures come
# in are registered here, so only an unusual format pays for the rest.
from PIL import TiffImagePlugin as _TiffImagePlugin  # noqa: F401  (registers TIFF)
from PIL import WebPImagePlugin as _WebPImagePlugin  # noqa: F401  (registers WEBP)

from scholar_desk.core.errors import ExportError

_KEEP = {"PNG": "png", "JPEG": "jpeg"}
#: Pictures are downscaled to at most this many pixels on the long side: enough for a
#: poster printed at 150 dpi across a 24-inch column, and keeps decks small.
MAX_PIXELS = 4000
#: Pictures with more pixels than this are not decoded at all (a "decompression bomb":
#: a small PNG that unpacks to gigabytes); JPEGs are first decoded at a reduced scale.
MAX_DECODE_PIXELS = 50_000_000
#: Embedded pictures need no more than this many pixels per inch of their placed size.
PRINT_DPI = 300


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
    return image_from_bytes(raw, str(file))


def image_from_bytes(raw: bytes, source: str) -> ImageData:
    """Turn stored image bytes into bytes PowerPoint can embed.

    Args:
        raw: The image file's bytes (as kept in the database).
        source: Where it came from, for messages.

    Raises:
        ExportError: The bytes are not an image that can be read.
    """
    file = Path(source)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its two limits; here a warning is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decoded(raw, file, source)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_big(file, 0, 0) from exc


def _decoded(raw: bytes, file: Path, source: str) -> ImageData:
    name = file.name or source
    try:
        with Image.open(io.BytesIO(raw)) as image:
            fmt = image.format or ""
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > MAX_DECODE_PIXELS and fmt == "JPEG":
                image.draft("RGB", (MAX_PIXELS, MAX_PIXELS))  # decode at 1/2, 1/4 or 1/8
            if image.size[0] * image.size[1] > MAX_DECODE_PIXELS:
                raise _too_big(file, width, height)
            image.load()
            width, height = image.size
            if fmt in _KEEP and max(width, height) <= MAX_PIXELS:
                return ImageData(raw, width, height, source)
            return _as_png(image, source)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ExportError(
            f"The figure {name} is not an image that can be read "
            "(use PNG, JPEG, WEBP, TIFF or SVG).",
            f"{source}: {exc}",
        ) from exc


def _too_big(file: Path, width: int, height: int) -> ExportError:
    size = f" ({width}\u00d7{height} pixels)" if width else ""
    return ExportError(
        f"The picture {file.name} is too large to open safely{size}: save a copy of at "
        f"most {MAX_DECODE_PIXELS // 1_000_000} megapixels (print needs far fewer) and "
        "attach that.",
        str(file),
    )


@functools.lru_cache(maxsize=16)  # a logo repeated on every slide is scaled once
def fit_for_print(data: bytes, width_emu: int, height_emu: int) -> bytes:
    """Downscale encoded image bytes to `PRINT_DPI` at their placed size, if larger.

    PNG stays PNG and JPEG stays JPEG; bytes already small enough come back unchanged.
    """
    emu_per_inch = 914400
    need_w = max(1, round(width_emu / emu_per_inch * PRINT_DPI))
    need_h = max(1, round(height_emu / emu_per_inch * PRINT_DPI))
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width <= need_w * 1.05 or height <= need_h * 1.05:
                return data
            fmt = image.format or "PNG"
            image.load()
            small = image.resize((need_w, need_h), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return data
    out = io.BytesIO()
    if fmt == "JPEG":
        small.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        small.save(out, format="PNG")
    return out.getvalue()


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
