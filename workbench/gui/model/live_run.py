"""The state of an experiment as the window draws it, live or reopened from a file (Qt-free):
a :class:`~workbench.gui.model.run_track.RunTrack` per panel — per strategy, and per
interpreter where the experiment runs on several — filled as the engine reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.machine import this_machine
from workbench.core.results import Config, CpuSample, LagSample, Machine, Results, Run
from workbench.core.timeline import TaskEvent
from workbench.gui.model.run_track import NOT_YET, Bars, RunTrack, cut_steps, worker_order

__all__ = [
    "NOT_YET",
    "Bars",
    "LiveExperiment",
    "PanelKey",
    "Progress",
    "RunTrack",
    "cut_steps",
    "track_key",
    "worker_order",
]


@dataclass(frozen=True)
class Progress:
    run_number: int
    total_runs: int
    strategy: str
    repeat_index: int
    repeats: int
    done: int
    tasks: int


@dataclass(frozen=True)
class PanelKey:
    """What one panel shows: a strategy, on one interpreter where the experiment ran on
    several; ``key`` indexes :attr:`LiveExperiment.tracks` (the strategy's name alone when
    there is one interpreter, so every single-Python view keys by strategy as it always did)."""

    key: str
    strategy: str
    interpreter: str = ""

    @property
    def title(self) -> str:
        return run_title(self.strategy, self.interpreter)


def run_title(strategy: str, interpreter: str = "") -> str:
    """``threads``, or ``threads on 3.13t (GIL off)`` for a run on one of several Pythons."""
    return f"{strategy} on {interpreter}" if interpreter else strategy


def track_key(strategy: str, interpreter: str = "") -> str:
    """``threads``, or ``threads · 3.13t (GIL off)`` for a run on one of several Pythons."""
    return f"{strategy} · {interpreter}" if interpreter else strategy


class LiveExperiment:
    """Every run of one experiment; the window shows the latest repeat of each strategy (on
    each interpreter, where it runs on several).

    ``version`` goes up on every change, so a throttled redraw can skip when nothing moved.
    """

    def __init__(
        self, config: Config, machine: Machine | None = None, labels: Sequence[str] = ()
    ) -> None:
        self.config = config
        self.machine = machine or this_machine()
        self.labels = tuple(labels) or tuple(i.label for i in config.interpreters)
        """The interpreters' labels, where runs on several are told apart (else empty)."""
        if len(self.labels) < 2:
            self.labels = ()
        self.tracks: dict[str, RunTrack] = {}
        self.runs: list[Run] = []
        self.current: RunTrack | None = None
        self.run_number = 0
        self.version = 0
        self.interrupted = False

    @property
    def total_runs(self) -> int:
        return self.config.total_runs

    def key(self, strategy: str, interpreter: str) -> str:
        return track_key(strategy, interpreter if self.labels else "")

    def panels(self) -> list[PanelKey]:
        """Every panel, interpreter by interpreter, each in the order the strategies were
        asked for."""
        return [
            PanelKey(self.key(strategy, label), strategy, label)
            for label in self.labels or ("",)
            for strategy in self.config.strategies
        ]

    def run_started(self, strategy: str, repeat_index: int, interpreter: str = "") -> None:
        self.current = RunTrack(strategy, repeat_index, self.config.tasks, interpreter)
        self.tracks[self.key(strategy, interpreter)] = self.current
        self.run_number += 1
        self.version += 1

    def _track(
        self, strategy: str, repeat_index: int, interpreter: str | None = None
    ) -> RunTrack | None:
        """The shown track of that run (on the current run's interpreter unless given)."""
        if interpreter is None:
            interpreter = self.current.interpreter if self.current is not None else ""
        track = self.tracks.get(self.key(strategy, interpreter))
        return track if track is not None and track.repeat_index == repeat_index else None

    def _streaming(self, strategy: str, repeat_index: int) -> RunTrack | None:
        """The shown track of a run still streaming in (news of a finished one is stale)."""
        track = self._track(strategy, repeat_index)
        if track is None or track.finished:
            return None
        self.version += 1
        return track

    def task_events(
        self, strategy: str, repeat_index: int, events: Sequence[TaskEvent], clock_ns: int
    ) -> None:
        if (track := self._streaming(strategy, repeat_index)) is not None:
            track.apply(events, clock_ns)

    def cpu_sampled(
        self, strategy: str, repeat_index: int, sample: CpuSample, clock_ns: int
    ) -> None:
        if (track := self._streaming(strategy, repeat_index)) is not None:
            track.add_sample(sample, clock_ns)

    def loop_lagged(
        self, strategy: str, repeat_index: int, samples: Sequence[LagSample], clock_ns: int
    ) -> None:
        if (track := self._streaming(strategy, repeat_index)) is not None:
            track.add_lag(samples, clock_ns)

    def run_finished(self, run: Run) -> None:
        self.run_recorded(run).finish(run)

    def run_recorded(self, run: Run) -> RunTrack:
        """Count a finished run in; its track, which :meth:`RunTrack.finish` (or
        :meth:`RunTrack.take`) then fills from the run's final record."""
        self.runs.append(run)
        label = run.interpreter_label
        track = self._track(run.strategy, run.repeat_index, label)
        if track is None:
            track = self.tracks[self.key(run.strategy, label)] = RunTrack(
                run.strategy, run.repeat_index, self.config.tasks, label
            )
        if track is self.current:
            self.current = None
        self.version += 1
        return track

    def progress(self) -> Progress | None:
        track = self.current
        if track is None:
            return None
        return Progress(
            self.run_number,
            self.total_runs,
            run_title(track.strategy, track.interpreter if self.labels else ""),
            track.repeat_index,
            self.config.repeat,
            track.ended,
            self.config.tasks,
        )

    def results(self) -> Results:
        """The runs finished so far, as the engine would report them."""
        return Results(self.machine, self.config, tuple(self.runs), self.interrupted)

    def end_ns(self, clock_ns: int) -> int:
        """The longest time axis among the shown runs: the shared x extent of every panel."""
        return max((track.axis_end_ns(clock_ns) for track in self.tracks.values()), default=0)

    @classmethod
    def from_results(cls, results: Results) -> LiveExperiment:
        """Rebuild the finished state from results (a saved file or a just-finished run)."""
        experiment = cls(results.config, results.machine, results.interpreter_labels)
        for run in results.runs:
            key = experiment.key(run.strategy, run.interpreter_label)
            shown = experiment.tracks.get(key)
            if shown is None or run.repeat_index >= shown.repeat_index:
                experiment.tracks[key] = RunTrack.from_run(run, results.config.tasks)
        experiment.runs = list(results.runs)
        experiment.run_number = len(results.runs)
        experiment.interrupted = results.interrupted
        return experiment
