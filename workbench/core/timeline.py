"""Turning the child's raw begin/end events into labelled task spans (pure, no IO)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from workbench.core.recording import BEGIN
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
    """Maps raw worker keys (thread idents, pids) to stable, readable labels by first sight."""

    _PREFIXES: ClassVar[dict[str, str]] = {"t": "thread", "p": "process"}

    def __init__(self) -> None:
        self._labels: dict[str, str] = {"main": "main"}
        self._counts: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        label = self._labels.get(key)
        if label is None:
            kind = self._PREFIXES.get(key[:1], "worker")
            self._counts[kind] = self._counts.get(kind, 0) + 1
            label = self._labels[key] = f"{kind}-{self._counts[kind]}"
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

    def feed(self, raw: Iterable[list[object]]) -> list[TaskEvent]:
        """Take one batch of wire events; return them as :class:`TaskEvent` for observers."""
        events: list[TaskEvent] = []
        for kind, task_id, t_ns, key, error in raw:
            task, t, label = int(task_id), int(t_ns), self._labels(str(key))  # type: ignore[call-overload]
            err = None if error is None else str(error)
            if kind == BEGIN:
                self._open[task] = (t, label)
                events.append(TaskEvent(BEGIN_EVENT, task, t, label))
            else:
                start, worker = self._open.pop(task, (t, label))
                self._spans.append(TaskSpan(task, start, t, worker, err is None, err))
                events.append(TaskEvent(END_EVENT, task, t, worker, err))
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
