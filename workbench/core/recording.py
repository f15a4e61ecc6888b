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
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from workbench.core.clock import now_ns

BEGIN, END, FAILED = 0, 1, 2
EVENT_WIDTH = 4
MAIN_WORKER = 0

Columns = tuple[list[int], list[int], list[int], list[int]]
"""(kinds, task ids, absolute times, workers) of a batch of events."""


def describe_error(exc: BaseException) -> str:
    """One line for a task's failure: the exception type and message, no traceback."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


class Recorder:
    """Records task events in the child's process; safe to call from any of its threads."""

    def __init__(self) -> None:
        self._flat: list[int] = []
        self._extend = self._flat.extend
        self.errors: dict[int, str] = {}
        self._main_thread = threading.main_thread().ident

    def record(self, kind: int, task_id: int, t_ns: int, worker: int, error: str | None) -> None:
        """Add one event (the relay uses this for events from pool workers)."""
        if error is not None:
            self.errors[task_id] = error
        self._extend((kind, task_id, t_ns, worker))

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
        extend((BEGIN, task_id, now_ns(), worker))
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            self.errors[task_id] = describe_error(exc)
            extend((FAILED, task_id, now_ns(), worker))
        else:
            extend((END, task_id, now_ns(), worker))

    async def call_async(
        self,
        function: Callable[[Any, Any, int], Awaitable[None]],
        job: Any,
        resources: Any,
        task_id: int,
    ) -> None:
        """Await one async task, recording its span and any failure (never raises)."""
        extend = self._extend
        extend((BEGIN, task_id, now_ns(), MAIN_WORKER))
        try:
            await function(job, resources, task_id)
        except (Exception, SystemExit) as exc:
            self.errors[task_id] = describe_error(exc)
            extend((FAILED, task_id, now_ns(), MAIN_WORKER))
        else:
            extend((END, task_id, now_ns(), MAIN_WORKER))


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
        put((BEGIN, task_id, now_ns(), worker, None))
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            put((FAILED, task_id, now_ns(), worker, describe_error(exc)))
        else:
            put((END, task_id, now_ns(), worker, None))
