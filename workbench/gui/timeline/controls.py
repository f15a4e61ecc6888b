"""The row above the timeline's panels: which strategies to show, lanes or rows, slices by
core, thread states, Fit — and under it the legend for the rows and the CPU chart, on a line
of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.results import Machine
from workbench.gui.theme import Theme, swatch
from workbench.gui.timeline.cpu import uses_heatmap
from workbench.gui.timeline.rows import inside_legend
from workbench.gui.timeline.states import lock_words, state_key

ALL_STRATEGIES = "All strategies"


class TimelineControls(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.show_combo = QComboBox()
        self.show_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.show_combo.setMinimumContentsLength(10)
        self.show_combo.setToolTip(
            "Compare every strategy stacked, or look at one full-size (Alt+1…9; Alt+0: all)"
        )
        self.lanes_check = QCheckBox("Lanes")
        self.lanes_check.setToolTip(
            "One lane per worker: rows are threads or processes instead of tasks (Ctrl+L)"
        )
        self.core_check = QCheckBox("By core")
        self.core_check.setToolTip(
            "Colour running slices by the CPU core they ran on (colours as in the CPU legend)"
        )
        self.states_check = QCheckBox("States")
        self.states_check.setToolTip(
            "Colour each task by what its thread was doing, as the OS saw it: running, "
            "waiting for a core, for the GIL or a lock, on IO (once a run has finished)"
        )
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show everything again and follow the run (Ctrl+0 / Home)")
        # The legend wraps, on a line of its own: in the controls' row it never wrapped, and a
        # long legend (many cores) pushed the window wider than a projector's screen.
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show:"))
        row.addWidget(self.show_combo)
        row.addWidget(self.lanes_check)
        row.addWidget(self.core_check)
        row.addWidget(self.states_check)
        row.addWidget(self.fit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.legend)
        self._legend_for: tuple[Machine, str] | None = None
        self.states_check.toggled.connect(self._show_legend)

    def set_strategies(self, strategies: list[str]) -> None:
        """Offer ``strategies`` (keeping the one shown, if it is still there), quietly."""
        current = self.show_combo.currentText()
        self.show_combo.blockSignals(True)
        self.show_combo.clear()
        self.show_combo.addItems([ALL_STRATEGIES, *strategies])
        self.show_combo.setCurrentText(current if current in strategies else ALL_STRATEGIES)
        self.show_combo.blockSignals(False)

    def chosen(self, strategies: list[str]) -> list[str]:
        """The strategies to show: the one picked, or all of them."""
        choice = self.show_combo.currentText()
        return [choice] if choice in strategies else strategies

    def set_legend(self, machine: Machine, workload: str) -> None:
        """The legend for a run on ``machine`` (its cores; what a lock wait is there)."""
        self._legend_for = (machine, workload)
        self._show_legend()

    def _show_legend(self) -> None:
        if self._legend_for is None:
            return
        machine, workload = self._legend_for
        cores = machine.logical_cpus
        if uses_heatmap(cores):
            cpu = f"CPU % per core (a row each, {cores}): dark idle → yellow 100 %"
        else:
            cpu = "CPU %: " + " ".join(
                swatch(self.theme.palette.core(i), f"core&nbsp;{i}") for i in range(cores)
            )
        text = f"{inside_legend()} · {cpu}"
        if self.states_check.isChecked():
            told = machine.os.lower().startswith("linux")  # elsewhere: running or not
            text += f" · {state_key(self.theme, lock_words(machine, workload), told=told)}"
        self.legend.setText(text)
