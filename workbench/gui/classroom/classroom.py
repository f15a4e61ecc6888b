"""Classroom mode wired into the window: the preset picker, Claim / Measured / Verdict, and
presentation mode (F11), with their keys. Kept out of main_window.py so it stays small."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QToolBar

from workbench.core.params import ConfigError
from workbench.core.presets import Preset, PresetVerdict
from workbench.gui.classroom.presentation import PresentationMode
from workbench.gui.classroom.sweep_view import SweepDialog
from workbench.gui.classroom.verdict_view import VerdictView
from workbench.gui.model.formatting import config_line
from workbench.gui.model.live_run import LiveExperiment
from workbench.gui.settings.preset_panel import PresetPanel, PresetRunner
from workbench.gui.timeline.replay import ReplayBar


class Classroom:
    def __init__(self, window: QMainWindow) -> None:
        self.window = w = window
        self.presets = PresetPanel()
        self.runner = PresetRunner(w.controller, w)  # type: ignore[attr-defined]
        self.verdict_view = VerdictView()
        w.config_panel.layout().insertWidget(0, self.presets)  # type: ignore[attr-defined]
        right = w.header.parentWidget().layout()  # type: ignore[attr-defined]
        right.insertWidget(right.indexOf(w.header) + 1, self.verdict_view)  # type: ignore[attr-defined]
        self.replay = ReplayBar(w.timeline)  # type: ignore[attr-defined]
        right.insertWidget(right.indexOf(self.verdict_view) + 1, self.replay)  # type: ignore[attr-defined]
        self.presentation = PresentationMode(w, (self.presets,))

        self._build_actions()
        # Esc leaves presentation mode when nothing runs (while running, Esc is Stop).
        self.leave_key = QShortcut(QKeySequence("Esc"), w)
        self.leave_key.setEnabled(False)
        self.leave_key.activated.connect(lambda: self.presentation_action.setChecked(False))
        self.presentation_action.toggled.connect(lambda _: self._update_keys())

        self.presets.chosen.connect(self._preset_chosen)
        w.actions.stop.triggered.connect(self.stop)  # type: ignore[attr-defined]
        c = w.controller  # type: ignore[attr-defined]
        c.started.connect(self._experiment_started)
        c.finished.connect(lambda _: self._update_keys())
        c.failed.connect(lambda _: self._update_keys())
        self.runner.experiment_started.connect(self._preset_step)
        self.runner.finished.connect(self._preset_finished)
        self.runner.stopped.connect(self._preset_stopped)

    def _build_actions(self) -> None:
        w = self.window
        self.presentation_action = QAction("&Presentation Mode", w)
        self.presentation_action.setShortcut(QKeySequence("F11"))
        self.presentation_action.setCheckable(True)
        self.presentation_action.toggled.connect(self.presentation.set_active)
        self.pick_action = QAction("Choose a &Preset…", w)
        self.pick_action.setShortcut(QKeySequence("Ctrl+P"))
        self.pick_action.triggered.connect(self._focus_picker)
        self.sweep_action = QAction("Scaling S&weep…", w)
        self.sweep_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sweep_action.triggered.connect(self.open_sweep)
        self.sweep: SweepDialog | None = None
        self.replay_action = QAction("Replay in Slow &Motion", w)
        self.replay_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.replay_action.triggered.connect(self.start_replay)
        menu = w.menuBar()
        for top in menu.actions():
            if top.text() == "&View" and top.menu() is not None:
                top.menu().addSeparator()
                top.menu().addAction(self.presentation_action)
                top.menu().addAction(self.replay_action)
            if top.text() == "&Run" and top.menu() is not None:
                top.menu().addAction(self.pick_action)
                top.menu().addAction(self.sweep_action)
        self.toolbar = QToolBar("Classroom", w)
        self.toolbar.setObjectName("classroom-toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        a = w.actions  # type: ignore[attr-defined]
        for action in (
            a.run,
            a.stop,
            self.pick_action,
            self.sweep_action,
            self.replay_action,
            self.presentation_action,
        ):
            self.toolbar.addAction(action)
        w.addToolBar(self.toolbar)

    # -- presets -----------------------------------------------------------------------

    def _focus_picker(self) -> None:
        self.presets.combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _preset_chosen(self, preset: Preset | None) -> None:
        if preset is None:
            return
        scale = self.presets.read_time_scale() or preset.time_scale
        self.window.config_panel.set_config(preset.experiments[0].config(scale))  # type: ignore[attr-defined]

    def run_requested(self) -> bool | None:
        """F5: run the chosen preset (True/False), or None to let the window run its config."""
        if self.runner.running or (self.sweep is not None and self.sweep.running):
            return False
        preset = self.presets.preset()
        if preset is None:
            return None
        scale = self.presets.read_time_scale()
        if scale is None:
            return False
        try:
            started = self.runner.start(preset, scale)
        except ConfigError as exc:
            self.window.config_panel.show_error(f"Not run: {exc}")  # type: ignore[attr-defined]
            return False
        if started:
            self.window.banner.hide()  # type: ignore[attr-defined]
            self.verdict_view.show_claim(preset, scale)
            self.presets.setEnabled(False)
        return started

    def start_replay(self) -> bool:
        """Replay the finished run on screen in slow motion (False if there is none)."""
        results = self.window.results  # type: ignore[attr-defined]
        if results is None or not results.runs or self.window.controller.running:  # type: ignore[attr-defined]
            self.window.status.show_idle("Nothing to replay yet: run something first")  # type: ignore[attr-defined]
            return False
        self.replay.start(results)
        return True

    def _experiment_started(self, experiment: LiveExperiment) -> None:
        self.replay.abandon()
        if not self.runner.running:
            self.verdict_view.setVisible(False)
        self._update_keys()

    def _preset_step(self, index: int, count: int) -> None:
        preset = self.runner.preset
        experiment = self.window.controller.experiment  # type: ignore[attr-defined]
        if preset is None or experiment is None:
            return
        step = f" — {preset.experiments[index].label} ({index + 1} of {count})" if count > 1 else ""
        self.window.header.setText(  # type: ignore[attr-defined]
            f"Preset: {preset.title}{step}\n{config_line(experiment.config)}"
        )

    def _preset_finished(self, verdict: PresetVerdict) -> None:
        self.presets.setEnabled(True)
        self.verdict_view.show_verdict(verdict)
        self._update_keys(preset_done=True)

    def _preset_stopped(self, reason: str) -> None:
        self.presets.setEnabled(True)
        if self.runner.preset is not None:
            self.verdict_view.show_stopped(self.runner.preset, self.runner.time_scale, reason)
        self._update_keys(preset_done=True)

    # -- keys and shutdown ---------------------------------------------------------------

    def _update_keys(self, preset_done: bool = False) -> None:
        busy = (self.runner.running and not preset_done) or self.window.controller.running  # type: ignore[attr-defined]
        self.leave_key.setEnabled(self.presentation.active and not busy)

    def open_sweep(self) -> SweepDialog:
        """The sweep dialog, over the settings panel's workload and strategies."""
        base = self.window.config_panel.read_config()  # type: ignore[attr-defined]
        if self.sweep is None:
            self.sweep = SweepDialog(base, self.window)
            self.sweep.blocked = lambda: self.window.controller.running or self.runner.running  # type: ignore[method-assign,attr-defined]
        elif not self.sweep.running:
            self.sweep.set_base(base)
        self.sweep.show()
        self.sweep.raise_()
        return self.sweep

    def stop(self) -> None:
        self.runner.stop()
        if self.sweep is not None:
            self.sweep.stop()
            self.sweep.close()

    async def wait_idle(self) -> None:
        await self.runner.wait_idle()
        if self.sweep is not None:
            await self.sweep.wait_idle()
