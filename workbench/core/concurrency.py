"""Concurrency over time: how many tasks were alive, and how many were actually running.

Pure functions from intervals to step series. They use numpy (a window dependency, like the
exports' readers of big runs): the engine and the run's child never import this module.

A step series is ``(t_ns, count)`` with ``len(t_ns) == len(count) + 1``: ``count[i]`` holds
on ``[t_ns[i], t_ns[i + 1])``, the shape pyqtgraph's ``stepMode="center"`` draws directly.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.results import Run, TaskSpan


@dataclass(frozen=True)
class Concurrency:
    """Tasks alive (begun, not ended) and tasks running (inside a running slice) over time."""

    alive_t_ns: np.ndarray
    alive: np.ndarray
    running_t_ns: np.ndarray
    running: np.ndarray
    """Empty when no task's running slices are known."""

    @property
    def peak_alive(self) -> int:
        return int(self.alive.max(initial=0))

    @property
    def peak_running(self) -> int:
        return int(self.running.max(initial=0))

    @property
    def running_ns(self) -> int:
        """How long at least one task was running: the union of the running slices."""
        return int(np.diff(self.running_t_ns)[self.running > 0].sum())

    @property
    def overlap_share(self) -> float:
        """Share of :attr:`running_ns` during which two or more tasks ran at once."""
        lengths = np.diff(self.running_t_ns)
        total = int(lengths[self.running > 0].sum())
        return int(lengths[self.running > 1].sum()) / total if total else 0.0


def step_counts(starts_ns: np.ndarray, ends_ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many of the intervals ``[start, end)`` cover each stretch of time.

    Returns edges (sorted, distinct) and the count between consecutive edges. An interval of
    zero length counts for no time. Empty input gives empty arrays.
    """
    starts = np.asarray(starts_ns, np.int64).ravel()
    ends = np.asarray(ends_ns, np.int64).ravel()
    if starts.shape != ends.shape:
        raise ValueError("starts and ends differ in length")
    if starts.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ends = np.maximum(starts, ends)
    times = np.concatenate([starts, ends])
    order = np.argsort(times)  # ties: only the level after the whole group is kept
    ordered = times[order]
    level = np.cumsum(np.where(order < starts.size, 1, -1))
    last = np.append(ordered[1:] != ordered[:-1], True)  # the level once every change is in
    edges = ordered[last]
    counts = level[last][:-1]  # after the last edge nothing is alive
    return edges, counts


class StepCounter:
    """The step counts of :func:`step_counts`, for intervals that arrive while a run streams.

    :func:`step_counts` sorts every interval each time it is asked, ~15-20 ms for a live
    100,000-task run, at every redraw. Here each start (+1) and end (-1) is merged into the
    sorted events once, when first asked for after it arrived, and only from the earliest
    new event on is anything recomputed: the running level, and the series (one edge per
    distinct time). A live run's events arrive near "now", so a redraw costs about what
    arrived since the last one plus a copy of the series — at a million tasks, a full
    recomputation (np.insert, a cumulative sum, the distinct edges) held the window's loop
    0.1-0.3 s each redraw. Intervals still open count up to ``now_ns``.

    ``capacity``: the events expected, reserved up front. Untouched memory costs nothing
    until it is written (the pages arrive as events do), whereas growing copies every event
    held into fresh memory in one go: at 100,000 tasks, doubling past 262,144 events held
    the window's loop ~15 ms in one redraw, ~60 ms past 524,288.
    """

    def __init__(self, capacity: int = 0) -> None:
        self._n = 0
        """Events held: the first ``_n`` of each buffer below are in use."""
        self._times = np.empty(0, np.int64)
        self._deltas = np.empty(0, np.int64)
        self._level = np.empty(0, np.int64)
        """Running sum of the deltas, event by event."""
        self._edges_n = 0
        self._edges = np.empty(1, np.int64)
        """The distinct times (one spare slot: "now" for an open interval)."""
        self._levels = np.empty(0, np.int64)
        """The level once every event at that distinct time is in."""
        self._new_times: list[int] = []
        self._new_deltas: list[int] = []
        if capacity > 0:
            self._reserve(capacity)

    @classmethod
    def of(cls, starts_ns: np.ndarray, ends_ns: np.ndarray) -> StepCounter:
        """A counter holding these intervals (all of a finished run at once)."""
        counter = cls()
        starts = np.asarray(starts_ns, np.int64).ravel()
        times = np.concatenate([starts, np.maximum(starts, np.asarray(ends_ns, np.int64))])
        deltas = np.concatenate([np.ones_like(starts), -np.ones_like(starts)])
        order = np.argsort(times, kind="stable")
        counter._place(times[order], deltas[order], 0)
        return counter

    def start(self, t_ns: int) -> None:
        self._new_times.append(t_ns)
        self._new_deltas.append(1)

    def end(self, t_ns: int) -> None:
        self._new_times.append(t_ns)
        self._new_deltas.append(-1)

    def interval(self, start_ns: int, end_ns: int) -> None:
        self.start(start_ns)
        self.end(max(start_ns, end_ns))

    def _reserve(self, n: int) -> None:
        """Room for ``n`` events, doubling (so growing costs O(1) per event over a run)."""
        if n <= self._times.size:
            return
        size = max(n, 2 * self._times.size, 1024)
        for name in ("_times", "_deltas", "_level", "_levels"):
            grown = np.empty(size, np.int64)
            grown[: self._n] = getattr(self, name)[: self._n]
            setattr(self, name, grown)
        edges = np.empty(size + 1, np.int64)
        edges[: self._edges_n] = self._edges[: self._edges_n]
        self._edges = edges

    def _place(self, tail_times: np.ndarray, tail_deltas: np.ndarray, at: int) -> None:
        """Replace every event from index ``at`` on by this sorted tail, then bring the
        level and the distinct edges up to date from there on."""
        n = at + tail_times.size
        self._reserve(n)
        self._times[at:n] = tail_times
        self._deltas[at:n] = tail_deltas
        base = self._level[at - 1] if at else 0
        self._level[at:n] = base + np.cumsum(tail_deltas)
        self._n = n
        if n == 0:
            self._edges_n = 0
            return
        times = self._times[:n]
        # Recount from the first event at the earliest time that changed (events at one time
        # make one edge); the edges before it are unchanged.
        group = int(np.searchsorted(times, times[min(at, n - 1)], "left"))
        kept = int(np.searchsorted(self._edges[: self._edges_n], times[group], "left"))
        last = np.append(times[group + 1 :] != times[group:-1], True)
        new_edges = times[group:][last]
        end = kept + new_edges.size
        self._edges[kept:end] = new_edges
        self._levels[kept:end] = self._level[group:n][last]
        self._edges_n = end

    def _merge(self) -> None:
        if not self._new_times:
            return
        times = np.asarray(self._new_times, np.int64)
        deltas = np.asarray(self._new_deltas, np.int64)
        self._new_times, self._new_deltas = [], []
        order = np.argsort(times, kind="stable")
        times, deltas = times[order], deltas[order]
        held = self._times[: self._n]
        at = int(np.searchsorted(held, times[0], side="right"))
        tail = held[at:]
        where = np.searchsorted(tail, times, side="right")
        self._place(
            np.insert(tail, where, times), np.insert(self._deltas[at : self._n], where, deltas), at
        )

    def series(self, now_ns: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Edges and counts, as :func:`step_counts` gives them with open intervals ending at
        ``now_ns`` (fresh arrays: the counter's own change as events arrive)."""
        self._merge()
        k = self._edges_n
        if k == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        edges, levels = self._edges, self._levels
        if levels[k - 1] > 0 and now_ns is not None and now_ns > edges[k - 1]:
            edges[k] = now_ns
            return edges[: k + 1].copy(), levels[:k].copy()
        return edges[:k].copy(), levels[: k - 1].copy()


def concurrency(spans: Sequence[TaskSpan]) -> Concurrency:
    """Alive and running step series of a run's spans."""
    starts = np.fromiter((s.start_ns for s in spans), np.int64, len(spans))
    ends = np.fromiter((s.end_ns for s in spans), np.int64, len(spans))
    slices = [interval for span in spans for interval in span.running]
    run_starts = np.fromiter((a for a, _ in slices), np.int64, len(slices))
    run_ends = np.fromiter((b for _, b in slices), np.int64, len(slices))
    alive_t, alive = step_counts(starts, ends)
    running_t, running = step_counts(run_starts, run_ends)
    return Concurrency(alive_t, alive, running_t, running)


_of_run: dict[int, Concurrency] = {}


def concurrency_of(run: Run) -> Concurrency:
    """:func:`concurrency` of a run's tasks, computed once per run and forgotten with it.

    The table, the readings and the verdicts each ask for the same runs' series, and at
    100,000 tasks one costs ~0.1 s on the window's event loop. Keyed by identity (hashing
    100,000 spans would cost what it saves) and dropped when the run is: a finished run is
    immutable, and nothing here keeps one alive.
    """
    key = id(run)
    known = _of_run.get(key)
    if known is None:
        known = _of_run[key] = concurrency(run.tasks)
        weakref.finalize(run, _of_run.pop, key, None)
    return known


@dataclass(frozen=True)
class LagStats:
    """Event-loop lag over every sample of some runs: median, 99th percentile, maximum."""

    p50_ns: int
    p99_ns: int
    max_ns: int
    samples: int


def nearest_rank(ordered: Sequence[int], fraction: float) -> int:
    """The nearest-rank percentile of sorted values (no interpolation: a real sample)."""
    rank = max(1, -(-round(fraction * len(ordered) * 1000) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def lag_stats(runs: Sequence[Run]) -> LagStats | None:
    """Lag percentiles pooled over the runs' samples; None when none has any (not async)."""
    lags = sorted(sample.lag_ns for run in runs for sample in run.loop_lag)
    if not lags:
        return None
    return LagStats(nearest_rank(lags, 0.5), nearest_rank(lags, 0.99), lags[-1], len(lags))
