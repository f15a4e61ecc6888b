"""The engine ↔ child wire protocol: every message either side sends, typed, one JSON line each.

Parent → child (stdin): one :class:`RunRequest`; afterwards stdin stays open, and its closing
means "stop now". Child → parent (a private copy of stdout; the child's own fd 1 is pointed at
stderr, so a workload's prints cannot corrupt the stream): :class:`Started`, then any number of
:class:`Events` batches (and, from the ``dask`` strategy, :class:`ClusterNews`), then
:class:`Done` — or :class:`Failed` alone if the run could not start. Both sides build and
read messages only through :func:`encode` and :func:`decode`, so the field names below are the
wire's own (they are written once per batch, so readable names cost nothing per event).

An event batch travels as columns of plain integers (``json`` encodes an int list at C speed),
one entry per event:

- ``kinds``: :data:`BEGIN`, :data:`END`, :data:`FAILED` for a sync task; :data:`STEP`,
  :data:`LAST_STEP`, :data:`FAILED_STEP` for one step of a coroutine (its first step begins
  the task, its last one ends it)
- ``task_ids``
- ``starts``, ``ends``: absolute ``perf_counter_ns`` (the parent subtracts ``t0``: the child
  does as little as it can). A step is its own start and end; an end event carries its task's
  start too, so a span survives a lost begin; a begin's end is :data:`NOT_ENDED`.
- ``workers``: the native thread id (``threading.get_native_id()``) that ran the task, or
  :data:`MAIN_WORKER` for the main thread of the run's process (where every coroutine runs).
  A worker thread in another process (a pool worker) is named in ``thread_pids`` with its
  pid, in the batch that first mentions it; every other worker belongs to the run's process.
  When every event of a batch has the same worker (a loop's coroutines, a sequential loop),
  the wire carries that one number instead of the column.

JSON rather than pickle: nothing read from a child can execute code in the parent. A line that
is not valid JSON, is of an unknown type or lacks a field raises :class:`ProtocolError`.
Standard library only, and cheap to import: the child imports it before anything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

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
    scheduler: str | None = None
    """The ``dask`` strategy's scheduler address; None: a cluster started for the run."""
    code: CodeRequest | None = None
    """The user's code, for the ``code`` workload."""


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


Message = RunRequest | Started | Events | ClusterNews | Done | Failed


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def encode(message: Message) -> bytes:
    """One line of JSON, newline included."""
    return (_ENCODER.encode(_to_wire(message)) + "\n").encode()


def decode(line: bytes | str) -> Message:
    """The message on one line; :class:`ProtocolError` if it is not one."""
    try:
        wire = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not JSON ({exc})") from None
    if not isinstance(wire, dict):
        raise ProtocolError("not a JSON object")
    kind = wire.get("type")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        raise ProtocolError(f"unknown message type {wire.get('type')!r}")
    try:
        return reader(wire)
    except KeyError as exc:
        raise ProtocolError(f"{wire['type']} message without {exc}") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise ProtocolError(f"malformed {wire['type']} message ({exc})") from None


def decode_request(line: bytes | str) -> RunRequest:
    """The child's first line: a :class:`RunRequest`, or :class:`ProtocolError`."""
    message = decode(line)
    if not isinstance(message, RunRequest):
        raise ProtocolError(f"expected a run request, got {message.TYPE!r}")
    return message


def _to_wire(message: Message) -> dict[str, Any]:
    wire: dict[str, Any] = {"type": message.TYPE}
    if isinstance(message, Events):
        column = message.workers
        one = column and column.count(column[0]) == len(column)
        # One number rather than a column of them: ~35 µs less per 1,000 events.
        workers: Sequence[int] | int = column[0] if one else column
        wire.update(
            kinds=message.kinds,
            task_ids=message.task_ids,
            starts=message.starts,
            ends=message.ends,
            workers=workers,
            errors=[[task, text] for task, text in message.errors.items()],
            heartbeats=[[task, flat] for task, flat in message.heartbeats.items()],
            lag=message.lag,
            thread_pids=[[thread, pid] for thread, pid in message.thread_pids.items()],
        )
        if message.tracebacks:
            wire["tracebacks"] = [[task, text] for task, text in message.tracebacks.items()]
        return wire
    if isinstance(message, ClusterNews):
        wire.update(
            scheduler=message.scheduler,
            local=message.local,
            lanes=[[getattr(lane, f.name) for f in fields(lane)] for lane in message.lanes],
            cpu=[list(sample) for sample in message.cpu],
            lost_attempts=[[span, task] for span, task in message.lost_attempts.items()],
        )
        return wire
    for name in (f.name for f in fields(message)):
        value = getattr(message, name)
        if isinstance(value, CodeRequest):
            wire[name] = asdict(value)
        else:
            wire[name] = dict(value) if isinstance(value, Mapping) else value
    return wire


# Readers: check every field's type, so what reaches the engine is what the types say.


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _ints(value: Any) -> list[int]:
    """A list of integers, checked at C speed: ``sum`` refuses text, lists and null, and a
    single float makes the total a float (~5 µs per 1,000 timestamps; ``array`` takes 35)."""
    if not isinstance(value, list):
        raise TypeError("expected a list of integers")
    try:
        total = sum(value)
    except TypeError:
        total = None
    if type(total) is not int:
        raise TypeError("expected a list of integers")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return value


def _pairs(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in value
    ):
        raise TypeError("expected a list of pairs")
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _scalar(value: Any) -> Scalar:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"expected a number, text, true/false or null, got {value!r}")


def _read_code(wire: Any) -> CodeRequest | None:
    if wire is None:
        return None
    if not isinstance(wire, dict) or not isinstance(wire["functions"], list):
        raise TypeError("code must be an object with a list of functions")
    kwargs = wire.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise TypeError("code kwargs must be an object")
    return CodeRequest(
        path=_text(wire["path"]),
        sha256=_text(wire["sha256"]),
        functions=tuple(
            CodeCall(_text(f["name"]), _flag(f["is_async"]), _flag(f["takes_index"]))
            for f in wire["functions"]
        ),
        kwargs={_text(name): _scalar(value) for name, value in kwargs.items()},
        setup=_flag(wire.get("setup", False)),
    )


def _read_request(wire: dict[str, Any]) -> RunRequest:
    params = wire["params"]
    if not isinstance(params, dict):
        raise TypeError("params must be an object")
    return RunRequest(
        strategy=_text(wire["strategy"]),
        workload=_text(wire["workload"]),
        params={_text(name): _number(value) for name, value in params.items()},
        tasks=_int(wire["tasks"]),
        workers=_int(wire["workers"]),
        url=_optional_text(wire.get("url")),
        flush_interval_s=_number(wire.get("flush_interval_s", 0.05)),
        inside=_flag(wire.get("inside", True)),
        scheduler=_optional_text(wire.get("scheduler")),
        code=_read_code(wire.get("code")),
    )


def _read_started(wire: dict[str, Any]) -> Started:
    gil = wire.get("gil_enabled")
    return Started(
        _int(wire["t0_ns"]),
        _int(wire["pid"]),
        _int(wire["native_id"]),
        None if gil is None else _flag(gil),
    )


def _read_events(wire: dict[str, Any]) -> Events:
    kinds, starts, ends = _ints(wire["kinds"]), _ints(wire["starts"]), _ints(wire["ends"])
    task_ids, workers = _ints(wire["task_ids"]), wire["workers"]
    workers = [_int(workers)] * len(kinds) if isinstance(workers, int) else _ints(workers)
    if not len(kinds) == len(task_ids) == len(starts) == len(ends) == len(workers):
        raise ValueError("columns of different lengths")
    return Events(
        kinds,
        task_ids,
        starts,
        ends,
        workers,
        errors={_int(task): _text(text) for task, text in _pairs(wire["errors"])},
        heartbeats={_int(task): _ints(flat) for task, flat in _pairs(wire["heartbeats"])},
        lag=_ints(wire["lag"]),
        thread_pids={_int(thread): _int(pid) for thread, pid in _pairs(wire["thread_pids"])},
        tracebacks={_int(task): _text(text) for task, text in _pairs(wire.get("tracebacks", []))},
    )


def _read_lane(values: Any) -> ClusterLane:
    if not isinstance(values, list) or len(values) != 8:
        raise TypeError("expected a lane of 8 fields")
    code, label, address, host, pid, offset, uncertainty, shared = values
    return ClusterLane(
        _int(code),
        _text(label),
        _text(address),
        _text(host),
        _int(pid),
        _int(offset),
        _int(uncertainty),
        _flag(shared),
    )


def _read_cpu(values: Any) -> tuple[str, int, float]:
    if not isinstance(values, list) or len(values) != 3:
        raise TypeError("expected a CPU sample of 3 fields")
    return _text(values[0]), _int(values[1]), _number(values[2])


def _read_cluster(wire: dict[str, Any]) -> ClusterNews:
    lanes, cpu = wire["lanes"], wire["cpu"]
    if not isinstance(lanes, list) or not isinstance(cpu, list):
        raise TypeError("lanes and cpu must be lists")
    return ClusterNews(
        scheduler=_text(wire["scheduler"]),
        local=_flag(wire["local"]),
        lanes=[_read_lane(lane) for lane in lanes],
        cpu=[_read_cpu(sample) for sample in cpu],
        lost_attempts={_int(span): _int(task) for span, task in _pairs(wire["lost_attempts"])},
    )


def _read_done(wire: dict[str, Any]) -> Done:
    return Done(
        ok=_flag(wire["ok"]),
        error=_optional_text(wire["error"]),
        wall_ns=_int(wire["wall_ns"]),
        cpu_ns=_int(wire["cpu_ns"]),
        startup_ns=_int(wire["startup_ns"]),
    )


def _read_failed(wire: dict[str, Any]) -> Failed:
    return Failed(
        _text(wire["error"]),
        _optional_text(wire.get("traceback")),
        _optional_int(wire.get("line")),
    )


_READERS: dict[str, Callable[[dict[str, Any]], Message]] = {
    RunRequest.TYPE: _read_request,
    Started.TYPE: _read_started,
    Events.TYPE: _read_events,
    ClusterNews.TYPE: _read_cluster,
    Done.TYPE: _read_done,
    Failed.TYPE: _read_failed,
}
