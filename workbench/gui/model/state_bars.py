"""Each task's bar cut into the states of the thread that ran it, ready to draw (Qt-free).

The window colours a task's bar by what its OS thread was doing over its life — running,
waiting for a core, for the GIL or a lock, on IO — from the run's thread timelines (see
:mod:`workbench.core.task_shares`). In lanes, a lane is one thread, coloured over the stretches
its tasks were alive. Pieces are found with binary searches per thread, so a run's cost is
its pieces, not tasks × intervals; where the pieces would still be too many to draw (100,000
coroutines alive at once, each sharing the loop thread's thousands of intervals), each
thread's timeline is first coarsened to the state that dominated each cell of a grid a few
pixels wide, until they fit: what a reader could not resolve anyway. At any zoom a timeline
is drawn at the resolution of a pixel (each column in the state that dominated it).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from workbench.core.results import Run
from workbench.core.task_shares import Ints, TaskStateShares, states_within, timeline_arrays
from workbench.core.task_shares import task_state_shares as _shares

MAX_PIECES = 400_000
"""Pieces drawn at most before the timelines are coarsened (a few ms of numpy and Qt)."""
MAX_CELLS = 1_000_000
"""Pixel cells over every thread's timeline at most (zoomed far in: the pieces are exact)."""
COARSEN_STEP = 4


@dataclass(frozen=True)
class StatePieces:
    """Pieces of bars, one per (row, stretch in one state): ns, row and state code."""

    start_ns: Ints
    end_ns: Ints
    row: Ints
    code: Ints

    def __len__(self) -> int:
        return int(self.start_ns.size)

    def until(self, until_ns: int | None) -> StatePieces:
        """Only what had happened by ``until_ns`` (a replay's clock), cut there."""
        if until_ns is None:
            return self
        shown = self.start_ns < until_ns
        return StatePieces(
            self.start_ns[shown],
            np.minimum(self.end_ns[shown], until_ns),
            self.row[shown],
            self.code[shown],
        )


def _empty() -> StatePieces:
    none = np.empty(0, np.int64)
    return StatePieces(none, none, none, none)


Timeline = tuple[Ints, Ints, Ints]


def _expand(line: Timeline, start: Ints, end: Ints, row: Ints) -> StatePieces:
    """One thread's intervals cut to each [start, end) (on ``row``)."""
    starts, ends, codes = line
    first = np.searchsorted(ends, start, "right")
    after = np.searchsorted(starts, end, "left")
    counts = np.maximum(0, after - first)
    total = int(counts.sum())
    if total == 0:
        return _empty()
    owner = np.repeat(np.arange(start.size), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    interval = first[owner] + offsets
    return StatePieces(
        np.maximum(starts[interval], start[owner]),
        np.minimum(ends[interval], end[owner]),
        row[owner],
        codes[interval],
    )


def _span(line: Timeline) -> int:
    starts, ends, _ = line
    return int(ends[-1] - starts[0]) if starts.size else 0


def _count(line: Timeline, start: Ints, end: Ints) -> int:
    starts, ends, _ = line
    first = np.searchsorted(ends, start, "right")
    after = np.searchsorted(starts, end, "left")
    return int(np.maximum(0, after - first).sum())


def coarsened(line: Timeline, cell_ns: int) -> Timeline:
    """The timeline on a grid of ``cell_ns``: each cell in the state that dominated it
    (cells the sampler never saw the thread in are left out), neighbours merged."""
    starts, ends, codes = line
    if starts.size == 0 or cell_ns <= 0:
        return line
    first, last = int(starts[0]) // cell_ns, -(-int(ends[-1]) // cell_ns)
    cell_start = np.arange(first, last, dtype=np.int64) * cell_ns
    cell_end = cell_start + cell_ns
    ns = states_within(starts, ends, codes, cell_start, cell_end)
    seen = ns.sum(axis=0) > 0
    cell_start, cell_end = cell_start[seen], cell_end[seen]
    dominant = np.argmax(ns[:, seen], axis=0).astype(np.int64)
    if dominant.size == 0:
        return line
    opens = np.ones(dominant.size, bool)
    opens[1:] = (dominant[1:] != dominant[:-1]) | (cell_start[1:] != cell_end[:-1])
    heads = np.flatnonzero(opens)
    tails = np.append(heads[1:], dominant.size) - 1
    return cell_start[heads], cell_end[tails], dominant[heads]


def grid_step(pixel_ns: float) -> int:
    """The largest 1-2-5 × 10ⁿ ns within a pixel: the grid a timeline is drawn on. A step
    from a short list, not the pixel itself, so the picture does not shift with a pixel's
    last digits (a window a few pixels wider, a file reopened) and a redraw reuses it."""
    step = 1
    for candidate in (10**k * m for k in range(13) for m in (1, 2, 5)):
        if candidate > pixel_ns:
            break
        step = candidate
    return step


def _union(start: Ints, end: Ints) -> tuple[Ints, Ints]:
    """Overlapping or touching [start, end) stretches merged (a lane's tasks)."""
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    opens = np.ones(start.size, bool)
    opens[1:] = start[1:] > reach[:-1]
    heads = np.flatnonzero(opens)
    return start[heads], np.maximum.reduceat(end, heads)


class RunStateBars:
    """One finished run's thread timelines indexed for drawing its tasks' states.

    Built once per run (a window keeps it while the run is shown); :meth:`pieces` is then a
    few numpy passes per redraw. ``start_ns``/``end_ns``/``lane`` are the track's arrays,
    indexed by task id.
    """

    def __init__(self, run: Run, start_ns: Ints, end_ns: Ints, lane: npt.NDArray[np.int32]):
        self.run = run
        self.shares: TaskStateShares = _shares(run)
        keys = [timeline.key for timeline in run.threads]
        index = {key: i for i, key in enumerate(keys)}
        self._lines = [timeline_arrays(timeline) for timeline in run.threads]
        thread = np.full(start_ns.size, -1, np.int64)
        for span in run.tasks:
            if span.pid is None or span.native_id is None:
                continue
            found = index.get((span.pid, span.native_id))
            if found is not None and span.id < thread.size:
                thread[span.id] = found
        self._tasks: list[tuple[int, Ints]] = [
            (i, np.flatnonzero(thread == i)) for i in range(len(keys))
        ]
        self._tasks = [(i, tasks) for i, tasks in self._tasks if tasks.size]
        self._start, self._end, self._lane = start_ns, end_ns, lane.astype(np.int64)
        self._cached: tuple[tuple[bool, int], StatePieces] | None = None

    @property
    def known(self) -> bool:
        """True when any task's thread was seen (else there is nothing to colour)."""
        return bool(self._tasks)

    def _stretches(self, tasks: Ints, lanes: bool) -> tuple[Ints, Ints, Ints]:
        start, end = self._start[tasks], self._end[tasks]
        if not lanes:
            return start, end, tasks.astype(np.int64)
        merged_start, merged_end = _union(start, end)
        lane = np.full(merged_start.size, self._lane[tasks[0]], np.int64)
        return merged_start, merged_end, lane

    def pieces(self, *, lanes: bool, pixel_ns: float, budget: int = MAX_PIECES) -> StatePieces:
        """Every task's (or lane's) pieces, each thread's timeline taken at the resolution of
        a pixel (``pixel_ns``): a column shows the state that dominated it, so alternating
        slivers narrower than a pixel do not paint over one another. Coarser still if the
        pieces would exceed ``budget``; exact when the pixel grid would cost more than the
        pieces (zoomed far in on a long run). Kept until the zoom or the layout changes."""
        cell = grid_step(pixel_ns)
        if self._cached is not None and self._cached[0] == (lanes, cell):
            return self._cached[1]
        exact = [(self._lines[i], *self._stretches(tasks, lanes)) for i, tasks in self._tasks]
        cells = sum(_span(line) for line, *_ in exact) / cell
        jobs = exact
        if cells <= MAX_CELLS:
            jobs = [(coarsened(line, cell), a, b, row) for line, a, b, row in exact]
        coarse = cell
        while sum(_count(line, start, end) for line, start, end, _ in jobs) > budget:
            coarse *= COARSEN_STEP
            jobs = [(coarsened(line, coarse), a, b, row) for line, a, b, row in exact]
        parts = [_expand(line, start, end, row) for line, start, end, row in jobs]
        parts = [part for part in parts if len(part)] or [_empty()]
        pieces = StatePieces(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(StatePieces))
        )
        self._cached = ((lanes, cell), pieces)
        return pieces
