"""Turning the child's raw begin/end events into labelled task spans (pure, no IO)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.core.heartbeat import GAP_NS, NO_CORE
from workbench.core.recording import BEGIN, FAILED, FAILED_STEP, MAIN_WORKER, STEP
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
    running: tuple[tuple[int, int], ...] = ()
    """On an end event: the intervals the task actually ran."""


def running_from_steps(flat: Sequence[int], t0_ns: int) -> tuple[tuple[int, int], ...]:
    """Coroutine steps, flat absolute (start, end) pairs → relative intervals."""
    return tuple((flat[i] - t0_ns, flat[i + 1] - t0_ns) for i in range(0, len(flat) - 1, 2))


def running_from_beats(
    begin_ns: int, end_ns: int, flat: Sequence[int], gap_ns: int = GAP_NS
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Heartbeats (flat time, core pairs) → the intervals a task ran, and the core of each.

    Consecutive beats (with the task's begin and end as the outer points) closer than
    ``gap_ns`` belong to one running interval; a longer gap is time the task did not run.
    All times here are on one axis (the caller makes them relative).
    """
    intervals: list[tuple[int, int]] = []
    cores: list[int] = []
    start = previous = begin_ns
    core = flat[1] if len(flat) >= 2 else NO_CORE
    points = [*flat[0::2], end_ns]
    beat_cores = [*flat[1::2], NO_CORE]
    for t, beat_core in zip(points, beat_cores, strict=True):
        if t - previous > gap_ns:
            if previous > start:
                intervals.append((start, previous))
                cores.append(core)
            start, core = t, beat_core
        previous = t
    if previous > start:
        intervals.append((start, previous))
        cores.append(core)
    return tuple(intervals), tuple(cores)


def _inner(
    trace: tuple[int, Sequence[int]] | None, start_ns: int, end_ns: int, t0_ns: int
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    if trace is None:
        return (), ()
    _, flat = trace  # heartbeats: the only inner trace that travels separately
    relative = [v - t0_ns if i % 2 == 0 else v for i, v in enumerate(flat)]
    running, cores = running_from_beats(start_ns, end_ns, relative)
    return running, (cores if any(core != NO_CORE for core in cores) else ())


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
        self._steps: dict[int, list[tuple[int, int]]] = {}
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
        traces: Mapping[int, tuple[int, Sequence[int]]] | None = None,
    ) -> list[TaskEvent]:
        """Take one batch of column events (absolute times); return them for observers.

        ``traces`` holds each ended task's inner trace (coroutine steps or heartbeats, with
        absolute times), from which its running intervals are derived.
        """
        events: list[TaskEvent] = []
        label_of, opened, spans = self._labels, self._open, self._spans
        traces = traces or {}
        for kind, task, t_abs, code in zip(kinds, ids, times, workers, strict=True):
            if kind >= STEP:
                self._step(kind, task, t_abs - t0_ns, code - t0_ns, errors, events)
                continue
            t, label = t_abs - t0_ns, label_of(code)
            if kind == BEGIN:
                opened[task] = (t, label)
                events.append(TaskEvent(BEGIN_EVENT, task, t, label))
                continue
            error = errors.get(task, "failed") if kind == FAILED else None
            start, worker = opened.pop(task, (t, label))
            running, cores = _inner(traces.get(task), start, t, t0_ns)
            spans.append(TaskSpan(task, start, t, worker, error is None, error, running, cores))
            events.append(TaskEvent(END_EVENT, task, t, worker, error, running))
        return events

    def _step(
        self,
        kind: int,
        task: int,
        start: int,
        end: int,
        errors: Mapping[int, str],
        events: list[TaskEvent],
    ) -> None:
        """One coroutine step: the first one begins the task, the last one ends it."""
        steps = self._steps.get(task)
        if steps is None:
            steps = self._steps[task] = []
            self._open[task] = (start, "main")
            events.append(TaskEvent(BEGIN_EVENT, task, start, "main"))
        steps.append((start, end))
        if kind == STEP:
            return
        error = errors.get(task, "failed") if kind == FAILED_STEP else None
        began, worker = self._open.pop(task)
        running = tuple(self._steps.pop(task))
        self._spans.append(TaskSpan(task, began, end, worker, error is None, error, running))
        events.append(TaskEvent(END_EVENT, task, end, worker, error, running))

    def finish(self, end_ns: int, reason: str | None) -> tuple[TaskSpan, ...]:
        """All spans, by task id; tasks still open are closed at ``end_ns`` as failed."""
        why = f"did not finish: {reason}" if reason else "did not finish"
        spans = self._spans + [
            TaskSpan(
                task,
                start,
                max(start, end_ns),
                worker,
                False,
                why,
                tuple(self._steps.get(task, ())),
            )
            for task, (start, worker) in self._open.items()
        ]
        self._open.clear()
        self._steps.clear()
        return tuple(sorted(spans, key=lambda span: span.id))
