"""Open a window at its preferred size, never larger than the screen it opens on.

Every top-level window of the app opens this way: a projector is 1024×768 to 1920×1080, and a
window larger than the screen hides its own buttons — on a lab machine nobody resizes it first.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


def screen_of(window: QWidget) -> QScreen | None:
    """The screen the window is on, else the primary one (a window not shown yet has none)."""
    return window.screen() or QGuiApplication.primaryScreen()


def fit_to_screen(window: QWidget, preferred: tuple[int, int], share: float) -> None:
    """Resize `window` to `preferred` (width, height), or to `share` of the available screen
    in either direction where that is smaller (the rest: the task bar, a glimpse of what is
    behind)."""
    width, height = preferred
    screen = screen_of(window)
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * share))
        height = min(height, int(available.height() * share))
    window.resize(width, height)
