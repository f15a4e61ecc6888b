"""The results model: one object that every view and every export is rendered from.

Records are frozen dataclasses on integer nanoseconds relative to the run's start; seconds
appear only when a renderer writes a file or a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workbench.core.threadstates.model import ThreadState, ThreadTimeline

SCHEMA = "workbench.results/3"
READABLE_SCHEMAS = ("workbench.results/1", "workbench.results/2", SCHEMA)


@dataclass(frozen=True, slots=True)
class TaskSpan:
    """One task's life: from the moment it began running to the moment it ended."""

    id: int
    start_ns: int
    end_ns: int
    worker: str
    ok: bool = True
    error: str | None = None
    running: tuple[tuple[int, int], ...] = ()
    """The intervals the task actually ran: coroutine steps, or heartbeat runs. Empty when
    not known (a sync task whose workload gives no heartbeats, e.g. a sleep in a thread)."""
    cores: tuple[int, ...] = ()
    """The logical CPU each ``running`` interval began on (-1 unknown); empty if unknown."""
    pid: int | None = None
    """The process that ran the task (a pool worker's, or the run's own); None if unknown
    (a results file keeps it through the ``worker`` of the run's ``threads``)."""
    native_id: int | None = None
    """The native id of the thread that ran it (``threading.get_native_id()``); None if
    unknown, as for ``pid``."""

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns

    @property
    def running_ns(self) -> int:
        return sum(end - start for start, end in self.running)


@dataclass(frozen=True, slots=True)
class LagSample:
    """How late the run's event loop ran a callback due at ``t_ns - lag_ns``."""

    t_ns: int
    lag_ns: int


@dataclass(frozen=True, slots=True)
class CpuSample:
    """Busy percentage (0–100) of each logical CPU over the interval ending at ``t_ns``."""

    t_ns: int
    per_core: tuple[float, ...]


@dataclass(frozen=True)
class ThreadSampling:
    """How a run's thread states were read (see :mod:`workbench.core.threadstates`)."""

    source: str
    """``procfs`` (Linux: every state) or ``psutil`` (elsewhere: running or not)."""
    known: tuple[ThreadState, ...]
    """The states this OS can tell; the others never appear (absent, not zero)."""
    cpu_ns: int = 0
    """The sampler's own CPU time, in the engine's process."""
    interval_ns: int = 0
    """The mean interval between its readings."""
    error: str | None = None
    """Set when sampling broke off (the timelines then end where it did)."""


@dataclass(frozen=True)
class Run:
    """One strategy, one repeat: its spans, its CPU samples and its totals."""

    strategy: str
    repeat_index: int
    ok: bool
    error: str | None
    wall_ns: int
    cpu_ns: int
    startup_ns: int
    tasks: tuple[TaskSpan, ...] = ()
    cpu_samples: tuple[CpuSample, ...] = ()
    loop_lag: tuple[LagSample, ...] = ()
    """Event-loop lag samples (async strategies only)."""
    threads: tuple[ThreadTimeline, ...] = ()
    """Every OS thread of the run's process tree, its states over time on the run's axis
    (merged intervals, µs resolution); empty when not sampled."""
    thread_sampling: ThreadSampling | None = None
    """How :attr:`threads` were read; None when they were not."""

    @property
    def failed_tasks(self) -> int:
        return sum(not span.ok for span in self.tasks)


@dataclass(frozen=True)
class Machine:
    logical_cpus: int
    physical_cpus: int | None
    cpu_model: str
    os: str
    python: str
    implementation: str
    gil_enabled: bool
    mp_start_method: str = "unknown"
    """How process pools start workers here (fork, spawn, forkserver): it sets their start-up."""


@dataclass(frozen=True)
class Config:
    """What the user asked for, already validated (see :mod:`workbench.core.config`)."""

    workload: str
    params: Mapping[str, float]
    tasks: int
    workers: int
    repeat: int
    strategies: tuple[str, ...]


@dataclass(frozen=True)
class Results:
    machine: Machine
    config: Config
    runs: tuple[Run, ...] = field(default=())
    interrupted: bool = False
    """True when the experiment was stopped before every run finished."""

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(run.ok for run in self.runs)

    def runs_of(self, strategy: str) -> tuple[Run, ...]:
        return tuple(run for run in self.runs if run.strategy == strategy)
