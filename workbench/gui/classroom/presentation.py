"""Presentation mode: full screen, large type, high contrast, a colour-blind-safe palette and
the settings reduced to the preset picker and Run/Stop, for a projector in a classroom."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QMainWindow, QWidget

from workbench.core.strategies import Family
from workbench.gui import theme as style

FONT_SCALE = 1.5
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: weakest on white)
]
"""Okabe & Ito's palette: distinguishable with every common colour-vision deficiency."""
OKABE_ITO_FAMILIES = {
    Family.SEQUENTIAL: "#7F7F7F",
    Family.ASYNC: "#009E73",
    Family.THREADS: "#0072B2",
    Family.PROCESSES: "#E69F00",
}


def high_contrast_palette() -> QPalette:
    palette = QPalette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, QColor("#FFFFFF"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, QColor("#000000"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0072B2"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
    return palette


def restyle_axes(root: QWidget) -> None:
    """Re-apply the (scaled) chart fonts to every pyqtgraph axis under ``root``."""
    for view in root.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                label = item.labelText if item.label.isVisible() else None
                style.style_axis(item, label or None)


class PresentationMode:
    """Toggles the window's look; remembers what it changed so leaving restores it exactly."""

    def __init__(self, window: QMainWindow, essentials: tuple[QWidget, ...]) -> None:
        self.window = window
        self.essentials = essentials
        self.active = False
        self._saved: dict[str, object] = {}

    def set_active(self, active: bool) -> None:
        if active == self.active:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.active = active
        if active:
            font = app.font()
            self._saved = {
                "font": font,
                "palette": app.palette(),
                "colours": list(style.WORKER_COLOURS),
                "families": dict(style.FAMILY_COLOURS),
                "state": self.window.windowState(),
            }
            big = app.font()
            big.setPointSizeF(font.pointSizeF() * FONT_SCALE)
            app.setFont(big)
            app.setPalette(high_contrast_palette())
            style.set_chart_scale(FONT_SCALE)
            style.WORKER_COLOURS[:] = OKABE_ITO
            style.FAMILY_COLOURS.update(OKABE_ITO_FAMILIES)
            self._hide_advanced(True)
            self._styled_fonts(big)
            self.window.showFullScreen()
        else:
            app.setFont(self._saved["font"])  # type: ignore[arg-type]
            app.setPalette(self._saved["palette"])  # type: ignore[arg-type]
            style.set_chart_scale(1.0)
            style.WORKER_COLOURS[:] = self._saved["colours"]  # type: ignore[index]
            style.FAMILY_COLOURS.update(self._saved["families"])  # type: ignore[arg-type]
            self._hide_advanced(False)
            self._styled_fonts(QFont())
            state = self._saved["state"]
            self.window.setWindowState(state)  # type: ignore[arg-type]
            if not state & Qt.WindowState.WindowFullScreen:  # type: ignore[operator]
                self.window.showNormal()
        self._redraw()

    def _styled_fonts(self, font: QFont) -> None:
        """Widgets under a style sheet miss QApplication.setFont: set theirs directly (an empty
        QFont makes them inherit again)."""
        for widget in self.window.findChildren(QWidget):
            if widget.styleSheet():
                widget.setFont(font)
                for child in widget.findChildren(QWidget):
                    child.setFont(font)

    def _hide_advanced(self, hide: bool) -> None:
        panel = self.window.config_panel  # type: ignore[attr-defined]
        for box in panel.findChildren(QGroupBox):
            if box not in self.essentials:
                box.setVisible(not hide)

    def _redraw(self) -> None:
        window = self.window
        timeline = window.timeline  # type: ignore[attr-defined]
        if timeline.experiment is not None:
            timeline.show_experiment(timeline.experiment)  # rebuilt with the new palette
        results = window.results  # type: ignore[attr-defined]
        if results is not None and not window.controller.running:  # type: ignore[attr-defined]
            window.comparison.show_results(results)  # type: ignore[attr-defined]
        restyle_axes(window)
