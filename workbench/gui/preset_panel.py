"""The preset picker at the top of the settings: the articles' experiments, one click away.

Choosing a preset fills the config panel from its first experiment (durations already time
scaled) and shows its title and claim; F5 then runs the whole preset (see
:class:`PresetRunner`), and the window shows Claim / Measured / Verdict afterwards.
"""

from __future__ import annotations

import asyncio
import html
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from workbench.core.params import ConfigError, Param
from workbench.core.presets import (
    Preset,
    PresetError,
    PresetVerdict,
    check_time_scale,
    judge,
    read_presets,
)
from workbench.core.results import Results
from workbench.gui.controller import RunController
from workbench.gui.number_field import NumberField

log = logging.getLogger(__name__)

NO_PRESET = "— none —"
TIME_SCALE = Param(
    "time scale",
    "×",
    1.0,
    0.000001,
    10.0,
    "Multiplies the preset's durations: a claim about hours checked in seconds, with the same "
    "ratios. Each preset starts at its own scale.",
)


class PresetPanel(QGroupBox):
    """Picker, time scale and the chosen preset's claim; emits ``chosen`` (Preset or None)."""

    chosen = Signal(object)

    def __init__(self, presets: dict[str, Preset] | None = None, parent: QWidget | None = None):
        super().__init__("Preset (Ctrl+P)", parent)
        self.problem: str | None = None
        if presets is None:  # a damaged data file must not stop the window, nor hide the rest
            catalogue = read_presets()
            presets = dict(catalogue.presets)
            self.problem = "\n".join(catalogue.problems.values()) or None
        self.presets = presets
        self.combo = QComboBox()
        self.combo.setObjectName("preset-picker")
        # Long titles must not widen the settings panel past its scroll area.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        self.combo.setToolTip("The articles' experiments: choose one, then Run (F5)")
        self.combo.addItem(NO_PRESET, None)
        for name, preset in presets.items():
            self.combo.addItem(preset.title, name)
        self.time_scale = NumberField(TIME_SCALE)
        self.about = QLabel(self.problem or "Your own settings below.")
        self.about.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Time scale", self.time_scale)
        layout = QVBoxLayout(self)
        layout.addWidget(self.combo)
        layout.addLayout(form)
        layout.addWidget(self.about)
        self.time_scale.setVisible(False)
        self._scale_label = form.labelForField(self.time_scale)
        self._scale_label.setVisible(False)
        self.combo.currentIndexChanged.connect(self._changed)
        self.time_scale.changed.connect(self._scale_changed)

    def preset(self) -> Preset | None:
        name = self.combo.currentData()
        return None if name is None else self.presets[name]

    def choose(self, name: str | None) -> None:
        """Select a preset by name (None: no preset)."""
        index = self.combo.findData(name) if name is not None else 0
        if index < 0:
            raise PresetError(f"unknown preset {name!r}")
        self.combo.setCurrentIndex(index)

    def read_time_scale(self) -> float | None:
        """The validated time scale, or None with the problem shown under the field."""
        if not self.time_scale.validate():
            return None
        try:
            return check_time_scale(self.time_scale.value())
        except ConfigError as exc:
            self.time_scale.error.setText(str(exc))
            self.time_scale.error.setVisible(True)
            return None

    def _changed(self) -> None:
        preset = self.preset()
        has = preset is not None
        self.time_scale.setVisible(has)
        self._scale_label.setVisible(has)
        if preset is None:
            self.about.setText("Your own settings below.")
        else:
            self.time_scale.set_value(preset.time_scale)
            several = len(preset.experiments)
            runs = f"all {several} experiments" if several > 1 else "it"
            self.about.setText(
                f"<b>{html.escape(preset.title)}</b><br>{html.escape(preset.claim)}"
                f"<br><i>F5 runs {runs}; choose “{NO_PRESET}” to run your own settings.</i>"
            )
        self.chosen.emit(preset)

    def _scale_changed(self) -> None:
        if self.preset() is not None and self.read_time_scale() is not None:
            self.chosen.emit(self.preset())


class PresetRunner(QObject):
    """Runs a preset's experiments one after another through the window's controller, so the
    timeline and CPU charts fill live exactly as for F5, then judges them with the core."""

    started = Signal(object, float)  # Preset, time scale
    experiment_started = Signal(int, int)  # index, count
    finished = Signal(object)  # PresetVerdict
    stopped = Signal(str)  # why no verdict

    def __init__(self, controller: RunController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.preset: Preset | None = None
        self.time_scale = 1.0
        self.verdict: PresetVerdict | None = None
        self.task: asyncio.Future[None] | None = None
        self._stopping = False
        self._last: Results | None = None
        self._failure: str | None = None
        controller.finished.connect(self._experiment_finished)
        controller.failed.connect(self._experiment_failed)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, preset: Preset, time_scale: float) -> bool:
        if self.running or self.controller.running:
            return False
        configs = [e.config(check_time_scale(time_scale)) for e in preset.experiments]
        self.preset, self.time_scale, self.verdict = preset, time_scale, None
        self._stopping = False
        self.started.emit(preset, time_scale)
        self.task = asyncio.ensure_future(self._run(preset, time_scale, configs))
        return True

    def stop(self) -> None:
        self._stopping = True
        self.controller.stop()

    async def wait_idle(self) -> None:
        if self.task is not None:
            await asyncio.wait({self.task})

    def _experiment_finished(self, results: Results) -> None:
        self._last = results

    def _experiment_failed(self, message: str) -> None:
        self._failure = message

    async def _run(self, preset: Preset, time_scale: float, configs: list) -> None:
        done: list[Results] = []
        try:
            for index, config in enumerate(configs):
                if self._stopping:
                    break
                self._last, self._failure = None, None
                if not self.controller.start(config):
                    break
                self.experiment_started.emit(index, len(configs))
                await self.controller.wait_idle()
                if self._last is None or self._last.interrupted:
                    break
                done.append(self._last)
        except Exception:  # never leave the window believing a preset still runs
            log.exception("preset run failed")
        if len(done) == len(configs):
            self.verdict = judge(preset, tuple(done), time_scale)
            self.finished.emit(self.verdict)
        else:
            self.stopped.emit(self._failure or "stopped before the end — no verdict")
