"""The settings and the code editor take turns on a screen too narrow for both beside the charts.

At 1024×768 the settings (~300 px), the code editor and the charts asked for more width than
the screen has, and the window grew past it: the results table and the status bar's right end
went off the projector. The charts never give way; of the two side panels the one just opened
stays, the other closes and the status bar says how to bring it back. On a wider screen both
stay.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from workbench.gui.model.views import StatusLike
from workbench.gui.widgets.screen_fit import screen_of


class SidePanelTurns:
    """Closes the settings when the code editor opens, or the editor when the settings come
    back, whenever the window would otherwise be wider than its screen."""

    def __init__(
        self,
        window: QMainWindow,
        settings_toggle: QAction,
        settings: QWidget,
        code_dock: QDockWidget,
        status: StatusLike,
    ) -> None:
        self._window = window
        self._toggle = settings_toggle
        self._settings = settings
        self._code = code_dock
        self._status = status
        code_dock.visibilityChanged.connect(self._code_shown)
        # The settings are shown first, then measured: in the other order the minimum
        # measured would be the one without them.
        settings_toggle.toggled.connect(settings.setVisible)
        settings_toggle.toggled.connect(self._settings_shown)

    def make_room(self) -> None:
        """After anything else that widens the window while both are shown (presentation
        mode's type, the settings back after the timeline had the window to itself): the
        code keeps its place, the settings make room."""
        QCoreApplication.sendPostedEvents()  # new type reaches widgets in events of its own
        self._make_room(for_code=True)

    def fits(self) -> bool:
        """Whether everything shown fits the width of the screen the window is on."""
        room = self._room()
        if room is None:
            return True
        self._catch_up()
        window = self._window
        border = window.frameGeometry().width() - window.width()
        return window.minimumSizeHint().width() + border <= room.width()

    def _room(self) -> QRect | None:
        """What of its screen the window may take: the whole of it in full screen
        (presentation mode), else what the task bar leaves."""
        screen = screen_of(self._window)
        if screen is None:
            return None
        return screen.geometry() if self._window.isFullScreen() else screen.availableGeometry()

    def _catch_up(self) -> None:
        """A panel just shown or hidden: the layouts hear of it in events posted for later,
        and until then the window's layout keeps the minimum it had cached from before."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        central, layout = self._window.centralWidget(), self._window.layout()
        if central is not None:
            central.updateGeometry()
        if layout is not None:
            layout.invalidate()
            layout.activate()  # and the window's minimum size set from it anew

    def _code_shown(self, visible: bool) -> None:
        if visible:
            self._make_room(for_code=True)

    def _settings_shown(self, checked: bool) -> None:
        if checked:
            self._make_room(for_code=False)

    def _make_room(self, *, for_code: bool) -> None:
        # The settings as shown, not as ticked: the timeline alone (F9) hides them ticked.
        both = self._settings.isVisibleTo(self._window) and self._code.isVisible()
        if not both or self.fits():
            return
        if for_code:
            self._toggle.setChecked(False)
            text = "Settings hidden to make room for your code on this screen (Ctrl+B: back)"
        else:
            self._code.setVisible(False)
            text = "Code editor closed to make room for the settings (Edit code…: back)"
        self._status.show_idle(text)  # where the status bar says what the window did last
        self._back_on_screen()

    def _back_on_screen(self) -> None:
        """The window grew past the screen's edge while both panels were shown: within it
        again (maximised or full screen, it is made so anew)."""
        window, available = self._window, self._room()
        if available is None:
            return
        self._catch_up()
        full = window.isFullScreen()
        frame = window.frameGeometry()
        if frame.left() >= available.left() and frame.right() <= available.right():
            return
        if full or window.isMaximized():  # that state again, at the screen's size
            window.showNormal()
            if full:
                window.showFullScreen()
            else:
                window.showMaximized()
            return
        border = frame.width() - window.width()
        width = min(frame.width(), available.width())
        window.resize(width - border, window.height())
        left = max(available.left(), min(frame.left(), available.right() + 1 - width))
        window.move(left, frame.top())
