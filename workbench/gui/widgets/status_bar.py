"""The status bar: which machine the numbers come from, and how far a run has got."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from workbench.core.results import Machine
from workbench.gui.model.formatting import machine_line
from workbench.gui.model.live_run import Progress


def progress_text(progress: Progress) -> str:
    repeat = f", repeat {progress.repeat_index + 1}" if progress.repeats > 1 else ""
    return (
        f"Running {progress.strategy}{repeat} — run {progress.run_number} of "
        f"{progress.total_runs}: {progress.done:,}/{progress.tasks:,} tasks done"
    )


class WorkbenchStatusBar(QStatusBar):
    def __init__(self, machine: Machine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel("Ready — press F5 to run")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.machine = QLabel(machine_line(machine))
        self.machine.setToolTip("The machine this window runs on; results are measured here")
        self.addWidget(self.state, 1)
        self.addWidget(self.progress)
        self.addPermanentWidget(self.machine)

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
