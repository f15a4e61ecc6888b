"""Render the app icon from ``resources/icons/workbench.svg`` into the formats each platform
wants: a 256 px PNG (the window's icon and Linux desktop menus: package data, in
``workbench/resources/icons``), ``.ico`` (Windows executables) and ``.icns`` (macOS app
bundles), which only the bundle needs and which stay beside the SVG. The outputs are
committed, so a build needs no image tools; run this again only after editing the SVG:
``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "icons"
"""The icon's master and the platform formats only the bundle uses."""
PACKAGE_ICONS = ROOT / "workbench" / "resources" / "icons"
"""What the installed package carries: the PNG the window shows."""
SIZE = 256


def render(svg: Path, size: int) -> object:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])  # image plugins (ico, icns) load through the app
    image = render(SOURCES / "workbench.svg", SIZE)
    for target, fmt in (
        (PACKAGE_ICONS / "workbench.png", "PNG"),
        (SOURCES / "workbench.ico", "ICO"),
        (SOURCES / "workbench.icns", "ICNS"),
    ):
        if not image.save(str(target), fmt):  # type: ignore[attr-defined]
            raise SystemExit(f"cannot write {target} ({fmt})")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
