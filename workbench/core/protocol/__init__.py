"""The engine ↔ child wire protocol: every message either side sends, typed, a JSON line or a
frame each.

Parent → child (stdin): one :class:`RunRequest`; afterwards stdin stays open, and its closing
means "stop now". Child → parent (a private copy of stdout; the child's own fd 1 is pointed at
stderr, so a workload's prints cannot corrupt the stream): :class:`Started`, then any number of
:class:`Events` batches (ahead of them, from ``async-gather``, :class:`TaskAddresses`; from the
``dask`` strategy, :class:`ClusterNews`), then
:class:`Done` — or :class:`Failed` alone if the run could not start. Both sides build and
read messages only through :func:`encode` and :func:`decode`, so the field names below are the
wire's own (they are written once per batch, so readable names cost nothing per event).

An event batch travels as columns of integers, one entry per event. The child sends the
``kinds``, ``task_ids``, ``starts`` and ``ends`` columns (and a ``workers`` one) as raw
little-endian 64-bit words after the batch's JSON line, a *frame* (see
:mod:`~workbench.core.protocol.frames`: as text the columns cost the measured process ~1,250
instructions a gathered task in base64, more as JSON digits); the run's task addresses go
so too. Read by :func:`~workbench.core.protocol.frames.read_messages`, a frame comes whole;
a plain JSON list of integers reads the same:

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

JSON rather than pickle: nothing read from a child can execute code in the parent. A line or
frame that is not valid JSON, is of an unknown type or lacks a field raises
:class:`ProtocolError`.
Standard library only, and cheap to import: the child imports it before anything else.
"""

from workbench.core.protocol.codec import decode, decode_request, encode
from workbench.core.protocol.messages import (
    BEGIN,
    CODE_WORKLOAD,
    END,
    FAILED,
    FAILED_STEP,
    LAST_STEP,
    MAIN_WORKER,
    NOT_ENDED,
    STEP,
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
    Scalar,
    Started,
    TaskAddresses,
)

__all__ = [
    "BEGIN",
    "CODE_WORKLOAD",
    "END",
    "FAILED",
    "FAILED_STEP",
    "LAST_STEP",
    "MAIN_WORKER",
    "NOT_ENDED",
    "STEP",
    "ClusterLane",
    "ClusterNews",
    "CodeCall",
    "CodeRequest",
    "Done",
    "Events",
    "Failed",
    "Message",
    "ProtocolError",
    "RunRequest",
    "Scalar",
    "Started",
    "TaskAddresses",
    "decode",
    "decode_request",
    "encode",
]
