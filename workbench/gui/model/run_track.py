"""One run's state as the window draws it, live or reopened from a file (Qt-free).

Why a model of its own: the engine reports events one batch at a time, while the charts redraw
at most a few times a second from whole arrays. Keeping the per-task state in numpy arrays
indexed by task id makes a batch cheap to apply and a redraw cheap to prepare, even at 100,000
tasks. A finished or reopened run is loaded into the very same structure from its
:class:`~workbench.core.results.Run`, so what you see after reopening a file is drawn by the
same code, from the same numbers, as what you saw when it ran.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.clock import NS_PER_S
from workbench.core.concurrency import StepCounter
from workbench.core.results import CpuSample, LagSample, Run
from workbench.core.timeline import BEGIN_EVENT, TaskEvent
from workbench.gui.model.inside import LagStore, SliceStore

NOT_YET = -1
CHUNK = 50_000
"""Spans per step of a final record built in steps (~10 ms of Python each)."""
EXPECTED_SLICES_PER_TASK = 2
"""Room reserved for running slices: a gathered task that awaits once runs in two steps (more
only grow the store; untouched room costs no memory)."""


def worker_order(label: str) -> tuple[int, str, int]:
    """Sort key for worker labels: "main" first, then "thread-2" before "thread-10".

    The engine numbers workers in the order it first hears from them, which is also the order
    a live track meets them, so this keeps a worker's colour when the finished run replaces
    what streamed in, and gives a reopened file the same colours.
    """
    kind, _, number = label.rpartition("-")
    if label == "main" or not number.isdigit():
        return (0 if label == "main" else 1, label, 0)
    return (1, kind, int(number))


@dataclass(frozen=True)
class Bars:
    """The bars of one run at one instant, in seconds, ready to draw (only begun tasks)."""

    task: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    worker: np.ndarray
    """Index into :attr:`RunTrack.workers` of the worker that ran each task."""
    ok: np.ndarray
    running: np.ndarray
    """True for tasks that have begun but not ended (their bar ends at "now")."""


def cut_steps(
    edges: np.ndarray, counts: np.ndarray, until_ns: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """A step series up to ``until_ns`` (the whole series when it is None)."""
    if until_ns is None or edges.size == 0 or edges[-1] <= until_ns:
        return edges, counts
    kept = int(np.searchsorted(edges, until_ns, "right"))
    if kept == 0:
        return edges[:0], counts[:0]
    return np.append(edges[:kept], until_ns), counts[:kept]


@dataclass(frozen=True)
class FinalColumns:
    """A finished run as a track holds it: per-task columns indexed by task id.

    Column by column (one pass over the spans each, then numpy). At a million tasks this is
    ~0.2 s of Python over the spans, so a live run's is built in steps between turns of the
    window's loop and put in place in an instant (:meth:`RunTrack.take`).
    """

    run: Run
    tasks: int
    start_ns: np.ndarray
    end_ns: np.ndarray
    worker: np.ndarray
    ok: np.ndarray
    workers: tuple[str, ...]
    errors: dict[int, str]
    lag: LagStore
    alive: StepCounter | None
    """None when the alive counts and slices that streamed in are the run's already."""
    slices: SliceStore | None

    @classmethod
    def of(cls, run: Run, rows: int = 0, streamed_tasks: int = -1) -> FinalColumns:
        """``rows``: the columns' length at least (the configured tasks); ``streamed_tasks``:
        how many tasks streamed in whole (begun and ended) to the track this replaces, -1 when
        not all that began also ended."""
        steps = cls.in_steps(run, rows, streamed_tasks, chunk=max(1, len(run.tasks)))
        while (final := _step(steps)) is None:
            pass
        return final

    @classmethod
    def in_steps(
        cls, run: Run, rows: int = 0, streamed_tasks: int = -1, chunk: int = CHUNK
    ) -> Generator[None, None, FinalColumns]:
        """:meth:`of`, pausing (yielding) after each ``chunk`` of spans: a caller on the
        window's loop gives the loop a turn there (a thread would not do: every Qt call the
        window's thread makes hands the GIL over, and taking it back waits out the thread's
        switch interval, so a redraw meanwhile stalls many times over)."""
        spans, n = run.tasks, len(run.tasks)
        ids, starts, ends = (np.empty(n, np.int64) for _ in range(3))
        codes = np.empty(n, np.int32)
        ok = np.empty(n, bool)
        seen: dict[str, int] = {}  # worker -> code, in order of first appearance
        errors: dict[int, str] = {}
        cores = False
        for at in range(0, n, chunk):
            part = spans[at : at + chunk]
            m, cut = len(part), slice(at, at + len(part))
            ids[cut] = np.fromiter((span.id for span in part), np.int64, m)
            starts[cut] = np.fromiter((span.start_ns for span in part), np.int64, m)
            ends[cut] = np.fromiter((span.end_ns for span in part), np.int64, m)
            codes[cut] = np.fromiter(
                (seen.setdefault(span.worker, len(seen)) for span in part), np.int32, m
            )
            ok[cut] = np.fromiter((span.ok for span in part), bool, m)
            errors.update((span.id, span.error) for span in part if span.error is not None)
            cores = cores or any(span.cores for span in part)
            yield
        # Every span streamed in whole (its end included) and no core to add (the stream
        # carries none): its slices and the alive counts are already there, built from the
        # very same events, and need no second pass.
        streamed = streamed_tasks == n and not cores
        size = max(rows, int(ids.max(initial=-1)) + 1)
        start_ns = np.full(size, NOT_YET, np.int64)
        end_ns = np.full(size, NOT_YET, np.int64)
        worker = np.full(size, NOT_YET, np.int32)
        ok_of = np.ones(size, bool)
        workers = tuple(sorted(seen, key=worker_order))
        place = {name: i for i, name in enumerate(workers)}
        recode = np.array([place[name] for name in seen], np.int32)
        start_ns[ids] = starts
        end_ns[ids] = ends
        worker[ids] = recode[codes] if n else codes
        ok_of[ids] = ok
        alive = None if streamed else StepCounter.of(starts, ends)
        slices = None if streamed else SliceStore.from_run(run)
        return cls(
            run,
            n,
            start_ns,
            end_ns,
            worker,
            ok_of,
            workers,
            errors,
            LagStore.from_run(run),
            alive,
            slices,
        )


class RunTrack:
    """One strategy run's tasks and CPU samples, filled in as events arrive."""

    def __init__(self, strategy: str, repeat_index: int, tasks: int, interpreter: str = "") -> None:
        self.strategy = strategy
        self.repeat_index = repeat_index
        self.interpreter = interpreter
        """The label of the interpreter it runs on ("" when unknown)."""
        self.start_ns = np.full(tasks, NOT_YET, np.int64)
        self.end_ns = np.full(tasks, NOT_YET, np.int64)
        self.worker = np.full(tasks, NOT_YET, np.int32)
        self.ok = np.ones(tasks, bool)
        self.errors: dict[int, str] = {}
        self.workers: list[str] = []
        self._worker_index: dict[str, int] = {}
        self.cpu_t_ns: list[int] = []
        self.cpu_busy: list[tuple[float, ...]] = []
        self.slices = SliceStore(EXPECTED_SLICES_PER_TASK * tasks)
        """When each task actually ran (they arrive with end events; see the inside module)."""
        self.alive = StepCounter(2 * tasks)
        """Tasks alive over time, kept up to date as events arrive (cheap to redraw live)."""
        self.lag = LagStore()
        self.begun = 0
        self.ended = 0
        self.run: Run | None = None
        self.until_ns: int | None = None
        """A replay's clock: when set, only what had happened by then is shown."""
        self._latest_ns = 0
        self._latest_seen_at: int | None = None

    @property
    def tasks(self) -> int:
        return len(self.start_ns)

    @property
    def finished(self) -> bool:
        return self.run is not None

    def _index_of(self, worker: str) -> int:
        index = self._worker_index.get(worker)
        if index is None:
            index = self._worker_index[worker] = len(self.workers)
            self.workers.append(worker)
        return index

    def _fit(self, task_id: int) -> None:
        """Grow the arrays if a task id is beyond the configured count (never expected)."""
        if task_id < self.tasks:
            return
        grow = max(task_id + 1, 2 * self.tasks) - self.tasks
        self.start_ns = np.concatenate([self.start_ns, np.full(grow, NOT_YET, np.int64)])
        self.end_ns = np.concatenate([self.end_ns, np.full(grow, NOT_YET, np.int64)])
        self.worker = np.concatenate([self.worker, np.full(grow, NOT_YET, np.int32)])
        self.ok = np.concatenate([self.ok, np.ones(grow, bool)])

    def _saw(self, t_ns: int, clock_ns: int) -> None:
        if t_ns >= self._latest_ns:
            self._latest_ns, self._latest_seen_at = t_ns, clock_ns

    def apply(self, events: Sequence[TaskEvent], clock_ns: int) -> None:
        """Apply one batch of begin/end events; ``clock_ns`` is when the batch arrived."""
        for event in events:
            task = event.task_id
            self._fit(task)
            if event.kind == BEGIN_EVENT:
                if self.start_ns[task] == NOT_YET:
                    self.begun += 1
                    self.alive.start(event.t_ns)
                    self.start_ns[task] = event.t_ns
                self.worker[task] = self._index_of(event.worker)
            else:
                if self.start_ns[task] == NOT_YET:  # an end without a begin: a zero-length bar
                    self.start_ns[task] = event.t_ns
                    self.worker[task] = self._index_of(event.worker)
                    self.begun += 1
                    self.alive.start(event.t_ns)
                if self.end_ns[task] == NOT_YET:
                    self.ended += 1
                    self.alive.end(max(event.t_ns, int(self.start_ns[task])))
                    self.slices.add(task, event.running)
                self.end_ns[task] = event.t_ns
                if event.error is not None:
                    self.ok[task] = False
                    self.errors[task] = event.error
        if events:
            self._saw(max(event.t_ns for event in events), clock_ns)

    def add_sample(self, sample: CpuSample, clock_ns: int) -> None:
        self.cpu_t_ns.append(sample.t_ns)
        self.cpu_busy.append(sample.per_core)
        self._saw(sample.t_ns, clock_ns)

    def add_lag(self, samples: Sequence[LagSample], clock_ns: int) -> None:
        self.lag.add(samples)
        if samples:
            self._saw(max(sample.t_ns for sample in samples), clock_ns)

    def finish(self, run: Run) -> None:
        """Replace what streamed in by the run's final record: it is the authority (tasks that
        never ended are closed there, as failed)."""
        self.take(FinalColumns.of(run, self.tasks, self._streamed_tasks))

    def final_columns(self, run: Run) -> Generator[None, None, FinalColumns]:
        """What :meth:`take` needs of a finished run, in steps (see
        :meth:`FinalColumns.in_steps`); its events must all have arrived."""
        return FinalColumns.in_steps(run, self.tasks, self._streamed_tasks)

    @property
    def _streamed_tasks(self) -> int:
        """How many tasks streamed in whole; -1 when not all that began also ended."""
        return self.ended if self.ended == self.begun else -1

    async def final_columns_in_turns(self, run: Run, turn_s: float) -> FinalColumns:
        """:meth:`final_columns`, a turn of the event loop (a real timer of ``turn_s``, so
        that Qt paints and serves due timers) between its steps."""
        steps = self.final_columns(run)
        while (final := _step(steps)) is None:
            await asyncio.sleep(turn_s)
        return final

    def take(self, final: FinalColumns) -> None:
        """Put the run's final record in place (quick: the columns are ready)."""
        self.start_ns, self.end_ns, self.worker, self.ok = (
            final.start_ns,
            final.end_ns,
            final.worker,
            final.ok,
        )
        self.workers = list(final.workers)
        self._worker_index = {worker: i for i, worker in enumerate(self.workers)}
        self.errors = final.errors
        self.begun = self.ended = final.tasks
        self.cpu_t_ns = [sample.t_ns for sample in final.run.cpu_samples]
        self.cpu_busy = [sample.per_core for sample in final.run.cpu_samples]
        if final.alive is not None and final.slices is not None:
            self.alive, self.slices = final.alive, final.slices
        self.lag = final.lag
        self.run = final.run

    @classmethod
    def from_run(cls, run: Run, tasks: int) -> RunTrack:
        track = cls(run.strategy, run.repeat_index, tasks, run.interpreter_label)
        track.finish(run)
        return track

    def now_ns(self, clock_ns: int) -> int:
        """Where "now" is on this run's time axis: the replay's clock when replaying, its wall
        time once finished, otherwise the latest reported time moved on by however long ago it
        was reported."""
        if self.until_ns is not None:
            return self.until_ns
        if self.run is not None:
            return self.run.wall_ns
        if self._latest_seen_at is None:
            return 0
        return self._latest_ns + max(0, clock_ns - self._latest_seen_at)

    def axis_end_ns(self, clock_ns: int) -> int:
        """Where this run's time axis ends: its wall time once finished — during a replay too,
        so its bars grow across a fixed axis, not one that grows with them — otherwise now."""
        return self.run.wall_ns if self.run is not None else self.now_ns(clock_ns)

    def bars(self, clock_ns: int) -> Bars:
        """Every begun task as a bar; running tasks end at "now" (during a replay, every task
        that had begun by the replay's clock, cut at it)."""
        begun = self.start_ns != NOT_YET
        if self.until_ns is not None:
            begun &= self.start_ns <= self.until_ns
        shown = np.flatnonzero(begun)
        start = self.start_ns[shown]
        end = self.end_ns[shown]
        running = end == NOT_YET
        if self.until_ns is not None:
            running |= end > self.until_ns
        end = np.where(running, np.maximum(start, self.now_ns(clock_ns)), end)
        begun = shown
        return Bars(
            task=begun,
            start_s=start / NS_PER_S,
            end_s=end / NS_PER_S,
            worker=self.worker[begun],
            ok=self.ok[begun] | running,
            running=running,
        )

    def cpu(self) -> tuple[np.ndarray, np.ndarray]:
        """Sample end times (s) and busy % as an (n_samples, n_cores) array."""
        times = np.asarray(self.cpu_t_ns, dtype=np.float64) / NS_PER_S
        if not self.cpu_busy:
            return times, np.empty((0, 0))
        busy = np.asarray(self.cpu_busy, dtype=np.float64)
        if self.until_ns is None:
            return times, busy
        shown = times <= self.until_ns / NS_PER_S
        return times[shown], busy[shown]

    # -- inside the tasks, cut at the replay's clock -------------------------------------

    def alive_series(self, clock_ns: int) -> tuple[np.ndarray, np.ndarray]:
        """Tasks alive over time (edges in ns, counts)."""
        now = self.now_ns(clock_ns)
        return cut_steps(*self.alive.series(now), self.until_ns)

    def running_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Tasks running over time (edges in ns, counts), known as tasks end."""
        return cut_steps(*self.slices.running.series(), self.until_ns)

    def slice_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(task, start_ns, end_ns, core) of every running slice shown."""
        task, start, end, core = self.slices.arrays()
        if self.until_ns is None:
            return task, start, end, core
        shown = start < self.until_ns
        return task[shown], start[shown], np.minimum(end[shown], self.until_ns), core[shown]

    def lag_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Event-loop lag samples: times (s) and lag (ms)."""
        t, lag = self.lag.series()
        if self.until_ns is None:
            return t, lag
        shown = t <= self.until_ns / NS_PER_S
        return t[shown], lag[shown]


def _step(steps: Generator[None, None, FinalColumns]) -> FinalColumns | None:
    """One step of building a final record: None while there are more, then the record."""
    try:
        next(steps)
    except StopIteration as done:
        final: FinalColumns = done.value
        return final
    return None
