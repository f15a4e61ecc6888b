"""The workbench window: builds the views, lays them out, and hands them to the presenter.

It owns no measuring logic and no flow: runs go through the :class:`Presenter`'s session,
numbers come from the core, and every view is passive. What the window itself is to the
presenter — the header line, the settings, what Run and Stop enable — is the small
:class:`~workbench.gui.model.views.ShellLike` surface below.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from workbench.core.machine import this_machine
from workbench.core.params import ConfigError
from workbench.core.results import Config, Results
from workbench.core.session import RunExperiment, RunPreset, SessionObserver
from workbench.gui.actions import build_actions
from workbench.gui.classroom.classroom import Classroom
from workbench.gui.classroom.presentation import PresentationMode
from workbench.gui.classroom.sweep_view import SweepDialog
from workbench.gui.classroom.verdict_view import VerdictView
from workbench.gui.history.commands import HistoryCommands
from workbench.gui.lab.commands import ClassCommands
from workbench.gui.model.collector import MainThreadCollection
from workbench.gui.model.presenter import Presenter
from workbench.gui.model.views import Views
from workbench.gui.results.comparison_view import ComparisonView
from workbench.gui.results.file_commands import FileCommands
from workbench.gui.results.files import RecentFiles
from workbench.gui.settings.config_panel import ConfigPanel
from workbench.gui.settings.panel import SettingsPanel
from workbench.gui.settings.preset_panel import PresetPanel
from workbench.gui.side_panels import SidePanelTurns
from workbench.gui.theme import Theme
from workbench.gui.timeline.replay import ReplayBar
from workbench.gui.timeline.view import TimelineView
from workbench.gui.widgets.banner import MessageBanner
from workbench.gui.widgets.screen_fit import fit_to_screen
from workbench.gui.widgets.status_bar import WorkbenchStatusBar

TITLE = "Concurrency Workbench"
CONFIG_PANEL_WIDTH = 300
TIMELINE_SHARE = 0.55
"""The timeline's charts get at least this share of the window's height."""
VERDICT_SHARE = 0.25
MIN_COMPARISON_PX = 90
COMPARISON_FIRST_TIMELINE_SHARE = 0.4
"""With the comparison in view (F8), the timeline keeps this share of what is left."""
DEFAULT_SIZE = (1600, 1000)
"""Large on a big screen; on a projector (1024×768 to 1920×1080) 95 % of it."""
WELCOME = "No results yet: choose a preset or a workload and strategies, then Run (F5)."


class MainWindow(QMainWindow):
    def __init__(
        self, settings: QSettings | None = None, listeners: Sequence[SessionObserver] = ()
    ) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self.theme = Theme(self)
        self.presets = PresetPanel()
        self.config_panel = ConfigPanel()
        self.settings_panel = SettingsPanel(self.presets, self.config_panel)
        self.timeline = TimelineView(self.theme)
        self.comparison = ComparisonView(self.theme)
        self.explanations = self.comparison.explanations
        self.banner = MessageBanner()
        self._header_text = WELCOME
        self.header = QLabel(WELCOME)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)  # see show_header
        self.header.setStyleSheet("font-weight: bold;")
        self.verdict_view = VerdictView()
        self.replay = ReplayBar(self.timeline)
        self.sweep = SweepDialog(self.theme, self)
        self.status = WorkbenchStatusBar(this_machine())
        self.setStatusBar(self.status)
        self.actions = build_actions(self)
        views = Views(
            shell=self,
            timeline=self.timeline,
            comparison=self.comparison,
            status=self.status,
            banner=self.banner,
            verdict=self.verdict_view,
            sweep=self.sweep,
            replay=self.replay,
        )
        self.history = HistoryCommands(self, self.actions, self.theme, self.banner, self.status)
        self.presenter = Presenter(
            views, listeners=[self.history.recorder, *listeners, self.config_panel.code_output]
        )
        self.history.attach(self.presenter)
        recent = RecentFiles(settings if settings is not None else QSettings())
        self.files = FileCommands(
            self, self.presenter, self.actions, recent, self.banner, self.status
        )
        self.presentation = PresentationMode(
            self, self.theme, self.settings_panel, self.actions.toolbar
        )
        self.classroom = Classroom(
            self,
            self.presenter,
            self.actions,
            self.settings_panel,
            self.verdict_view,
            self.replay,
            self.sweep,
            self.presentation,
            self.status,
        )
        self.lab = ClassCommands(self, self.actions, self.presenter, self.history, self.theme)
        self._closed = asyncio.Event()
        self._layout()
        self._connect()
        fit_to_screen(self, DEFAULT_SIZE, 0.95)
        self._collection = MainThreadCollection(asyncio.get_event_loop())
        self._collection.start()  # see collector: Qt objects must die on this thread

    @property
    def results(self) -> Results | None:
        """The finished results on screen, if any."""
        return self.presenter.results

    def _layout(self) -> None:
        panel_scroll = QScrollArea()
        panel_scroll.setWidget(self.settings_panel)
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setMinimumWidth(CONFIG_PANEL_WIDTH)
        panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.settings_area = panel_scroll
        # One splitter for what competes for height, so the user can drag any border; it is
        # balanced for what is shown (see _balance): the timeline always gets the most.
        self.charts = charts = QSplitter(Qt.Orientation.Vertical)
        charts.addWidget(self.verdict_view)
        charts.addWidget(self.timeline)
        charts.addWidget(self.comparison)
        charts.setStretchFactor(1, 1)
        charts.setChildrenCollapsible(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.replay)
        right_layout.addWidget(charts, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(panel_scroll)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([CONFIG_PANEL_WIDTH, 1260])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)
        self.setCentralWidget(central)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.config_panel.code_dock)

    def _connect(self) -> None:
        a = self.actions
        a.run.triggered.connect(self.run_experiment)
        a.stop.triggered.connect(self.stop_experiment)
        a.quit.triggered.connect(self.close)
        a.export_timeline_png.triggered.connect(
            lambda: self.files.ask_png(self.timeline, "timeline")
        )
        a.export_comparison_png.triggered.connect(
            lambda: self.files.ask_png(self.comparison, "comparison")
        )
        a.lanes.toggled.connect(self.timeline.set_lanes)
        self.side_panels = SidePanelTurns(  # Ctrl+B: more room to present
            self, a.settings_panel, self.settings_area, self.config_panel.code_dock, self.status
        )
        self.timeline.lanes_check.toggled.connect(a.lanes.setChecked)
        a.thread_states.toggled.connect(self.timeline.controls.states_check.setChecked)
        self.timeline.controls.states_check.toggled.connect(a.thread_states.setChecked)
        a.fit.triggered.connect(self.timeline.fit)
        a.zoom_in.triggered.connect(lambda: self.timeline.zoom(0.8))
        a.zoom_out.triggered.connect(lambda: self.timeline.zoom(1.25))
        a.timeline_only.toggled.connect(self._timeline_only)
        a.comparison_first.toggled.connect(lambda _: self._balance())
        for index, action in enumerate(a.show_strategy):
            action.triggered.connect(lambda _=False, n=index: self.timeline.show_only(n))
        self.verdict_view.visibility_changed.connect(lambda _: self._balance())
        self.verdict_view.content_changed.connect(self._balance_when_laid_out)
        self.theme.changed.connect(self._balance_when_laid_out)
        self.theme.changed.connect(lambda: QTimer.singleShot(0, self.side_panels.make_room))
        self.config_panel.edited.connect(self._settings_edited)
        self.settings_panel.run_requested.connect(self.run_experiment)
        self.config_panel.run_requested.connect(self.run_experiment)  # your code, checked
        self.settings_panel.stop_requested.connect(self.stop_experiment)

    def _balance(self) -> None:
        """Share the height: the timeline's charts get at least TIMELINE_SHARE of the window,
        a verdict what it needs up to VERDICT_SHARE, the comparison the rest (folded away
        when that is too little to read; its splitter handle brings it back)."""
        total = sum(self.charts.sizes())
        window = self.height()
        if not self.isVisible() or total <= 0:
            return
        if self.actions.comparison_first.isChecked():  # F8: the numbers first
            verdict = self.charts.sizes()[0]
            timeline = round(COMPARISON_FIRST_TIMELINE_SHARE * (total - verdict))
            self.charts.setSizes([verdict, timeline, total - verdict - timeline])
            return
        chrome = max(0, self.timeline.height() - self.timeline.scroll.height())
        timeline = min(total, round(TIMELINE_SHARE * window) + chrome)
        verdict = 0
        if self.verdict_view.isVisibleTo(self):
            wanted = self.verdict_view.wanted_height(self.charts.width())
            verdict = min(wanted, round(VERDICT_SHARE * window), max(0, total - timeline))
            # Never so little that the verdict itself is cut: the timeline gives way.
            verdict = min(total, max(verdict, self.verdict_view.least_height()))
            timeline = min(timeline, total - verdict)
        comparison = total - timeline - verdict
        if comparison < MIN_COMPARISON_PX:
            timeline, comparison = timeline + comparison, 0
        self.charts.setSizes([verdict, timeline, comparison])

    def _timeline_only(self, on: bool) -> None:
        """Everything but the timeline out of the way (F9), and back."""
        self.settings_area.setVisible(not on and self.actions.settings_panel.isChecked())
        self.header.setVisible(not on)
        self.comparison.setVisible(not on)
        self.verdict_view.setVisible(not on and self.verdict_view.claimed)
        if not on:
            self.side_panels.make_room()
            self._balance_when_laid_out()

    def _balance_when_laid_out(self) -> None:
        """After the layout has taken the new type size and screen into account."""
        QTimer.singleShot(0, self._balance)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._balance()

    # -- running -------------------------------------------------------------------------

    def run_experiment(self) -> bool:
        """Run the chosen preset, or the settings; a bad value is shown where it is."""
        if self.presenter.busy:
            return False
        preset = self.presets.preset()
        try:
            if preset is not None:
                scale = self.presets.read_time_scale()
                return scale is not None and self.presenter.start(RunPreset(preset, scale))
            config = self.config_panel.read_config(for_run=True)
            if config is None:
                pending = self.config_panel.pending
                self.status.show_idle(pending or "Not run: fix the value marked in red")
                return False
            return self.presenter.start(RunExperiment(config))
        except ConfigError as exc:
            self.config_panel.show_error(f"Not run: {exc}")
            return False

    def stop_experiment(self) -> None:
        self.presenter.stop()

    # -- what the presenter asks of the window (ShellLike) -------------------------------

    def set_running(self, running: bool) -> None:
        self.settings_panel.set_running(running)
        for action in self.actions.idle_actions():
            action.setEnabled(not running)
        self.actions.stop.setEnabled(running)
        has_results = not running and self.presenter.results is not None
        for action in self.actions.results_actions():
            action.setEnabled(has_results)
        self.files.rebuild_recent_menu()
        self.classroom.set_running(running)

    def show_header(self, text: str) -> None:
        """Plain text (it quotes the results' names): escaped into the header's rich text."""
        self._header_text = text
        self._set_header()

    def _set_header(self, note: str = "") -> None:
        """The header's plain text, escaped, then ``note`` (rich text), lines broken."""
        self.header.setText(f"{html.escape(self._header_text)}{note}".replace("\n", "<br>"))

    def _settings_edited(self) -> None:
        """Say so when the settings no longer match what is on screen (F5 runs the new)."""
        results = self.presenter.results
        if self.presenter.busy or results is None:
            return
        current = self.config_panel.current_config()
        stale = self.presets.preset() is None and current != results.config
        self._set_header("\n<i>The settings have changed since: F5 runs them.</i>" if stale else "")

    def show_config(self, config: Config, *, reveal: bool = True) -> None:
        self.config_panel.set_config(config, reveal=reveal)

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-run stops the run; :meth:`serve_until_closed` waits for the cleanup."""
        self.presenter.stop()
        self.files.cancel_opening()
        self.sweep.close()
        self.history.close_windows()
        self.lab.close_windows()
        self._closed.set()
        event.accept()

    async def serve_until_closed(self) -> None:
        """The app's main coroutine: returns once the window is closed and no run is left."""
        await self._closed.wait()
        self.presenter.stop()
        await self.presenter.wait_idle()
        self.presenter.shutdown()
        self._collection.stop()
        await self.lab.shutdown()
        await self.history.shutdown()
