"""Every message kind between the engine and the run's child, as frozen dataclasses, and the
event codes their columns use (see the package's docstring for what each field means)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

BEGIN, END, FAILED = 0, 1, 2
STEP, LAST_STEP, FAILED_STEP = 3, 4, 5
MAIN_WORKER = 0
"""The worker code of the run's main thread (its native id is in :class:`Started`)."""
NOT_ENDED = 0
"""The end column of a begin event."""


class ProtocolError(ValueError):
    """A line that is not a workbench message: garbled, of an unknown type, or malformed."""


Scalar = int | float | str | bool | None


@dataclass(frozen=True, slots=True)
class CodeCall:
    """One of the user's functions: looked up by ``name`` in the file, awaited if async."""

    name: str
    is_async: bool
    takes_index: bool
    """Called with the task's index as its first argument."""


CODE_WORKLOAD = "code"
"""The workload name a run of the user's own code carries (its request holds the code)."""


@dataclass(frozen=True, slots=True)
class CodeRequest:
    """The user's code as the workload: the run's process and pool workers load it by path."""

    path: str
    sha256: str
    """Of the file's bytes when the experiment was set up: a file changed since is refused."""
    functions: tuple[CodeCall, ...]
    kwargs: Mapping[str, Scalar] = field(default_factory=dict)
    setup: bool = False
    """The file has a ``setup()``: each process runs it once before its first task."""


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Parent → child: run this strategy once."""

    TYPE: ClassVar[str] = "run"
    strategy: str
    workload: str
    params: Mapping[str, float]
    tasks: int
    workers: int
    url: str | None = None
    flush_interval_s: float = 0.05
    inside: bool = True
    """Record inside tasks (steps, heartbeats, loop lag); off only to measure what it costs."""
    beats: bool = True
    """Sync tasks take heartbeats (with ``inside``); off when the engine reads their running
    slices from their threads' states instead (see :mod:`workbench.core.threadstates.slices`)."""
    scheduler: str | None = None
    """The ``dask`` strategy's scheduler address; None: a cluster started for the run."""
    code: CodeRequest | None = None
    """The user's code, for the ``code`` workload."""
    scratch_dir: str | None = None
    """The folder the engine made for the run's files (see :mod:`workbench.core.scratch`);
    None: the workload writes none."""


@dataclass(frozen=True, slots=True)
class Started:
    """The run's clock started: ``t0_ns`` (absolute) is its origin."""

    TYPE: ClassVar[str] = "started"
    t0_ns: int
    pid: int
    """The run's process."""
    native_id: int
    """The native thread id of its main thread (worker :data:`MAIN_WORKER`)."""
    gil_enabled: bool | None = None
    """Whether the GIL is on in the run's process as the run starts (a free-threaded build
    turns it back on when it imports an extension not marked safe without it); None: not
    said (an older child)."""


@dataclass(frozen=True, slots=True)
class Events:
    """A batch of task events as columns (see the module's docstring), and what goes with them."""

    TYPE: ClassVar[str] = "events"
    kinds: Sequence[int]
    task_ids: Sequence[int]
    starts: Sequence[int]
    ends: Sequence[int]
    workers: Sequence[int]
    errors: Mapping[int, str] = field(default_factory=dict)
    """The error text of each task that failed in this batch."""
    heartbeats: Mapping[int, Sequence[int]] = field(default_factory=dict)
    """Each sync task that ended in this batch: its heartbeats, flat (absolute time, core)."""
    lag: Sequence[int] = field(default_factory=list)
    """The event-loop lag probe's samples, flat (absolute time, lateness), in ns."""
    thread_pids: Mapping[int, int] = field(default_factory=dict)
    """Native thread id → pid, for worker threads outside the run's process (pool workers)."""
    tracebacks: Mapping[int, str] = field(default_factory=dict)
    """A failed task of the user's code: the traceback of its own frames."""


@dataclass(frozen=True, slots=True)
class TaskAddresses:
    """Which task each address is, for a run whose coroutines' steps name their task by the
    address of its ``asyncio.Task`` (``id()``) instead of its task id: the step clock's way
    of keeping no object per task in the measured process (see
    :mod:`workbench.core.step_clock`). ``addresses[i]`` is task ``first + i``; sent ahead of
    the events that use them. A step whose address is not among them belongs to a task the
    code started itself, and is left out."""

    TYPE: ClassVar[str] = "task_addresses"
    first: int
    addresses: Sequence[int]


@dataclass(frozen=True, slots=True)
class ClusterLane:
    """One thread of a Dask worker, as the task events name it (its worker code)."""

    code: int
    label: str
    """``host:pid``, the lane's label on the timeline."""
    address: str
    host: str
    pid: int
    clock_offset_ns: int
    """The worker's clock minus the run's."""
    clock_uncertainty_ns: int
    shared_clock: bool


@dataclass(frozen=True, slots=True)
class ClusterNews:
    """What the ``dask`` strategy learned since its last news: new lanes (sent before the
    events that name them), each worker's CPU as the scheduler reports it, lost attempts."""

    TYPE: ClassVar[str] = "cluster"
    scheduler: str
    local: bool
    """A ``LocalCluster`` started for the run (else an existing scheduler)."""
    lanes: Sequence[ClusterLane] = ()
    cpu: Sequence[tuple[str, int, float]] = ()
    """(worker address, absolute time on the run's clock, % of one core busy)."""
    lost_attempts: Mapping[int, int] = field(default_factory=dict)
    """The span id of an attempt lost with its worker → the task it was an attempt of."""


@dataclass(frozen=True, slots=True)
class Done:
    """The strategy returned (``ok``) or raised (``error``); the run's totals."""

    TYPE: ClassVar[str] = "done"
    ok: bool
    error: str | None
    wall_ns: int
    cpu_ns: int
    startup_ns: int


@dataclass(frozen=True, slots=True)
class Failed:
    """The run could not start (a bad request, an unknown workload, a failing preparation)."""

    TYPE: ClassVar[str] = "failed"
    error: str
    traceback: str | None = None
    """The user's code raised while loading or in ``setup()``: its own frames."""
    line: int | None = None
    """The line of the user's file where it raised."""


Message = RunRequest | Started | Events | TaskAddresses | ClusterNews | Done | Failed
