"""The window's menus and keyboard shortcuts, declared in one place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass(frozen=True)
class WindowActions:
    run: QAction
    stop: QAction
    open: QAction
    save: QAction
    export_csv: QAction
    export_trace: QAction
    export_timeline_png: QAction
    export_comparison_png: QAction
    export_window_png: QAction
    quit: QAction
    lanes: QAction
    settings_panel: QAction
    fit: QAction
    zoom_in: QAction
    zoom_out: QAction
    recent: QMenu

    def results_actions(self) -> tuple[QAction, ...]:
        """Actions that need results on screen."""
        return (
            self.save,
            self.export_csv,
            self.export_trace,
            self.export_timeline_png,
            self.export_comparison_png,
        )


def _action(window: QMainWindow, text: str, *keys: str | QKeySequence.StandardKey) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcuts([QKeySequence(key) for key in keys])
    return action


def build_actions(window: QMainWindow) -> WindowActions:
    """Create the actions and the menu bar; the window connects them to its slots."""
    actions = WindowActions(
        run=_action(window, "&Run", "F5", "Ctrl+R"),
        stop=_action(window, "&Stop", "Esc"),
        open=_action(window, "&Open Results…", QKeySequence.StandardKey.Open),
        save=_action(window, "&Save Results…", QKeySequence.StandardKey.Save),
        export_csv=_action(window, "Task Spans as &CSV…"),
        export_trace=_action(window, "Chrome &Trace (Perfetto)…"),
        export_timeline_png=_action(window, "&Timeline and CPU Chart as PNG…"),
        export_comparison_png=_action(window, "C&omparison Chart and Table as PNG…"),
        export_window_png=_action(window, "Whole &Window as PNG…"),
        quit=_action(window, "&Quit", "Ctrl+Q"),
        lanes=_action(window, "One &Lane per Worker", "Ctrl+L"),
        settings_panel=_action(window, "&Settings Panel", "Ctrl+B"),
        fit=_action(window, "&Fit and Follow", "Ctrl+0"),
        zoom_in=_action(window, "Zoom &In (time)", "Ctrl+=", "Ctrl++"),
        zoom_out=_action(window, "Zoom &Out (time)", "Ctrl+-"),
        recent=QMenu("Open &Recent", window),
    )
    actions.lanes.setCheckable(True)
    actions.settings_panel.setCheckable(True)
    actions.settings_panel.setChecked(True)
    actions.stop.setEnabled(False)
    for action in actions.results_actions():
        action.setEnabled(False)

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions.open)
    file_menu.addMenu(actions.recent)
    file_menu.addAction(actions.save)
    export = file_menu.addMenu("&Export")
    for action in (
        actions.export_csv,
        actions.export_trace,
        actions.export_timeline_png,
        actions.export_comparison_png,
        actions.export_window_png,
    ):
        export.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    run_menu = bar.addMenu("&Run")
    run_menu.addAction(actions.run)
    run_menu.addAction(actions.stop)
    view_menu = bar.addMenu("&View")
    for action in (
        actions.settings_panel,
        actions.lanes,
        actions.fit,
        actions.zoom_in,
        actions.zoom_out,
    ):
        view_menu.addAction(action)
    return actions
