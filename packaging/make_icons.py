"""Render the app icon (ui/resources/icons/photosift.svg) to PNG, ICO and ICNS at build time.

    python packaging/make_icons.py OUTPUT_DIR

Writes photosift.png (256 px, for Linux), photosift.ico (Windows, 16-256 px) and
photosift.icns (macOS, 16-1024 px). The SVG stays the only source; the rasters are
build products, made afresh by every build, so they can never drift from the SVG and no
binary copy of the icon is kept (or hand-edited) in the repository.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "ui" / "resources" / "icons" / "photosift.svg"


def render(svg: Path, size: int) -> Image.Image:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGBA")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    big = render(SVG, 1024)
    png256 = render(SVG, 256)
    png256.save(out / "photosift.png")
    png256.save(out / "photosift.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(out / "photosift.icns")
    for name in ("photosift.png", "photosift.ico", "photosift.icns"):
        print(f"make_icons: {out / name} ({(out / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
