"""Which attempt of each task runs where, and the attempts a dying worker took with it.

Dask runs a task again when the worker running it dies (up to its ``allowed-failures``, then
the task fails with ``KilledWorker``). Each lost attempt becomes a span of its own — failed,
with the reason, on the dead worker's lane — under a fresh id beyond the run's task ids, so
that anything keyed by task id (a timeline row per task) shows both attempts; the run says
which task each lost attempt belonged to (``TaskSpan.attempt_of``). Pure bookkeeping: it
returns the events to record, in the wire's codes.
"""

from __future__ import annotations

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


class Attempts:
    """The open attempt of each task, and the lost ones (fresh id → the task they belonged to)."""

    def __init__(self, tasks: int) -> None:
        self._next_id = tasks
        self._open: dict[int, Attempt] = {}
        self._last: dict[int, Attempt] = {}
        self.lost: dict[int, int] = {}
        """Every lost attempt so far: its span's id → its task's id."""

    def began(self, task: int, attempt: Attempt, label: str) -> list[Event]:
        """A task began; an attempt of it still open elsewhere was lost (its worker died)."""
        events: list[Event] = []
        earlier = self._open.get(task)
        if earlier is not None:
            reason = f"lost with worker {label}: Dask ran the task again"
            events += self._lose(task, earlier, attempt.start_ns, reason)
        self._open[task] = self._last[task] = attempt
        return [
            *events,
            (BEGIN, task, attempt.start_ns, NOT_ENDED, attempt.code, attempt.pid, None),
        ]

    def ended(self, task: int) -> None:
        self._open.pop(task, None)

    def worker_lost(self, address: str, at_ns: int, label: str) -> list[Event]:
        """The worker at ``address`` left the cluster at ``at_ns``: its open attempts are lost."""
        reason = f"lost with worker {label}, which died: Dask runs the task again"
        events: list[Event] = []
        for task, attempt in list(self._open.items()):
            if attempt.address == address:
                del self._open[task]
                events += self._lose(task, attempt, at_ns, reason)
        return events

    def failed(self, task: int, at_ns: int, error: str, nowhere: Attempt) -> list[Event]:
        """Dask gave the task up (``KilledWorker``): its open attempt ends failed; with none
        open, a zero-length failure on the lane of its last attempt (``nowhere``'s if none
        was ever seen to begin)."""
        attempt = self._open.pop(task, None)
        if attempt is not None:
            return [
                (
                    FAILED,
                    task,
                    min(attempt.start_ns, at_ns),
                    at_ns,
                    attempt.code,
                    attempt.pid,
                    error,
                )
            ]
        last = self._last.get(task, nowhere)
        return [
            (BEGIN, task, at_ns, NOT_ENDED, last.code, last.pid, None),
            (FAILED, task, at_ns, at_ns, last.code, last.pid, error),
        ]

    @property
    def open(self) -> int:
        return len(self._open)

    def _lose(self, task: int, attempt: Attempt, at_ns: int, reason: str) -> list[Event]:
        span_id = self._next_id
        self._next_id += 1
        self.lost[span_id] = task
        end = max(attempt.start_ns, at_ns)
        code, pid = attempt.code, attempt.pid
        # A begin first, so that a live view draws the lost attempt from its start.
        return [
            (BEGIN, span_id, attempt.start_ns, NOT_ENDED, code, pid, None),
            (FAILED, span_id, attempt.start_ns, end, code, pid, reason),
        ]
