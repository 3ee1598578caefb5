"""Render the app icon (resources/icons/app.svg) to the raster formats installers want.

Run at build time by the spec (in a subprocess, offscreen); the output goes under PyInstaller's
work folder, never into git:

    python packaging/icons.py OUT_DIR  ->  OUT_DIR/shopper-login-desk.png (256 px, Linux .desktop),
                                          .ico (Windows EXE icon), .icns (macOS bundle icon)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
NAME = "shopper-login-desk"
SIZE = 256


def render_icons(out_dir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write NAME.png/.ico/.icns into ``out_dir`` and return them by suffix."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: cannot read the icon {svg}")
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for suffix in ("png", "ico", "icns"):
        target = out_dir / f"{NAME}.{suffix}"
        writer = QImageWriter(str(target), suffix.encode())
        if not writer.write(image):
            raise SystemExit(f"error: could not write {target}: {writer.errorString()}")
        written[suffix] = target
    del app
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/icons.py OUT_DIR")
    for path in render_icons(Path(sys.argv[1])).values():
        print(path)
