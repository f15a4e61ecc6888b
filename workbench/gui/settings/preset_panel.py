"""The preset picker at the top of the settings: the articles' experiments, one click away.

Choosing a preset fills the config panel from its first experiment (durations already time
scaled) and shows its title and claim; F5 then runs the whole preset through the session,
and the window shows Claim / Measured / Verdict afterwards.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from workbench.core.params import ConfigError, Param
from workbench.core.presets import (
    Preset,
    PresetError,
    check_time_scale,
    read_all_presets,
)
from workbench.gui.settings.number_field import NumberField

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
            catalogue = read_all_presets()  # the shipped ones, then the user's own
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
                f"<b>{html.escape(preset.title)}</b> — {html.escape(preset.purpose.described)}"
                f"<br>{html.escape(preset.claim)}"
                f"<br><i>F5 runs {runs}; choose “{NO_PRESET}” to run your own settings.</i>"
            )
        self.chosen.emit(preset)

    def _scale_changed(self) -> None:
        if self.preset() is not None and self.read_time_scale() is not None:
            self.chosen.emit(self.preset())
