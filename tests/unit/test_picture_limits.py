"""Pictures: a decompression bomb is one clear refusal; big pictures shrink to print size."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import PRINT_DPI, fit_for_print, load_image

EMU_PER_INCH = 914400


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [12000, 20000])
def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path, side: int) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png_header(side, side))
    with pytest.raises(ExportError, match="too large to open safely") as caught:
        load_image(logo)
    assert "\n" not in caught.value.user_message


def test_pictures_shrink_to_300_dpi_at_their_placed_size() -> None:
    out = io.BytesIO()
    Image.new("RGB", (3000, 1500), "teal").save(out, format="PNG")
    placed = fit_for_print(out.getvalue(), 2 * EMU_PER_INCH, EMU_PER_INCH)
    with Image.open(io.BytesIO(placed)) as image:
        assert image.size == (2 * PRINT_DPI, PRINT_DPI)
        assert image.format == "PNG"
    small = io.BytesIO()
    Image.new("RGB", (300, 150), "teal").save(small, format="JPEG")
    assert fit_for_print(small.getvalue(), 2 * EMU_PER_INCH, EMU_PER_INCH) == small.getvalue()
