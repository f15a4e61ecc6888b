"""The settings and the code editor take turns where the screen is too narrow for both beside
the charts, and stay together where it is wide enough; the window stays on the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from workbench.gui.side_panels import SidePanelTurns


class Status:
    def __init__(self) -> None:
        self.said: list[str] = []

    def show_progress(self, progress: object) -> None:
        pass

    def show_idle(self, text: str) -> None:
        self.said.append(text)


def window_of(qtbot: QtBot, share: float) -> tuple[QMainWindow, QAction, QDockWidget, Status]:
    """A window whose settings, charts and code each ask for ``share`` of the screen's
    width: three thirds and more do not fit together, two do."""
    width = QGuiApplication.primaryScreen().availableGeometry().width()
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    row = QHBoxLayout(central)
    settings, charts = QWidget(), QWidget()
    for widget in (settings, charts):
        widget.setMinimumWidth(round(width * share))
        row.addWidget(widget)
    window.setCentralWidget(central)
    code = QDockWidget("Your code")
    code.setWidget(QWidget())
    code.widget().setMinimumWidth(round(width * share))
    code.setVisible(False)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, code)
    toggle = QAction("Settings", window)
    toggle.setCheckable(True)
    toggle.setChecked(True)
    status = Status()
    turns = SidePanelTurns(window, toggle, settings, code, status)
    window.turns = turns  # type: ignore[attr-defined]
    window.move(0, 0)
    window.show()
    return window, toggle, code, status


def on_screen(window: QMainWindow) -> bool:
    return (
        window.frameGeometry().width()
        <= QGuiApplication.primaryScreen().availableGeometry().width()
    )


def test_on_a_narrow_screen_the_code_and_the_settings_take_turns(qtbot: QtBot) -> None:
    window, settings, code, status = window_of(qtbot, 0.4)

    code.setVisible(True)  # 3 × 0.4 of the screen: the settings make room
    assert code.isVisible() and not settings.isChecked()
    assert "Settings hidden" in status.said[-1] and "Ctrl+B" in status.said[-1]
    qtbot.waitUntil(lambda: on_screen(window))

    settings.setChecked(True)  # and back: the code editor makes room
    assert settings.isChecked() and not code.isVisible()
    assert "Code editor closed" in status.said[-1]
    qtbot.waitUntil(lambda: on_screen(window))


def test_where_both_fit_both_stay(qtbot: QtBot) -> None:
    _, settings, code, status = window_of(qtbot, 0.25)
    code.setVisible(True)
    assert code.isVisible() and settings.isChecked() and not status.said


def test_what_widens_the_window_later_makes_the_settings_make_room(qtbot: QtBot) -> None:
    """The settings hidden while ticked (the timeline alone, F9), the code opened, then the
    settings shown again: the window would have grown past the screen."""
    window, settings, code, status = window_of(qtbot, 0.4)
    area = window.centralWidget().layout().itemAt(0).widget()
    area.setVisible(False)  # as F9 does, the settings still ticked
    code.setVisible(True)
    assert settings.isChecked() and not status.said  # nothing to make room for yet

    area.setVisible(True)
    window.turns.make_room()  # type: ignore[attr-defined]
    assert not settings.isChecked() and not area.isVisibleTo(window) and code.isVisible()
    qtbot.waitUntil(lambda: on_screen(window))
