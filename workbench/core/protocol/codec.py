"""A JSON line (or a frame) per message: :func:`encode` on one side, :func:`decode` on the
other."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from workbench.core.protocol.fields import (
    read_flag,
    read_int,
    read_ints,
    read_number,
    read_optional_int,
    read_optional_text,
    read_pairs,
    read_scalar,
    read_text,
)
from workbench.core.protocol.frames import FRAME, frame, unframe, words
from workbench.core.protocol.messages import (
    ClusterLane,
    ClusterNews,
    CodeCall,
    CodeRequest,
    Done,
    Events,
    Failed,
    Message,
    ProtocolError,
    RunRequest,
    Started,
    TaskAddresses,
)

_ENCODER = json.JSONEncoder(separators=(",", ":"))


_PACKED = ("kinds", "task_ids", "starts", "ends")
"""The event columns sent as words after the line (see :mod:`~workbench.core.protocol.frames`)."""


def encode(message: Message) -> bytes:
    """One line of JSON, newline included; a frame (that line, then its columns' words) for an
    event batch and the run's task addresses."""
    if isinstance(message, Events):
        return _encode_events(message)
    if isinstance(message, TaskAddresses):
        return _encode_task_addresses(message)
    return (_ENCODER.encode(_to_wire(message)) + "\n").encode()


def _encode_task_addresses(message: TaskAddresses) -> bytes:
    """Framed as an event batch is (the step clock sends them from the run)."""
    header = f'{{"type":"{message.TYPE}","first":{message.first},"packed":["addresses"]}}'
    return frame(header, (words(message.addresses),))


def _encode_events(message: Events) -> bytes:
    """An event batch: its small fields as JSON, its columns as words after the line."""
    wire = _to_wire(message)
    names = [*_PACKED] if isinstance(wire["workers"], int) else [*_PACKED, "workers"]
    payload = [words(wire.pop(name)) for name in names]
    wire["packed"] = names
    return frame(_ENCODER.encode(wire), payload)


def decode(line: bytes | str) -> Message:
    """The message on one line, or in one frame (see
    :func:`~workbench.core.protocol.frames.read_messages`); :class:`ProtocolError` if it is not
    one."""
    if isinstance(line, bytes) and line[:1] == FRAME:
        wire = unframe(line)
    else:
        try:
            wire = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # nested too deep
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


def _read_code(wire: Any) -> CodeRequest | None:
    if wire is None:
        return None
    if not isinstance(wire, dict) or not isinstance(wire["functions"], list):
        raise TypeError("code must be an object with a list of functions")
    kwargs = wire.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise TypeError("code kwargs must be an object")
    return CodeRequest(
        path=read_text(wire["path"]),
        sha256=read_text(wire["sha256"]),
        functions=tuple(
            CodeCall(read_text(f["name"]), read_flag(f["is_async"]), read_flag(f["takes_index"]))
            for f in wire["functions"]
        ),
        kwargs={read_text(name): read_scalar(value) for name, value in kwargs.items()},
        setup=read_flag(wire.get("setup", False)),
    )


def _read_request(wire: dict[str, Any]) -> RunRequest:
    params = wire["params"]
    if not isinstance(params, dict):
        raise TypeError("params must be an object")
    return RunRequest(
        strategy=read_text(wire["strategy"]),
        workload=read_text(wire["workload"]),
        params={read_text(name): read_number(value) for name, value in params.items()},
        tasks=read_int(wire["tasks"]),
        workers=read_int(wire["workers"]),
        url=read_optional_text(wire.get("url")),
        flush_interval_s=read_number(wire.get("flush_interval_s", 0.05)),
        inside=read_flag(wire.get("inside", True)),
        beats=read_flag(wire.get("beats", True)),
        scheduler=read_optional_text(wire.get("scheduler")),
        code=_read_code(wire.get("code")),
        scratch_dir=read_optional_text(wire.get("scratch_dir")),
    )


def _read_started(wire: dict[str, Any]) -> Started:
    gil = wire.get("gil_enabled")
    return Started(
        read_int(wire["t0_ns"]),
        read_int(wire["pid"]),
        read_int(wire["native_id"]),
        None if gil is None else read_flag(gil),
    )


def _read_events(wire: dict[str, Any]) -> Events:
    kinds, starts, ends = (
        read_ints(wire["kinds"]),
        read_ints(wire["starts"]),
        read_ints(wire["ends"]),
    )
    task_ids, workers = read_ints(wire["task_ids"]), wire["workers"]
    workers = [read_int(workers)] * len(kinds) if isinstance(workers, int) else read_ints(workers)
    if not len(kinds) == len(task_ids) == len(starts) == len(ends) == len(workers):
        raise ValueError("columns of different lengths")
    return Events(
        kinds,
        task_ids,
        starts,
        ends,
        workers,
        errors={read_int(task): read_text(text) for task, text in read_pairs(wire["errors"])},
        heartbeats={
            read_int(task): read_ints(flat) for task, flat in read_pairs(wire["heartbeats"])
        },
        lag=read_ints(wire["lag"]),
        thread_pids={
            read_int(thread): read_int(pid) for thread, pid in read_pairs(wire["thread_pids"])
        },
        tracebacks={
            read_int(task): read_text(text) for task, text in read_pairs(wire.get("tracebacks", []))
        },
    )


def _read_task_addresses(wire: dict[str, Any]) -> TaskAddresses:
    return TaskAddresses(read_int(wire["first"]), read_ints(wire["addresses"]))


def _read_lane(values: Any) -> ClusterLane:
    if not isinstance(values, list) or len(values) != 8:
        raise TypeError("expected a lane of 8 fields")
    code, label, address, host, pid, offset, uncertainty, shared = values
    return ClusterLane(
        read_int(code),
        read_text(label),
        read_text(address),
        read_text(host),
        read_int(pid),
        read_int(offset),
        read_int(uncertainty),
        read_flag(shared),
    )


def _read_cpu(values: Any) -> tuple[str, int, float]:
    if not isinstance(values, list) or len(values) != 3:
        raise TypeError("expected a CPU sample of 3 fields")
    return read_text(values[0]), read_int(values[1]), read_number(values[2])


def _read_cluster(wire: dict[str, Any]) -> ClusterNews:
    lanes, cpu = wire["lanes"], wire["cpu"]
    if not isinstance(lanes, list) or not isinstance(cpu, list):
        raise TypeError("lanes and cpu must be lists")
    return ClusterNews(
        scheduler=read_text(wire["scheduler"]),
        local=read_flag(wire["local"]),
        lanes=[_read_lane(lane) for lane in lanes],
        cpu=[_read_cpu(sample) for sample in cpu],
        lost_attempts={
            read_int(span): read_int(task) for span, task in read_pairs(wire["lost_attempts"])
        },
    )


def _read_done(wire: dict[str, Any]) -> Done:
    return Done(
        ok=read_flag(wire["ok"]),
        error=read_optional_text(wire["error"]),
        wall_ns=read_int(wire["wall_ns"]),
        cpu_ns=read_int(wire["cpu_ns"]),
        startup_ns=read_int(wire["startup_ns"]),
    )


def _read_failed(wire: dict[str, Any]) -> Failed:
    return Failed(
        read_text(wire["error"]),
        read_optional_text(wire.get("traceback")),
        read_optional_int(wire.get("line")),
    )


_READERS: dict[str, Callable[[dict[str, Any]], Message]] = {
    RunRequest.TYPE: _read_request,
    Started.TYPE: _read_started,
    Events.TYPE: _read_events,
    TaskAddresses.TYPE: _read_task_addresses,
    ClusterNews.TYPE: _read_cluster,
    Done.TYPE: _read_done,
    Failed.TYPE: _read_failed,
}
