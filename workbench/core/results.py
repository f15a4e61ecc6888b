"""The results model: one object that every view and every export is rendered from.

Records are frozen dataclasses on integer nanoseconds relative to the run's start; seconds
appear only when a renderer writes a file or a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    (results files do not keep it yet)."""
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
class Interference:
    """How much other programs got in the run's way, seen from outside the run's process tree.

    Measured in the engine's process while the run goes (see :mod:`workbench.core.treewatch`);
    :mod:`workbench.core.noise` turns it into the share of the run's time that was lost.
    """

    other_cores: float | None
    """Cores kept busy, on average over the run, by everything but the run's own process tree
    (the machine's CPU minus the tree's, tick by tick): other programs, and the workbench's own
    window or CLI. None when the run was too short for one whole sampling interval."""
    runqueue_share: float | None = None
    """Linux: the share of the run's time its threads were ready to run but waited on the run
    queue for a core, not counting the waits the run caused itself by having more threads
    ready than the machine has cores. None where the OS does not say (not Linux), or the tree
    had too many threads to follow cheaply."""
    samples: int = 0
    """Sampling intervals the figures are drawn from."""


@dataclass(frozen=True)
class MemoryPeak:
    """The most memory the run's whole process tree (pool workers included) held at once."""

    bytes: int
    measure: str
    """``pss`` (Linux: shared pages divided among the processes sharing them, so forked pool
    workers are not counted twice) or ``rss`` (elsewhere: resident pages, shared ones counted
    in every process that maps them, so a pool's figure is an upper bound)."""


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
    interference: Interference | None = None
    """What other programs took from the run; None when not measured (older files)."""
    peak_memory: MemoryPeak | None = None
    """Sampled with the CPU (every 0.1-0.25 s): a spike shorter than that can be missed;
    None when the run ended before the first sample, or in older files."""

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
