"""The window's menus, toolbar and keyboard shortcuts, declared in one place.

Every action is created here and reached by its attribute, never by its visible text: the
window and classroom mode connect to ``actions.presentation``, not to a menu titled "&View".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar


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
    pick_preset: QAction
    sweep: QAction
    replay: QAction
    presentation: QAction
    timeline_only: QAction
    thread_states: QAction
    comparison_first: QAction
    show_strategy: tuple[QAction, ...]
    """Alt+0 shows every strategy stacked; Alt+N the N-th alone, full size."""
    recent: QMenu
    toolbar: QToolBar
    history: QAction
    compare_files: QAction
    class_collect: QAction
    class_send: QAction
    class_import: QAction

    def results_actions(self) -> tuple[QAction, ...]:
        """Actions that need results on screen."""
        return (
            self.save,
            self.export_csv,
            self.export_trace,
            self.export_timeline_png,
            self.export_comparison_png,
            self.replay,
        )

    def idle_actions(self) -> tuple[QAction, ...]:
        """Actions that would start something, so they wait while a measurement runs."""
        return (self.run, self.open, self.sweep)


def _action(
    window: QMainWindow, text: str, tip: str, *keys: str | QKeySequence.StandardKey
) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcuts([QKeySequence(key) for key in keys])
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
    action.setStatusTip(tip)
    return action


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


def build_actions(window: QMainWindow) -> WindowActions:
    """Create the actions, the menu bar and the toolbar; the window connects the actions."""
    w = window
    actions = WindowActions(
        run=_action(w, "&Run", "Run the chosen preset, or the settings", "F5", "Ctrl+R"),
        stop=_action(w, "&Stop", "Stop the run; finished runs are kept", "Esc"),
        open=_action(w, "&Open Results…", "Open a results file", QKeySequence.StandardKey.Open),
        save=_action(w, "&Save Results…", "Save the results shown", QKeySequence.StandardKey.Save),
        export_csv=_action(w, "Task Spans as &CSV…", "One row per task"),
        export_trace=_action(w, "Chrome &Trace (Perfetto)…", "Opens in ui.perfetto.dev"),
        export_timeline_png=_action(w, "&Timeline and CPU Chart as PNG…", "The timeline"),
        export_comparison_png=_action(w, "C&omparison Chart and Table as PNG…", "The summary"),
        export_window_png=_action(w, "Whole &Window as PNG…", "Everything on screen"),
        quit=_action(w, "&Quit", "Stop any run and close", "Ctrl+Q"),
        lanes=_action(w, "One &Lane per Worker", "Rows are threads or processes", "Ctrl+L"),
        settings_panel=_action(w, "&Settings Panel", "Show or hide the settings", "Ctrl+B"),
        fit=_action(w, "&Fit and Follow", "Show the whole run again", "Ctrl+0"),
        zoom_in=_action(w, "Zoom &In (time)", "Zoom the time axis in", "Ctrl+=", "Ctrl++"),
        zoom_out=_action(w, "Zoom &Out (time)", "Zoom the time axis out", "Ctrl+-"),
        pick_preset=_action(w, "Choose a &Preset…", "The articles' claims", "Ctrl+P"),
        sweep=_action(
            w, "Scaling S&weep…", "Strategies over task or worker counts", "Ctrl+Shift+S"
        ),
        replay=_action(w, "Replay in Slow &Motion", "Play the run back slowly", "Ctrl+Shift+R"),
        presentation=_action(w, "&Presentation Mode", "Full screen, large type", "F11"),
        timeline_only=_action(w, "&Timeline Full Size", "Only the timeline, all the room", "F9"),
        thread_states=_action(
            w, "Thread &States", "Colour each task by what its thread waited for", "Ctrl+T"
        ),
        comparison_first=_action(
            w, "&Comparison in View", "Give the comparison and readings the room", "F8"
        ),
        show_strategy=tuple(
            _action(
                w,
                "&All Strategies" if n == 0 else f"Strategy &{n}",
                "Every strategy stacked" if n == 0 else f"Only the {_ordinal(n)} strategy",
                f"Alt+{n}",
            )
            for n in range(10)
        ),
        recent=QMenu("Open &Recent", window),
        toolbar=QToolBar("Classroom", window),
        history=_action(w, "&History…", "Every experiment kept: reopen, compare", "Ctrl+H"),
        compare_files=_action(w, "Co&mpare Results Files…", "Two or more files side by side"),
        class_collect=_action(w, "&Collect Results…", "Students send their results here"),
        class_send=_action(w, "&Send My Results…", "To the teacher's collector"),
        class_import=_action(w, "&Import a Folder…", "Results files without a network"),
    )
    checkables = (actions.lanes, actions.settings_panel, actions.presentation)
    for checkable in (
        *checkables,
        actions.timeline_only,
        actions.comparison_first,
        actions.thread_states,
    ):
        checkable.setCheckable(True)
    actions.settings_panel.setChecked(True)
    actions.stop.setEnabled(False)
    for action in actions.results_actions():
        action.setEnabled(False)
    _build_menus(window, actions)
    _build_toolbar(window, actions)
    return actions


def _build_menus(window: QMainWindow, actions: WindowActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions.open)
    file_menu.addMenu(actions.recent)
    file_menu.addAction(actions.save)
    file_menu.addAction(actions.compare_files)
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
    for action in (actions.run, actions.stop, actions.pick_preset, actions.sweep):
        run_menu.addAction(action)
    view_menu = bar.addMenu("&View")
    for action in (
        actions.settings_panel,
        actions.lanes,
        actions.fit,
        actions.zoom_in,
        actions.zoom_out,
    ):
        view_menu.addAction(action)
    view_menu.addAction(actions.thread_states)
    view_menu.addAction(actions.timeline_only)
    view_menu.addAction(actions.comparison_first)
    strategies = view_menu.addMenu("&Show Strategy")
    for action in actions.show_strategy:
        strategies.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(actions.presentation)
    view_menu.addAction(actions.replay)
    view_menu.addSeparator()
    view_menu.addAction(actions.history)
    class_menu = bar.addMenu("&Class")
    for action in (actions.class_collect, actions.class_import, actions.class_send):
        class_menu.addAction(action)


def _build_toolbar(window: QMainWindow, actions: WindowActions) -> None:
    toolbar = actions.toolbar
    toolbar.setObjectName("classroom-toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in (
        actions.run,
        actions.stop,
        actions.pick_preset,
        actions.sweep,
        actions.replay,
        actions.presentation,
    ):
        toolbar.addAction(action)
    window.addToolBar(toolbar)
