"""Turning the child's raw begin/end events into labelled task spans (pure, no IO)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.core.recording import BEGIN, FAILED, MAIN_WORKER
from workbench.core.results import TaskSpan

BEGIN_EVENT = "begin"
END_EVENT = "end"


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """A task began or ended, as the engine reports it to observers (time relative to t0)."""

    kind: str
    task_id: int
    t_ns: int
    worker: str
    error: str | None = None


class WorkerLabels:
    """Maps raw worker codes to stable, readable labels in order of first sight.

    0 is the run's main thread (where every coroutine runs), a positive code a thread, a
    negative one a pool worker process.
    """

    def __init__(self) -> None:
        self._labels: dict[int, str] = {MAIN_WORKER: "main"}
        self._threads = 0
        self._processes = 0

    def __call__(self, code: int) -> str:
        label = self._labels.get(code)
        if label is None:
            if code > 0:
                self._threads += 1
                label = f"thread-{self._threads}"
            else:
                self._processes += 1
                label = f"process-{self._processes}"
            self._labels[code] = label
        return label


class SpanAssembler:
    """Pairs begin and end events into spans as batches arrive from the child."""

    def __init__(self) -> None:
        self._labels = WorkerLabels()
        self._open: dict[int, tuple[int, str]] = {}
        self._spans: list[TaskSpan] = []

    @property
    def done(self) -> int:
        return len(self._spans)

    def feed(
        self,
        t0_ns: int,
        kinds: Sequence[int],
        ids: Sequence[int],
        times: Sequence[int],
        workers: Sequence[int],
        errors: Mapping[int, str],
    ) -> list[TaskEvent]:
        """Take one batch of column events (absolute times); return them for observers."""
        events: list[TaskEvent] = []
        label_of, opened, spans = self._labels, self._open, self._spans
        for kind, task, t_abs, code in zip(kinds, ids, times, workers, strict=True):
            t, label = t_abs - t0_ns, label_of(code)
            if kind == BEGIN:
                opened[task] = (t, label)
                events.append(TaskEvent(BEGIN_EVENT, task, t, label))
                continue
            error = errors.get(task, "failed") if kind == FAILED else None
            start, worker = opened.pop(task, (t, label))
            spans.append(TaskSpan(task, start, t, worker, error is None, error))
            events.append(TaskEvent(END_EVENT, task, t, worker, error))
        return events

    def finish(self, end_ns: int, reason: str | None) -> tuple[TaskSpan, ...]:
        """All spans, by task id; tasks still open are closed at ``end_ns`` as failed."""
        why = f"did not finish: {reason}" if reason else "did not finish"
        spans = self._spans + [
            TaskSpan(task, start, max(start, end_ns), worker, False, why)
            for task, (start, worker) in self._open.items()
        ]
        self._open.clear()
        return tuple(sorted(spans, key=lambda span: span.id))
