"""Render the application icon (resources/icons/scholar-desk.svg) for every platform.

    python tools/make_icons.py

Writes the hicolor PNG sizes and the scalable SVG under packaging/linux/share/icons/, and
packaging/icons/scholar-desk.ico (Windows) and .icns (macOS). Run it after changing the SVG.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scholar_desk" / "resources" / "icons" / "scholar-desk.svg"
APP_ID = "org.scholardesk.ScholarDesk"
HICOLOR = ROOT / "packaging" / "linux" / "share" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841  (QPainter needs the application)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    images = {size: render(renderer, size) for size in SIZES}
    for size, image in images.items():
        folder = HICOLOR / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / f"{APP_ID}.png", optimize=True)
    scalable = HICOLOR / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SOURCE, scalable / f"{APP_ID}.svg")
    icons = ROOT / "packaging" / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    images[256].save(
        icons / "scholar-desk.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]
    )
    images[512].save(icons / "scholar-desk.icns")
    print(f"icons written under {HICOLOR} and {icons}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
