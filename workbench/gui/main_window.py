"""The workbench window: puts the config panel, the run panels, the comparison and the readings
together and connects them to the run controller and to files.

It owns no measuring logic: runs go through :class:`RunController` (the engine), numbers come
from the core's summaries and explanations, and every view is passive.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.exports import ResultsFileError
from workbench.core.machine import this_machine
from workbench.core.results import Results, Run
from workbench.gui.actions import build_actions
from workbench.gui.classroom.classroom import Classroom
from workbench.gui.controller import RunController
from workbench.gui.model.formatting import config_line, machine_line, ns_as_seconds
from workbench.gui.model.live_run import LiveExperiment
from workbench.gui.results import files
from workbench.gui.results.comparison_view import ComparisonView
from workbench.gui.settings.config_panel import ConfigPanel
from workbench.gui.timeline.view import TimelineView
from workbench.gui.widgets.banner import MessageBanner
from workbench.gui.widgets.status_bar import WorkbenchStatusBar

TITLE = "Concurrency Workbench"
CONFIG_PANEL_WIDTH = 340
DEFAULT_SIZE = (1600, 1000)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self._fit_to_screen()
        self.controller = RunController(self)
        self.config_panel = ConfigPanel()
        self.timeline = TimelineView()
        self.comparison = ComparisonView()
        self.explanations = self.comparison.explanations
        self.banner = MessageBanner()
        self.header = QLabel("No results yet: choose a workload and strategies, then Run (F5).")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: bold;")
        self.status = WorkbenchStatusBar(this_machine())
        self.setStatusBar(self.status)
        self.results: Results | None = None
        self.recent = files.RecentFiles(settings if settings is not None else QSettings())
        self.actions = build_actions(self)
        self._closed = asyncio.Event()
        self._layout()
        self._connect()
        self._rebuild_recent_menu()
        self.classroom = Classroom(self)  # presets, verdicts, presentation mode

    def _fit_to_screen(self) -> None:
        """Open large (a projector is 1280×720 to 1920×1080), never larger than the screen."""
        width, height = DEFAULT_SIZE
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.95))
            height = min(height, int(available.height() * 0.95))
        self.resize(width, height)

    def _layout(self) -> None:
        panel_scroll = QScrollArea()
        panel_scroll.setWidget(self.config_panel)
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setMinimumWidth(CONFIG_PANEL_WIDTH)
        panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        charts = QSplitter(Qt.Orientation.Vertical)
        charts.addWidget(self.timeline)
        charts.addWidget(self.comparison)
        charts.setSizes([660, 300])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(charts, 1)
        self.settings_area = panel_scroll
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

    def _connect(self) -> None:
        a = self.actions
        a.run.triggered.connect(self.run_experiment)
        a.stop.triggered.connect(self.stop_experiment)
        a.quit.triggered.connect(self.close)
        a.open.triggered.connect(self._ask_open)
        a.save.triggered.connect(self._ask_save)
        a.export_csv.triggered.connect(lambda: self._ask_export_data("csv"))
        a.export_trace.triggered.connect(lambda: self._ask_export_data("trace"))
        a.export_timeline_png.triggered.connect(lambda: self._ask_png(self.timeline, "timeline"))
        a.export_comparison_png.triggered.connect(
            lambda: self._ask_png(self.comparison, "comparison")
        )
        a.export_window_png.triggered.connect(lambda: self._ask_png(self, "window"))
        a.lanes.toggled.connect(self.timeline.set_lanes)
        a.settings_panel.toggled.connect(self.settings_area.setVisible)  # more room to present
        self.timeline.lanes_check.toggled.connect(a.lanes.setChecked)
        a.fit.triggered.connect(self.timeline.fit)
        a.zoom_in.triggered.connect(lambda: self.timeline.zoom(0.8))
        a.zoom_out.triggered.connect(lambda: self.timeline.zoom(1.25))
        self.config_panel.run_requested.connect(self.run_experiment)
        self.config_panel.stop_requested.connect(self.stop_experiment)
        c = self.controller
        c.started.connect(self._started)
        c.redraw_due.connect(self._redraw)
        c.run_finished.connect(self._run_finished)
        c.finished.connect(self._finished)
        c.failed.connect(self._failed)

    # -- running -------------------------------------------------------------------------

    def run_experiment(self) -> bool:
        """Validate the panel and start; a bad value is shown where it is and nothing runs."""
        if self.controller.running:
            return False
        preset_started = self.classroom.run_requested()
        if preset_started is not None:
            return preset_started
        config = self.config_panel.read_config()
        if config is None:
            self.status.show_idle("Not run: fix the value marked in red")
            return False
        self.banner.hide()
        return self.controller.start(config)

    def stop_experiment(self) -> None:
        if self.controller.running:
            self.status.show_idle("Stopping…")
            self.controller.stop()

    def _set_running(self, running: bool) -> None:
        self.config_panel.set_running(running)
        self.actions.run.setEnabled(not running)
        self.actions.stop.setEnabled(running)
        self.actions.open.setEnabled(not running)
        self.actions.recent.setEnabled(not running)
        has_results = not running and self.results is not None
        for action in self.actions.results_actions():
            action.setEnabled(has_results)

    def _started(self, experiment: LiveExperiment) -> None:
        self.results = None
        self._set_running(True)
        self.header.setText(config_line(experiment.config))
        self.timeline.show_experiment(experiment)
        self.comparison.clear()
        self.status.show_idle("Starting…")

    def _redraw(self) -> None:
        experiment = self.controller.experiment
        if experiment is None:
            return
        self.timeline.refresh_live()
        self.controller.note_redraw_cost(self.timeline.last_redraw_s)
        self.status.show_progress(experiment.progress())

    def _run_finished(self, run: Run) -> None:
        experiment = self.controller.experiment
        if experiment is None:
            return
        # After the last run the comparison is drawn with the outcome, a turn of the loop
        # later (see RunController): two short freezes, not one long one.
        if len(experiment.runs) < experiment.total_runs:
            self.comparison.show_results(experiment.results(), readings=False)
        self.timeline.refresh()

    def _finished(self, results: Results) -> None:
        self._show_outcome(results)
        total = sum(run.wall_ns for run in results.runs)
        if results.interrupted:
            self.status.show_idle(f"Stopped — {len(results.runs)} finished run(s) kept")
        else:
            self.status.show_idle(f"Done — {len(results.runs)} run(s), {ns_as_seconds(total)}")
        failed = [run for run in results.runs if not run.ok]
        if failed:
            self.banner.show_message(
                "; ".join(f"{run.strategy} failed: {run.error}" for run in failed)
            )

    def _failed(self, message: str) -> None:
        experiment = self.controller.experiment
        if experiment is not None:
            self._show_outcome(experiment.results())
        self.status.show_idle("The experiment could not run")
        self.banner.show_message(message)

    def _show_outcome(self, results: Results) -> None:
        self.results = results
        self._set_running(False)
        self.timeline.refresh_if_changed()
        self.comparison.show_results(results)

    # -- files ---------------------------------------------------------------------------

    def show_results(self, results: Results, source: str | None = None) -> None:
        """Show finished results exactly as they were drawn when they ran."""
        self.results = results
        self.config_panel.set_config(results.config)
        origin = f" — from {Path(source).name}" if source else ""
        self.header.setText(
            f"{config_line(results.config)}{origin}\nMeasured on {machine_line(results.machine)}"
        )
        self.timeline.show_experiment(LiveExperiment.from_results(results))
        self.comparison.show_results(results)
        self._set_running(False)

    def open_file(self, path: str) -> bool:
        if self.controller.running:
            return False
        try:
            results = files.open_results(path)
        except ResultsFileError as exc:
            self.banner.show_message(f"Could not open {Path(path).name}: {exc}")
            return False
        self.banner.hide()
        self.show_results(results, path)
        self.recent.add(path)
        self._rebuild_recent_menu()
        self.status.show_idle(f"Opened {path}")
        return True

    def save_to(self, path: str) -> bool:
        return self._write(lambda: files.save_results(self._need_results(), path), path, True)

    def export_data_to(self, kind: str, path: str) -> bool:
        return self._write(lambda: files.export_data(kind, self._need_results(), path), path)

    def export_png_to(self, widget: QWidget, path: str) -> bool:
        return self._write(lambda: files.export_png(widget, path), path)

    def _need_results(self) -> Results:
        if self.results is None:
            raise OSError("there are no results to write yet")
        return self.results

    def _write(self, write: Callable[[], None], path: str, remember: bool = False) -> bool:
        """Run a writer; a failure becomes a plain message in the banner, never an exception."""
        try:
            write()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            self.banner.show_message(f"Could not write {path}: {reason}")
            return False
        if remember:
            self.recent.add(path)
            self._rebuild_recent_menu()
        self.status.show_idle(f"Wrote {path}")
        return True

    def _rebuild_recent_menu(self) -> None:
        menu = self.actions.recent
        menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        menu.setEnabled(bool(paths) and not self.controller.running)

    def _open_recent(self, path: str) -> None:
        if not os.path.exists(path):
            self.recent.remove(path)
            self._rebuild_recent_menu()
        self.open_file(path)

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open results", "", files.RESULTS_FILTER)
        if path:
            self.open_file(path)

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save results", "results.json", files.RESULTS_FILTER
        )
        if path:
            self.save_to(files.with_suffix(path, ".json"))

    def _ask_export_data(self, kind: str) -> None:
        export = files.DATA_EXPORTS[kind]
        path, _ = QFileDialog.getSaveFileName(
            self, export.title, "results" + export.suffix, export.file_filter
        )
        if path:
            self.export_data_to(kind, files.with_suffix(path, export.suffix))

    def _ask_png(self, widget: QWidget, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save PNG", f"{name}.png", "PNG (*.png)")
        if path:
            self.export_png_to(widget, files.with_suffix(path, ".png"))

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-run stops the run; :meth:`serve_until_closed` waits for the cleanup."""
        self.controller.stop()
        self.classroom.stop()
        self._closed.set()
        event.accept()

    async def serve_until_closed(self) -> None:
        """The app's main coroutine: returns once the window is closed and no run is left."""
        await self._closed.wait()
        self.controller.stop()
        await self.classroom.wait_idle()
        await self.controller.wait_idle()
