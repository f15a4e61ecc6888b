"""Presentation mode: full screen, large type, high contrast, a colour-blind-safe palette and
the settings reduced to the preset picker and Run/Stop, for a projector in a classroom.

The charts' colours and type come from the :class:`~workbench.gui.theme.Theme`, which tells
every view through its ``changed`` signal; this object handles what belongs to the
application and the window: the widgets' font and palette, full screen, the compact settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QToolBar, QWidget

from workbench.gui.settings.panel import SettingsPanel
from workbench.gui.theme import PRESENTATION_SCALE, Theme

DISABLED_TEXT = "#6B6B6B"


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
        # Set for every group above, a disabled Stop read as black as Run beside it: grey,
        # still legible from the back of a room (5.3:1 on white).
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0072B2"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
    return palette


@dataclass(frozen=True)
class _Saved:
    """What presentation mode changed, so leaving it restores exactly that."""

    font: QFont
    palette: QPalette
    state: Qt.WindowState


class PresentationMode:
    def __init__(
        self, window: QMainWindow, theme: Theme, settings: SettingsPanel, toolbar: QToolBar
    ) -> None:
        self.window = window
        self.theme = theme
        self.settings = settings
        self.toolbar = toolbar
        """Hidden while presenting: its height goes to the charts (Run/Stop stay in the
        settings panel, everything else in the menus and on its keys)."""
        self._saved: _Saved | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def set_active(self, active: bool) -> None:
        if active == self.active:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        if active:
            saved = self._saved = _Saved(app.font(), app.palette(), self.window.windowState())
            big = QFont(saved.font)
            big.setPointSizeF(saved.font.pointSizeF() * PRESENTATION_SCALE)
            app.setFont(big)
            app.setPalette(high_contrast_palette())
            self._styled_fonts(big)
            self.settings.set_compact(True)
            self.toolbar.setVisible(False)
            self.theme.set_presentation(True)
            self.window.showFullScreen()
            return
        saved = self._saved
        assert saved is not None
        self._saved = None
        app.setFont(saved.font)
        app.setPalette(saved.palette)
        self._styled_fonts(QFont())
        self.settings.set_compact(False)
        self.toolbar.setVisible(True)
        self.theme.set_presentation(False)
        self.window.setWindowState(saved.state)
        if not saved.state & Qt.WindowState.WindowFullScreen:
            self.window.showNormal()
            if saved.state & Qt.WindowState.WindowMaximized:
                self.window.showMaximized()
        # Larger type asked for more room; with normal type the window may shrink again.
        self.window.setMinimumSize(0, 0)

    def _styled_fonts(self, font: QFont) -> None:
        """Widgets under a style sheet miss QApplication.setFont: set theirs directly (an empty
        QFont makes them inherit again)."""
        for widget in self.window.findChildren(QWidget):
            if widget.styleSheet():
                widget.setFont(font)
                for child in widget.findChildren(QWidget):
                    child.setFont(font)
