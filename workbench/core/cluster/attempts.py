"""Which attempt of each task runs where, and the attempts a dying worker took with it.

Dask runs a task again when the worker running it dies (up to its ``allowed-failures``, then
the task fails with ``KilledWorker``), and also when a worker dies holding a finished task's
result that the client had not fetched yet. Each lost attempt becomes a span of its own —
failed, with the reason, on the dead worker's lane — under a fresh id beyond the run's task
ids, so that anything keyed by task id (a timeline row per task) shows every attempt; the run
says which task each lost attempt belonged to (``TaskSpan.attempt_of``). Pure bookkeeping: it
returns the events to record, in the wire's codes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from workbench.core.protocol import BEGIN, FAILED, NOT_ENDED

Event = tuple[int, int, int, int, int, int, str | None]
"""(kind, task id, start, end, worker code, pid, error), as :meth:`Recorder.record` takes them."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """A task running (or last seen running) on one worker thread."""

    start_ns: int
    code: int
    pid: int
    address: str
    label: str
    """The worker's lane label, for the reason a lost attempt gives."""
    end_ns: int | None = None
    """When it finished on the worker, if it did (its result not yet fetched)."""


class Attempts:
    """The open attempt of each task, and the lost ones (fresh id → the task they belonged to)."""

    def __init__(self, tasks: int) -> None:
        self._next_id = tasks
        self._open: dict[int, Attempt] = {}
        self.lost: dict[int, int] = {}
        """Every lost attempt so far: its span's id → its task's id."""

    def began(self, task: int, attempt: Attempt) -> list[Event]:
        """A task began; an attempt of it still open was lost (its worker died)."""
        events: list[Event] = []
        earlier = self._open.get(task)
        if earlier is not None:
            events += self._lose(task, earlier, attempt.start_ns)
        self._open[task] = attempt
        return [
            *events,
            (BEGIN, task, attempt.start_ns, NOT_ENDED, attempt.code, attempt.pid, None),
        ]

    def finished(self, task: int, end_ns: int) -> None:
        """The worker says the task finished (its result is still to be fetched)."""
        attempt = self._open.get(task)
        if attempt is not None:
            self._open[task] = dataclasses.replace(attempt, end_ns=max(end_ns, attempt.start_ns))

    def ended(self, task: int) -> None:
        """The task's result came back: its attempt is done with."""
        self._open.pop(task, None)

    def worker_lost(self, address: str, at_ns: int) -> list[Event]:
        """The worker at ``address`` left the cluster at ``at_ns``: its open attempts are lost."""
        events: list[Event] = []
        for task, attempt in list(self._open.items()):
            if attempt.address == address:
                del self._open[task]
                events += self._lose(task, attempt, at_ns)
        return events

    def failed(self, task: int, at_ns: int, error: str, last_worker: Attempt) -> list[Event]:
        """Dask gave the task up (``KilledWorker``): its open attempt ends failed; with none
        open (its attempts were lost, or never seen to begin), a zero-length failure on the
        lane of ``last_worker`` (the one Dask names), at ``at_ns``."""
        attempt = self._open.pop(task, None)
        if attempt is not None:
            start = min(attempt.start_ns, at_ns)
            return [(FAILED, task, start, at_ns, attempt.code, attempt.pid, error)]
        code, pid = last_worker.code, last_worker.pid
        return [
            (BEGIN, task, at_ns, NOT_ENDED, code, pid, None),
            (FAILED, task, at_ns, at_ns, code, pid, error),
        ]

    @property
    def open(self) -> int:
        return len(self._open)

    def _lose(self, task: int, attempt: Attempt, at_ns: int) -> list[Event]:
        span_id = self._next_id
        self._next_id += 1
        self.lost[span_id] = task
        label = attempt.label
        if attempt.end_ns is None:
            end, reason = max(attempt.start_ns, at_ns), f"lost with worker {label}, which died"
        else:
            end, reason = attempt.end_ns, f"finished, but its result was lost with worker {label}"
        code, pid = attempt.code, attempt.pid
        # A begin first, so that a live view draws the lost attempt from its start.
        return [
            (BEGIN, span_id, attempt.start_ns, NOT_ENDED, code, pid, None),
            (FAILED, span_id, attempt.start_ns, end, code, pid, f"{reason}: Dask ran it again"),
        ]
