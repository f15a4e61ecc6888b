"""Turning the child's raw event batches into labelled task spans (pure, no IO)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from workbench.core.heartbeat import GAP_NS, NO_CORE
from workbench.core.protocol import (
    BEGIN,
    FAILED,
    FAILED_STEP,
    MAIN_WORKER,
    STEP,
    Events,
    Started,
    TaskAddresses,
)
from workbench.core.results import TaskSpan
from workbench.core.threadstates.model import ThreadCores, ThreadKey, ThreadTimeline
from workbench.core.threadstates.slices import Slices, running_slices

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
    pid: int | None = None
    """The process that ran the task (a pool worker's, or the run's own)."""
    native_id: int | None = None
    """The native id of the thread that ran the task (``threading.get_native_id()``)."""


@dataclass(frozen=True, slots=True)
class Worker:
    """Who ran a task: a readable label, and the operating system's names for that thread."""

    label: str
    pid: int
    native_id: int


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


def _from_beats(
    beats: Sequence[int] | None, start_ns: int, end_ns: int, t0_ns: int
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    if beats is None:
        return (), ()
    relative = [v - t0_ns if i % 2 == 0 else v for i, v in enumerate(beats)]
    running, cores = running_from_beats(start_ns, end_ns, relative)
    return running, (cores if any(core != NO_CORE for core in cores) else ())


def with_running_from_states(
    spans: Sequence[TaskSpan],
    timelines: Mapping[ThreadKey, ThreadTimeline],
    cores: Mapping[ThreadKey, ThreadCores],
    shortest_ns: int = 0,
) -> tuple[TaskSpan, ...]:
    """The spans, each sync task without running slices given its thread's running time over
    its life (all on the run's axis): the run took no heartbeats, its threads' states say it.
    Not a task shorter than ``shortest_ns``, the interval between readings: where in its life
    it ran, readings further apart cannot tell (see :mod:`.threadstates.slices`).

    Coroutines keep their steps (their thread is shared, so its running time is not theirs):
    a run that records inside its tasks gives every coroutine at least one.
    """
    filled = list(spans)
    by_thread: dict[ThreadKey, list[int]] = {}
    for index, span in enumerate(spans):
        if (
            not span.running
            and span.pid is not None
            and span.native_id is not None
            and span.duration_ns >= shortest_ns
        ):
            by_thread.setdefault((span.pid, span.native_id), []).append(index)
    for key, indices in by_thread.items():
        timeline = timelines.get(key)
        if timeline is None:
            continue
        read = cores.get(key)
        times, on = (read.times, read.cores) if read is not None else ((), ())
        intervals = timeline.intervals
        ends = [end for _, end, _ in intervals]
        for index in indices:
            span = spans[index]
            running, slice_cores = running_slices(
                intervals, times, on, span.start_ns, span.end_ns, ends
            )
            if running:
                filled[index] = span.with_running(running, slice_cores)
    return tuple(filled)


class Workers:
    """Maps the wire's worker codes to :class:`Worker` s, labelled in order of first sight.

    :data:`MAIN_WORKER` is the run's main thread ("main", where every coroutine runs); a
    thread of the run's process is "thread-N"; a thread of another process (a pool worker,
    see :attr:`Events.thread_pids`) is "process-N" — unless the run named it (a Dask worker's
    thread is "host:pid", see :meth:`name`).
    """

    def __init__(self, started: Started) -> None:
        self._run_pid = started.pid
        self._known = {MAIN_WORKER: Worker("main", started.pid, started.native_id)}
        self._pids: dict[int, int] = {}
        self._names: dict[int, str] = {}
        self._threads = 0
        self._processes = 0

    def learn(self, thread_pids: Mapping[int, int]) -> None:
        """Threads of other processes (pool workers), as a batch names them."""
        self._pids.update(thread_pids)

    def name(self, labels: Mapping[int, str]) -> None:
        """Labels the run chose for these worker codes (before any event uses them)."""
        self._names.update(labels)

    @property
    def known(self) -> Mapping[int, Worker]:
        """The codes seen so far (a dict lookup is the fast path of :meth:`__call__`)."""
        return self._known

    def __call__(self, code: int) -> Worker:
        worker = self._known.get(code)
        if worker is None:
            pid = self._pids.get(code, self._run_pid)
            if code in self._names:
                label = self._names[code]
            elif pid == self._run_pid:
                self._threads += 1
                label = f"thread-{self._threads}"
            else:
                self._processes += 1
                label = f"process-{self._processes}"
            worker = self._known[code] = Worker(label, pid, code)
        return worker


RunningNow = Callable[[int, int, int, int], "tuple[Slices, tuple[int, ...]] | None"]
"""(pid, native id, start, end: absolute) → a thread's running slices over that time as read
so far (absolute), with their cores; None where they cannot be read."""


class SpanAssembler:
    """Pairs begin and end events into spans as batches arrive from the child.

    ``running_now``: where the run's sync tasks take no heartbeats, how their end events get
    running slices for a live view (from the threads' states as read so far); their spans
    get the whole ones when the run ends (:func:`with_running_from_states`)."""

    def __init__(self, started: Started, running_now: RunningNow | None = None) -> None:
        self._running_now = running_now
        self._t0 = started.t0_ns
        self._workers = Workers(started)
        self._open: dict[int, tuple[int, Worker]] = {}
        self._steps: dict[int, list[tuple[int, int]]] = {}
        self._spans: list[TaskSpan] = []
        self._task_at: dict[int, int] = {}
        """Task address → task id, for a run whose steps name their tasks by address."""

    @property
    def t0_ns(self) -> int:
        """The run's time origin (absolute), as the child reported it."""
        return self._t0

    def name_workers(self, labels: Mapping[int, str]) -> None:
        """Labels for worker codes, from the run (see :meth:`Workers.name`)."""
        self._workers.name(labels)

    def learn_addresses(self, message: TaskAddresses) -> None:
        """Which task each address is (see :class:`TaskAddresses`), before the steps that
        name them: the child leaves telling its tasks apart to the parent."""
        addresses = message.addresses
        ids = range(message.first, message.first + len(addresses))
        self._task_at.update(zip(addresses, ids, strict=True))

    def feed(self, batch: Events) -> list[TaskEvent]:
        """Take one batch (absolute times); return its events for observers (relative).

        A sync task's end event carries its start too, and its heartbeats (in the batch) give
        its running intervals; a coroutine's steps are its running intervals.
        """
        self._workers.learn(batch.thread_pids)
        events: list[TaskEvent] = []
        t0, opened, spans = self._t0, self._open, self._spans
        worker_of, known, task_at = self._workers, self._workers.known, self._task_at
        for kind, task, start_abs, end_abs, code in zip(
            batch.kinds, batch.task_ids, batch.starts, batch.ends, batch.workers, strict=True
        ):
            start, end = start_abs - t0, end_abs - t0
            worker = known.get(code) or worker_of(code)
            if kind >= STEP:
                # By address: the batch's errors name the task so too.
                named = task_at.get(task, -1) if task_at else task
                if named >= 0:  # else a task the code started itself
                    self._step(kind, named, task, start, end, worker, batch, events)
                continue
            if kind == BEGIN:
                opened[task] = (start, worker)
                events.append(_begin_event(task, start, worker))
                continue
            opened.pop(task, None)
            error = batch.errors.get(task, "failed") if kind == FAILED else None
            running, cores = _from_beats(batch.heartbeats.get(task), start, end, t0)
            trace = batch.tracebacks.get(task) if batch.tracebacks else None
            spans.append(_span(task, start, end, worker, error, running, cores, trace))
            if not running and self._running_now is not None:
                running = self._live_running(worker, start_abs, end_abs)
            events.append(_end_event(task, end, worker, error, running))
        return events

    def _live_running(self, worker: Worker, start_abs: int, end_abs: int) -> Slices:
        """A beatless sync task's slices for the live view, relative to t0."""
        assert self._running_now is not None
        read = self._running_now(worker.pid, worker.native_id, start_abs, end_abs)
        if read is None:
            return ()
        t0 = self._t0
        return tuple((start - t0, end - t0) for start, end in read[0])

    def _step(
        self,
        kind: int,
        task: int,
        key: int,
        start: int,
        end: int,
        worker: Worker,
        batch: Events,
        events: list[TaskEvent],
    ) -> None:
        """One coroutine step: the first one begins the task, the last one ends it. ``key``
        names the task in the batch (its id, or its address)."""
        steps = self._steps.get(task)
        if steps is None:
            steps = self._steps[task] = []
            self._open[task] = (start, worker)
            events.append(_begin_event(task, start, worker))
        steps.append((start, end))
        if kind == STEP:
            return
        error = batch.errors.get(key, "failed") if kind == FAILED_STEP else None
        began, _ = self._open.pop(task)
        running = tuple(self._steps.pop(task))
        trace = batch.tracebacks.get(key) if batch.tracebacks else None
        self._spans.append(_span(task, began, end, worker, error, running, (), trace))
        events.append(_end_event(task, end, worker, error, running))

    def finish(self, end_ns: int, reason: str | None) -> tuple[TaskSpan, ...]:
        """All spans, by task id; tasks still open are closed at ``end_ns`` as failed."""
        why = f"did not finish: {reason}" if reason else "did not finish"
        spans = self._spans + [
            _span(task, start, max(start, end_ns), worker, why, tuple(self._steps.get(task, ())))
            for task, (start, worker) in self._open.items()
        ]
        self._open.clear()
        self._steps.clear()
        return tuple(sorted(spans, key=lambda span: span.id))


def _begin_event(task: int, start: int, worker: Worker) -> TaskEvent:
    return TaskEvent(
        BEGIN_EVENT, task, start, worker.label, pid=worker.pid, native_id=worker.native_id
    )


def _end_event(
    task: int, end: int, worker: Worker, error: str | None, running: tuple[tuple[int, int], ...]
) -> TaskEvent:
    return TaskEvent(
        END_EVENT, task, end, worker.label, error, running, worker.pid, worker.native_id
    )


def _span(
    task: int,
    start: int,
    end: int,
    worker: Worker,
    error: str | None,
    running: tuple[tuple[int, int], ...],
    cores: tuple[int, ...] = (),
    trace: str | None = None,
) -> TaskSpan:
    return TaskSpan(
        task,
        start,
        end,
        worker.label,
        error is None,
        error,
        running,
        cores,
        worker.pid,
        worker.native_id,
        traceback=trace,
    )
