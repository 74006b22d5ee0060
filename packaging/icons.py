"""The app's icons, rendered from the one SVG at build time: the hicolor PNG sizes of the
freedesktop icon theme, the scalable SVG beside them and, on a Mac, the `.icns` (iconutil)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["HICOLOR_SIZES", "NAME", "render_icons"]

NAME = "shuttersense"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
_ICNS_SIZES = (16, 32, 128, 256, 512)  # each also at @2x


def _render_png(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw; fix the file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):
        raise SystemExit(f"cannot write {target}; check that folder")


def _icns(svg: Path, out: Path) -> None:
    iconset = out / f"{NAME}.iconset"
    for size in _ICNS_SIZES:
        _render_png(svg, size, iconset / f"icon_{size}x{size}.png")
        _render_png(svg, size * 2, iconset / f"icon_{size}x{size}@2x.png")
    subprocess.run(
        ["iconutil", "-c", "icns", str(iconset), "-o", str(out / f"{NAME}.icns")], check=True
    )


def render_icons(svg: Path, out: Path) -> Path:
    """`out/hicolor/SIZExSIZE/apps/shuttersense.png` for each size, the SVG in
    `out/hicolor/scalable/apps/` and `out/`, and where iconutil exists `out/shuttersense.icns`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    for size in HICOLOR_SIZES:
        _render_png(svg, size, out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png")
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable / f"{NAME}.svg")
    shutil.copyfile(svg, out / f"{NAME}.svg")
    if sys.platform == "darwin" and shutil.which("iconutil"):
        _icns(svg, out)
    return out
