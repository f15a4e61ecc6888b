"""What the user's code printed, and the traceback of each failed task, under the editor.

A session listener: when an experiment on the user's code finishes, each run's output (as far
as it was kept: see :mod:`workbench.core.output_capture`) and its failed tasks' own frames are
shown here, read-only. Output never goes to the window's own stdout or into the event stream.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from workbench.core.output_capture import truncation_note
from workbench.core.presets import PresetVerdict
from workbench.core.results import Results, Run
from workbench.core.session import Measurement, Outcome, SessionObserver
from workbench.gui.settings.code_editor import code_font

MAX_TRACEBACKS = 5
"""Per run: the first few failed tasks' tracebacks (the rest are in the results file)."""


def _lines(run: Run) -> str:
    count = len(run.output.splitlines())
    return "1 line" if count == 1 else f"{count:,} lines"


def output_text(results: Results) -> str:
    """Each run's output under a heading, then its failed tasks' tracebacks."""
    repeats = results.config.repeat
    blocks = []
    for run in results.runs:
        label = f"{run.strategy} #{run.repeat_index + 1}" if repeats > 1 else run.strategy
        if run.traceback:
            blocks.append(f"── {label}: could not start ──\n{run.traceback}")
        if run.output_bytes:
            kept = len(run.output.encode("utf-8", errors="replace"))
            note = f" ({truncation_note(run.output_bytes, kept)})" if run.output_truncated else ""
            blocks.append(f"── {label}: printed {_lines(run)}{note} ──\n{run.output.rstrip()}")
        failed = [span for span in run.tasks if span.traceback]
        for span in failed[:MAX_TRACEBACKS]:
            blocks.append(f"── {label}: task {span.id} failed ──\n{span.traceback}")
        if len(failed) > MAX_TRACEBACKS:
            blocks.append(f"── {label}: {len(failed) - MAX_TRACEBACKS} more failed tasks ──")
    return "\n".join(blocks)


class CodeOutput(QPlainTextEdit, SessionObserver):
    """Read-only; hidden until an experiment on the user's code has something to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(code_font())
        self.setPlaceholderText("What your code prints appears here after a run.")
        self.setMaximumHeight(180)
        self.setVisible(False)

    def measurement_finished(self, measurement: Measurement, outcome: Outcome | None) -> None:
        shown = [outcome] if isinstance(outcome, Results) else []
        if isinstance(outcome, PresetVerdict):
            shown = list(outcome.results)
        shown = [r for r in shown if r.config.code is not None]
        if not shown:
            return
        self.setPlainText("\n".join(filter(None, map(output_text, shown))) or "(nothing printed)")
        self.setVisible(True)
