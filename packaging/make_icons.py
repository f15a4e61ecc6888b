"""Render the app icon from ``workbench/resources/icons/workbench.svg`` into the formats each
platform wants: a 256 px PNG (Linux desktop menus), ``.ico`` (Windows executables) and ``.icns``
(macOS app bundles). The outputs are committed, so a build needs no image tools; run this
again only after editing the SVG: ``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "workbench" / "resources" / "icons"
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
    image = render(ICONS / "workbench.svg", SIZE)
    for name, fmt in (
        ("workbench.png", "PNG"),
        ("workbench.ico", "ICO"),
        ("workbench.icns", "ICNS"),
    ):
        target = ICONS / name
        if not image.save(str(target), fmt):  # type: ignore[attr-defined]
            raise SystemExit(f"cannot write {target} ({fmt})")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
