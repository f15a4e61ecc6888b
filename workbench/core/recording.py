"""Recording task events inside a strategy run, from any thread or pool worker.

Recording must be cheap (a deque append of a tuple) because it happens on the measured
path; encoding and streaming happen later, in batches, off that path. An event is
``(kind, task_id, t_ns, worker_key, error)`` with ``t_ns`` an absolute ``perf_counter_ns``.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from workbench.core.clock import now_ns

BEGIN = "b"
END = "e"

RawEvent = tuple[str, int, int, str, str | None]


def describe_error(exc: BaseException) -> str:
    """One line for a task's failure: the exception type and message, no traceback."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


class Sink(Protocol):
    """Where a recorder's events go: anything with ``append`` (a deque, or a queue adapter)."""

    def append(self, event: RawEvent, /) -> None: ...


class Recorder:
    """Records task begin/end events; safe to call from any thread of one process."""

    def __init__(self, sink: Sink | None = None, *, process_key: str | None = None) -> None:
        self.events: deque[RawEvent] = deque()
        self._sink: Sink = self.events if sink is None else sink
        self._process_key = process_key
        self.first_begin_ns: int | None = None

    def worker_key(self) -> str:
        """A raw identity for the current worker; the engine turns it into a label."""
        if self._process_key is not None:
            return self._process_key
        thread = threading.current_thread()
        return "main" if thread is threading.main_thread() else f"t{thread.ident}"

    def add(self, event: RawEvent) -> None:
        """Record one event (also used to merge events relayed from pool workers)."""
        if self.first_begin_ns is None and event[0] == BEGIN:
            self.first_begin_ns = event[2]
        self._sink.append(event)

    def begin(self, task_id: int, worker: str) -> None:
        self.add((BEGIN, task_id, now_ns(), worker, None))

    def end(self, task_id: int, worker: str, error: str | None = None) -> None:
        self.add((END, task_id, now_ns(), worker, error))

    def drain(self) -> list[RawEvent]:
        """Take every event recorded so far (thread-safe: popleft is atomic)."""
        events = self.events
        return [events.popleft() for _ in range(len(events))]

    def call(self, function: Callable[[Any, int], None], job: Any, task_id: int) -> None:
        """Run one sync task in this thread, recording its span and any failure."""
        worker = self.worker_key()
        self.begin(task_id, worker)
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            self.end(task_id, worker, describe_error(exc))
        else:
            self.end(task_id, worker)

    async def call_async(
        self,
        function: Callable[[Any, Any, int], Awaitable[None]],
        job: Any,
        resources: Any,
        task_id: int,
    ) -> None:
        """Await one async task, recording its span and any failure (never raises)."""
        self.begin(task_id, "main")
        try:
            await function(job, resources, task_id)
        except (Exception, SystemExit) as exc:
            self.end(task_id, "main", describe_error(exc))
        else:
            self.end(task_id, "main")


class QueueSink:
    """Adapts a multiprocessing queue to :class:`Sink`, for events from pool workers."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def append(self, event: RawEvent, /) -> None:
        self._queue.put(event)


def worker_recorder(queue: Any) -> Recorder:
    """The recorder a pool worker process uses: its events travel back through ``queue``."""
    return Recorder(QueueSink(queue), process_key=f"p{os.getpid()}")
