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
    sorted events once, when first asked for after it arrived, so a redraw costs a merge of
    what is new and one cumulative sum. Intervals still open count up to ``now_ns``.
    """

    def __init__(self) -> None:
        self._times = np.empty(0, np.int64)
        self._deltas = np.empty(0, np.int64)
        self._new_times: list[int] = []
        self._new_deltas: list[int] = []

    @classmethod
    def of(cls, starts_ns: np.ndarray, ends_ns: np.ndarray) -> StepCounter:
        """A counter holding these intervals (all of a finished run at once)."""
        counter = cls()
        starts = np.asarray(starts_ns, np.int64).ravel()
        times = np.concatenate([starts, np.maximum(starts, np.asarray(ends_ns, np.int64))])
        deltas = np.concatenate([np.ones_like(starts), -np.ones_like(starts)])
        order = np.argsort(times, kind="stable")
        counter._times, counter._deltas = times[order], deltas[order]
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

    def _merge(self) -> None:
        if not self._new_times:
            return
        times = np.asarray(self._new_times, np.int64)
        deltas = np.asarray(self._new_deltas, np.int64)
        self._new_times, self._new_deltas = [], []
        order = np.argsort(times, kind="stable")
        times, deltas = times[order], deltas[order]
        at = np.searchsorted(self._times, times, side="right")
        self._times = np.insert(self._times, at, times)
        self._deltas = np.insert(self._deltas, at, deltas)

    def series(self, now_ns: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Edges and counts, as :func:`step_counts` gives them with open intervals ending at
        ``now_ns``."""
        self._merge()
        if self._times.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        level = np.cumsum(self._deltas)
        last = np.append(self._times[1:] != self._times[:-1], True)
        edges, levels = self._times[last], level[last]
        if levels[-1] > 0 and now_ns is not None and now_ns > edges[-1]:
            return np.append(edges, now_ns), levels
        return edges, levels[:-1]


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
