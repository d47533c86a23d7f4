"""A plain bar chart as PNG bytes (the demo's figures; no plotting library needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from scholar_desk.core.formats.text_fit import resolve_face

_BAR = (31, 92, 153)
_INK = (40, 40, 40)


def bar_chart_png(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    top: float,
    size: tuple[int, int] = (1600, 1000),
) -> bytes:
    """Bars with their values on top and labels below, on a white ground.

    Args:
        labels: One per bar.
        values: One per bar, from 0 to ``top``.
        top: The value at the top of the axis.
        size: Width and height in pixels.

    Returns:
        PNG bytes.
    """
    w, h = size
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    face = resolve_face("Calibri")
    font = ImageFont.truetype(str(face.regular), round(h * 0.055))
    bold = ImageFont.truetype(str(face.bold), round(h * 0.06))
    left, right, base, ceiling = round(w * 0.08), round(w * 0.97), round(h * 0.84), round(h * 0.08)
    draw.line([(left, base), (right, base)], fill=_INK, width=max(2, h // 250))
    slot = (right - left) / max(1, len(values))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x0 = left + slot * i + slot * 0.18
        x1 = left + slot * (i + 1) - slot * 0.18
        y = base - (base - ceiling) * max(0.0, min(1.0, value / top))
        draw.rectangle([x0, y, x1, base], fill=_BAR)
        text = f"{value:g}"
        draw.text(((x0 + x1) / 2, y - h * 0.015), text, fill=_INK, font=bold, anchor="md")
        draw.text(((x0 + x1) / 2, base + h * 0.03), label, fill=_INK, font=font, anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
