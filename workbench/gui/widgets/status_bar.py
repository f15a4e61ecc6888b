"""The status bar: which machine the numbers come from, and how far a run has got."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QStatusBar, QWidget

from workbench.core.results import Machine
from workbench.gui.model.formatting import machine_line
from workbench.gui.model.live_run import Progress
from workbench.gui.widgets.elided_label import ElidedLabel


def progress_text(progress: Progress) -> str:
    repeat = f", repeat {progress.repeat_index + 1}" if progress.repeats > 1 else ""
    return (
        f"Running {progress.strategy}{repeat} — run {progress.run_number} of "
        f"{progress.total_runs}: {progress.done:,}/{progress.tasks:,} tasks done"
    )


class WorkbenchStatusBar(QStatusBar):
    def __init__(self, machine: Machine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = ElidedLabel("Ready — press F5 to run")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.machine = ElidedLabel(machine_line(machine))
        self.machine.setMinimumWidth(120)
        self.addWidget(self.state, 3)
        self.addWidget(self.progress)
        self.addPermanentWidget(self.machine, 2)

    def show_progress(self, progress: Progress | None) -> None:
        if progress is None:
            return
        self.state.setText(progress_text(progress))
        self.progress.setMaximum(progress.total_runs * max(1, progress.tasks))
        self.progress.setValue((progress.run_number - 1) * progress.tasks + progress.done)
        self.progress.show()

    def show_idle(self, text: str) -> None:
        self.state.setText(text)
        self.progress.hide()
