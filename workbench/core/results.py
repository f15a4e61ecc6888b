"""The results model: one object that every view and every export is rendered from.

Records are frozen dataclasses on integer nanoseconds relative to the run's start; seconds
appear only when a renderer writes a file or a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workbench.core.threadstates.model import ThreadState, ThreadTimeline
from workbench.core.usercode.model import UserCode

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
    """The intervals the task actually ran: coroutine steps, a sync task's thread's running
    time read from outside (see :mod:`workbench.core.threadstates.slices`), or heartbeat runs
    where that cannot be read. Empty when not known."""
    cores: tuple[int, ...] = ()
    """The logical CPU of each ``running`` interval (-1 unknown); empty if unknown."""
    pid: int | None = None
    """The process that ran the task (a pool worker's, or the run's own); None if unknown
    (a results file keeps it through the ``worker`` of the run's ``threads``)."""
    native_id: int | None = None
    """The native id of the thread that ran it (``threading.get_native_id()``); None if
    unknown, as for ``pid``."""
    attempt_of: int | None = None
    """Set on an attempt a Dask worker took with it when it died: the id of the task it was
    an attempt of (Dask ran that task again). Such a span has an id of its own, beyond the
    run's task ids, and is not one of the run's failed tasks."""
    traceback: str | None = None
    """A failed task of the user's own code: the traceback through their frames only."""

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns

    @property
    def running_ns(self) -> int:
        return sum(end - start for start, end in self.running)

    def with_running(
        self, running: tuple[tuple[int, int], ...], cores: tuple[int, ...]
    ) -> TaskSpan:
        """The same span with these running slices (``dataclasses.replace``, at a third of
        its cost: the engine gives a whole run's spans their slices at its end)."""
        return TaskSpan(
            self.id,
            self.start_ns,
            self.end_ns,
            self.worker,
            self.ok,
            self.error,
            running,
            cores,
            self.pid,
            self.native_id,
            self.attempt_of,
            self.traceback,
        )


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


@dataclass(frozen=True, slots=True)
class ClusterWorker:
    """A Dask worker process that ran tasks of the run, and how its clock was placed."""

    label: str
    """``host:pid``, its lane's label (its tasks' ``worker``)."""
    address: str
    host: str
    pid: int
    clock_offset_ns: int
    """Its clock minus the run's: subtracted from its timestamps (0 when shared)."""
    clock_uncertainty_ns: int
    """How far the offset may be off (half the quickest probe's round trip); 0 when shared."""
    shared_clock: bool
    """On the run's machine: it reads the run's own clock."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """The Dask cluster a ``dask`` run used."""

    scheduler: str
    local: bool
    """A ``LocalCluster`` started for the run, else an existing scheduler's cluster."""
    workers: tuple[ClusterWorker, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkerCpuSample:
    """A Dask worker process's CPU use (% of one core), as its scheduler reported it."""

    t_ns: int
    worker: str
    percent: float


@dataclass(frozen=True)
class RunInterpreter:
    """The Python a run's process ran on, and the GIL state it had.

    In a config, what was asked for; in a run, what the run really had (its process reports
    whether the GIL was on). ``label`` names it wherever runs on several interpreters are told
    apart: ``3.11``, ``3.13t (GIL off)``, ``3.13t gil=1``.
    """

    path: str
    version: str
    implementation: str
    free_threaded: bool
    gil_enabled: bool
    label: str


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
    ready than the machine has cores, nor those an idle core could have taken (the GIL's
    hand-offs). None where the OS does not say (not Linux), or the tree had too many threads
    to follow cheaply."""
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
    cluster: Cluster | None = None
    """The Dask cluster that ran the tasks (the ``dask`` strategy only)."""
    worker_cpu: tuple[WorkerCpuSample, ...] = ()
    """Each Dask worker's CPU over time, from the scheduler's metrics (``dask`` only)."""
    output: str = ""
    """What the user's code printed (stdout and stderr, in order), up to the capture's cap;
    empty for the built-in workloads."""
    output_bytes: int = 0
    """How many bytes it printed in all."""
    output_truncated: bool = False
    """``output`` holds only the first bytes: the rest was counted, not kept."""
    traceback: str | None = None
    """The user's code failed to load or its ``setup()`` raised: their frames."""
    interpreter: RunInterpreter | None = None
    """The Python the run's process ran on (None in files from before it was recorded)."""
    threads: tuple[ThreadTimeline, ...] = ()
    """Every OS thread of the run's process tree, its states over time on the run's axis
    (merged intervals, µs resolution); empty when not sampled."""
    thread_sampling: ThreadSampling | None = None
    """How :attr:`threads` were read; None when they were not."""
    interference: Interference | None = None
    """What other programs took from the run; None when not measured (older files)."""
    peak_memory: MemoryPeak | None = None
    """Sampled with the CPU (every 0.1-0.25 s): a spike shorter than that can be missed;
    None when the run ended before the first sample, or in older files."""

    @property
    def interpreter_label(self) -> str:
        """Its interpreter's label, "" when unknown."""
        return self.interpreter.label if self.interpreter is not None else ""

    @property
    def failed_tasks(self) -> int:
        """Tasks that failed (an attempt lost with a worker and run again is not one)."""
        return sum(not span.ok and span.attempt_of is None for span in self.tasks)

    @property
    def lost_attempts(self) -> int:
        """Attempts that died with their Dask worker (their tasks ran again)."""
        return sum(span.attempt_of is not None for span in self.tasks)


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
    scheduler: str | None = None
    """The Dask scheduler the ``dask`` strategy used; None: a cluster started for each run."""
    code: UserCode | None = None
    """The user's own code, when it is the workload (``workload`` is then ``code``)."""
    interpreters: tuple[RunInterpreter, ...] = ()
    """The Pythons every strategy runs on, in order; empty: the one the workbench runs on."""

    @property
    def total_runs(self) -> int:
        return self.repeat * len(self.strategies) * max(1, len(self.interpreters))


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

    def runs_of(self, strategy: str, interpreter: str | None = None) -> tuple[Run, ...]:
        """The runs of ``strategy``; on the interpreter labelled ``interpreter`` when given."""
        return tuple(
            run
            for run in self.runs
            if run.strategy == strategy
            and (interpreter is None or run.interpreter_label == interpreter)
        )

    @property
    def interpreter_labels(self) -> tuple[str, ...]:
        """Every interpreter the experiment ran on, by label, in the configured order (those
        only the runs name come after); ("",) for runs that do not say."""
        labels = [choice.label for choice in self.config.interpreters]
        labels += [run.interpreter_label for run in self.runs]
        return tuple(dict.fromkeys(labels)) or ("",)

    @property
    def several_interpreters(self) -> bool:
        """Whether runs on different interpreters must be told apart."""
        return len(self.interpreter_labels) > 1

    def run_keys(self) -> tuple[tuple[str, str], ...]:
        """(interpreter label, strategy) for every pair the experiment runs, interpreter by
        interpreter: the order of summaries, table rows and panels."""
        return tuple(
            (label, strategy)
            for label in self.interpreter_labels
            for strategy in self.config.strategies
        )
