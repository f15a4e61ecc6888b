"""How the engine reports progress without knowing who listens (the CLI, the window, tests).

Subclass :class:`Observer` and override what you need; every hook is a no-op by default. Hooks
are called on the event loop that runs the engine, never from another thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.results import Config, CpuSample, LagSample, Results, Run
from workbench.core.timeline import TaskEvent


class Observer:
    def experiment_started(self, config: Config) -> None:
        """Before the first run."""

    def run_started(self, strategy: str, repeat_index: int, interpreter: str = "") -> None:
        """A child was started for this strategy and repeat, on the interpreter labelled
        ``interpreter``. The hooks below, until :meth:`run_finished`, are about this run."""

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        """A batch of begin/end events, as they stream in (times relative to the run's t0)."""

    def cpu_sampled(self, strategy: str, repeat_index: int, sample: CpuSample) -> None:
        """One per-core utilisation sample on the run's time axis."""

    def loop_lagged(self, strategy: str, repeat_index: int, samples: Sequence[LagSample]) -> None:
        """Event-loop lag samples from an async run, as they stream in."""

    def run_finished(self, run: Run) -> None:
        """A run ended, successfully or not; ``run.ok`` and ``run.error`` say which."""

    def experiment_finished(self, results: Results) -> None:
        """Every run of the experiment ended, or it was stopped (``results.interrupted``)."""
