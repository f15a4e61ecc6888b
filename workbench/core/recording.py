"""Recording task events inside a strategy run, from any thread or pool worker.

Recording sits on the measured path, so it must cost next to nothing: one event is one
``list.extend`` of a 4-tuple ``(kind, task_id, t_ns, worker)`` onto a flat list. ``extend``
runs in C under the GIL, so events from many threads never interleave mid-event and the
list's length is always a multiple of four; the flusher later slices it into columns
(``flat[0::4]`` …) at C speed instead of touching every event in Python.

- ``kind``: :data:`BEGIN`, :data:`END` (ok) or :data:`FAILED` (its error text is in
  :attr:`Recorder.errors`, stored *before* the event so a reader never misses it)
- ``t_ns``: absolute ``perf_counter_ns``; the parent subtracts the run's ``t0``
- ``worker``: 0 for the main thread, a thread ident for other threads, ``-pid`` for a pool
  worker process; the engine turns these into labels

A coroutine's steps are events of their own (see :func:`stepped`). A sync task's heartbeats
(:mod:`workbench.core.heartbeat`) travel separately, stored like an error before its end
event. The event-loop lag probe's samples go to :attr:`Recorder.lag`.
"""

from __future__ import annotations

import os
import threading
import traceback
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.heartbeat import start_beats, stop_beats

BEGIN, END, FAILED = 0, 1, 2
STEP, LAST_STEP, FAILED_STEP = 3, 4, 5
"""Coroutine steps: ``(kind, task_id, start, end)`` — the end time sits in the worker slot."""
EVENT_WIDTH = 4
MAIN_WORKER = 0

HEARTBEATS = 1
"""How a sync task's inner trace is encoded: flat (time, core) heartbeats."""

Trace = tuple[int, list[int]]

Columns = tuple[list[int], list[int], list[int], list[int]]
"""(kinds, task ids, absolute times, workers) of a batch of events."""


def describe_error(exc: BaseException) -> str:
    """One line for a failure: the exception type and message, no traceback.

    The workbench's own exceptions already speak plainly; their message stands alone.
    """
    if type(exc).__module__.startswith("workbench.") and str(exc):
        return str(exc)
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


class Recorder:
    """Records task events in the child's process; safe to call from any of its threads."""

    def __init__(self, *, inside: bool = True) -> None:
        self.inside = inside
        """Record what happens inside tasks (steps, heartbeats); off only to measure its cost."""
        self._flat: list[int] = []
        self._extend = self._flat.extend
        self.errors: dict[int, str] = {}
        self.traces: dict[int, Trace] = {}
        self.lag: list[int] = []
        """Flat (time, lateness) pairs from the event-loop lag probe, both in ns."""
        self._main_thread = threading.main_thread().ident

    def record(
        self,
        kind: int,
        task_id: int,
        t_ns: int,
        worker: int,
        error: str | None,
        trace: Trace | None = None,
    ) -> None:
        """Add one event (the relay uses this for events from pool workers)."""
        if error is not None:
            self.errors[task_id] = error
        if trace is not None:
            self.traces[task_id] = trace
        self._extend((kind, task_id, t_ns, worker))

    def take_lag(self) -> list[int]:
        lag = self.lag
        n = len(lag) - len(lag) % 2
        chunk = lag[:n]
        del lag[:n]
        return chunk

    def take(self) -> Columns:
        """Remove and return every event recorded so far, as columns."""
        flat = self._flat
        n = len(flat)
        chunk = flat[:n]
        del flat[:n]  # atomic: events added meanwhile stay, after the ones taken
        return chunk[0::4], chunk[1::4], chunk[2::4], chunk[3::4]

    def call(self, function: Callable[[Any, int], None], job: Any, task_id: int) -> None:
        """Run one sync task in this thread, recording its span and any failure."""
        worker = threading.get_ident()
        if worker == self._main_thread:
            worker = MAIN_WORKER
        extend = self._extend
        beats = start_beats() if self.inside else None
        extend((BEGIN, task_id, now_ns(), worker))
        kind = END
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            self.errors[task_id] = describe_error(exc)
            kind = FAILED
        end = now_ns()
        if beats is not None:
            stop_beats()
            if beats:
                self.traces[task_id] = (HEARTBEATS, beats)
        extend((kind, task_id, end, worker))

    def call_async(
        self,
        function: Callable[[Any, Any, int], Coroutine[Any, Any, None]],
        job: Any,
        resources: Any,
        task_id: int,
    ) -> Generator[Any, Any, None]:
        """A coroutine running one async task, recording each of its steps and any failure.

        It never raises for a failing task: the failure is recorded and it completes.
        """
        coroutine = function(job, resources, task_id)
        if self.inside:
            return stepped(self, coroutine, task_id)
        return whole(self, coroutine, task_id)  # type: ignore[return-value]


async def whole(recorder: Recorder, coroutine: Any, task_id: int) -> None:
    """Like :func:`stepped` but one begin and one end event: no step boundaries."""
    extend = recorder._extend
    extend((BEGIN, task_id, now_ns(), MAIN_WORKER))
    try:
        await coroutine
    except (Exception, SystemExit) as exc:
        recorder.errors[task_id] = describe_error(exc)
        extend((FAILED, task_id, now_ns(), MAIN_WORKER))
    else:
        extend((END, task_id, now_ns(), MAIN_WORKER))


@types.coroutine
def stepped(recorder: Recorder, coroutine: Any, task_id: int) -> Generator[Any, Any, None]:
    """Drive ``coroutine`` step by step, recording when each step starts and ends.

    A generator-based coroutine, so the event loop resumes it through C (a class with a
    Python ``send`` costs twice as much per step). Each step is one event,
    ``(STEP, task_id, start, end)`` — ``end`` in the worker slot, as every coroutine runs on
    the main thread — so a task needs no separate begin/end events: its first step begins it,
    its :data:`LAST_STEP` (or :data:`FAILED_STEP`) ends it.
    """
    extend, now = recorder._extend, now_ns
    value: Any = None
    thrown: BaseException | None = None
    while True:
        start = now()
        try:
            yielded = coroutine.send(value) if thrown is None else coroutine.throw(thrown)
        except StopIteration:
            extend((LAST_STEP, task_id, start, now()))
            return
        except (Exception, SystemExit) as exc:
            recorder.errors[task_id] = describe_error(exc)
            extend((FAILED_STEP, task_id, start, now()))
            return
        extend((STEP, task_id, start, now()))
        thrown = None
        try:
            value = yield yielded
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as exc:  # cancellation: the coroutine decides what it means
            thrown, value = exc, None


class WorkerRecorder:
    """The recorder inside a pool worker process: events travel to the child through a queue.

    A queue put costs microseconds, far more than an ``extend``, but pool tasks are few and
    heavy by nature; the child's relay thread feeds them into its own :class:`Recorder`.
    """

    def __init__(self, queue: Any) -> None:
        self._put = queue.put
        self._worker = -os.getpid()

    def call(self, function: Callable[[Any, int], None], job: Any, task_id: int) -> None:
        put, worker = self._put, self._worker
        beats = start_beats()
        put((BEGIN, task_id, now_ns(), worker, None, None))
        kind, error = END, None
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            kind, error = FAILED, describe_error(exc)
        end = now_ns()
        stop_beats()
        put((kind, task_id, end, worker, error, (HEARTBEATS, beats) if beats else None))
