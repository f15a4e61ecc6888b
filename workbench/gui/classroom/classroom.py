"""Classroom mode's wiring: a chosen preset fills the settings, F11 presents, the sweep and the
replay start from their actions. Every collaborator is handed in, typed; nothing here reaches
into the window or finds a menu by its text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow

from workbench.core.params import ConfigError
from workbench.core.presets import Preset
from workbench.core.session import RunPreset, RunSweep
from workbench.gui.actions import WindowActions
from workbench.gui.classroom.presentation import PresentationMode
from workbench.gui.classroom.sweep_view import SweepDialog
from workbench.gui.classroom.verdict_view import VerdictView
from workbench.gui.model.presenter import Presenter
from workbench.gui.settings.panel import SettingsPanel
from workbench.gui.timeline.replay import ReplayBar
from workbench.gui.widgets.status_bar import WorkbenchStatusBar


class Classroom:
    def __init__(
        self,
        window: QMainWindow,
        presenter: Presenter,
        actions: WindowActions,
        settings: SettingsPanel,
        verdict: VerdictView,
        replay: ReplayBar,
        sweep: SweepDialog,
        presentation: PresentationMode,
        status: WorkbenchStatusBar,
    ) -> None:
        self.presenter = presenter
        self.settings = settings
        self.verdict = verdict
        self.replay = replay
        self.sweep = sweep
        self.presentation = presentation
        self.status = status
        self.actions = actions
        # Esc leaves presentation mode when nothing runs (while running, Esc is Stop).
        self.leave_key = QShortcut(QKeySequence("Esc"), window)
        self.leave_key.setEnabled(False)
        self.leave_key.activated.connect(lambda: actions.presentation.setChecked(False))
        actions.presentation.toggled.connect(self._present)
        actions.pick_preset.triggered.connect(self.focus_picker)
        actions.sweep.triggered.connect(self.open_sweep)
        actions.replay.triggered.connect(self.start_replay)
        settings.presets.chosen.connect(self._preset_chosen)
        sweep.run_requested.connect(self._run_sweep)
        verdict.rerun_requested.connect(self._rerun)
        sweep.stop_requested.connect(presenter.stop)

    # -- presets -----------------------------------------------------------------------

    def focus_picker(self) -> None:
        self.settings.presets.combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _preset_chosen(self, preset: Preset | None) -> None:
        self.verdict.clear()  # the last preset's verdict is not this one's
        if preset is None:
            return
        scale = self.settings.presets.read_time_scale() or preset.time_scale
        self.settings.config.set_config(preset.experiments[0].config(scale))

    # -- presentation, sweep, replay ---------------------------------------------------

    def _present(self, on: bool) -> None:
        self.presentation.set_active(on)
        self.update_keys()

    def update_keys(self) -> None:
        self.leave_key.setEnabled(self.presentation.active and not self.presenter.busy)

    def open_sweep(self) -> SweepDialog:
        """The sweep dialog, over the settings panel's workload and strategies."""
        if not self.presenter.busy:
            self.sweep.set_base(self.settings.config.read_config())
        self.sweep.show()
        self.sweep.raise_()
        return self.sweep

    def _rerun(self, request: RunPreset) -> None:
        """An inconclusive verdict's button: the same preset, more repeats."""
        if not self.presenter.start(request):
            self.status.show_idle("Not run: something else is running (one at a time)")

    def _run_sweep(self, request: RunSweep) -> None:
        try:
            started = self.presenter.start(request)
        except ConfigError as exc:
            self.sweep.show_error(f"Not run: {exc}")
            return
        if not started:
            self.sweep.show_error("Not run: something else is running (one at a time)")

    def start_replay(self) -> bool:
        """Replay the finished run on screen in slow motion (False if there is none)."""
        results = self.presenter.results
        if results is None or not results.runs or self.presenter.busy:
            self.status.show_idle("Nothing to replay yet: run something first")
            return False
        self.replay.start(results)
        return True

    def set_running(self, running: bool) -> None:
        measurement = self.presenter.session.current
        self.sweep.set_running(running, mine=isinstance(measurement, RunSweep))
        self.update_keys()
