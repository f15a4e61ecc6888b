"""What happened inside each task, as the window draws it (Qt-free, numpy).

A run's running slices (the intervals each task actually ran) and its event-loop lag arrive
with end events while the run streams in, or all at once from a finished
:class:`~workbench.core.results.Run`. Both are kept as flat arrays so a redraw of a
100,000-task run (200,000 slices for a gathered sleep) is a few numpy passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.clock import NS_PER_S
from workbench.core.clock import format_seconds as seconds
from workbench.core.concurrency import StepCounter
from workbench.core.results import LagSample, Run, TaskSpan

NO_CORE = -1


def _cores_of(span: TaskSpan) -> Sequence[int]:
    """The core of each of a span's slices, or "unknown" for each when not recorded."""
    return span.cores if len(span.cores) == len(span.running) else [NO_CORE] * len(span.running)


def _grown(buffer: np.ndarray, held: int, size: int) -> np.ndarray:
    """A buffer of ``size`` holding the first ``held`` of ``buffer``."""
    grown = np.empty(size, np.int64)
    grown[:held] = buffer[:held]
    return grown


class SliceStore:
    """Every running slice of one run: task id, start, end (ns) and core of each.

    Slices are appended as tasks end, and turned into arrays lazily, once per redraw at most:
    only what arrived since the last redraw is converted, and written after the slices held,
    so a live redraw of a 100,000-task run neither re-converts nor copies its 200,000 slices
    (joining the columns anew took ~3 ms a redraw there, ~15 at a million tasks).

    ``capacity``: the slices expected, reserved up front (untouched memory costs nothing
    until it is written; growing copies every slice held in one go).
    """

    def __init__(self, capacity: int = 0) -> None:
        self._new: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        self._held = 0
        """Slices in the buffers: the first ``_held`` of each are in use."""
        self._buffers = tuple(np.empty(capacity, np.int64) for _ in range(4))
        self.running = StepCounter(2 * capacity)
        """Tasks running over time, kept up to date as slices arrive."""
        self.traced_tasks = 0
        """Tasks whose running slices are known (a task with none is "unknown", not idle)."""

    def __len__(self) -> int:
        return self._held + len(self._new[0])

    @property
    def traced(self) -> bool:
        """True once any task's slices are known: the chart then draws alive vs running."""
        return self.traced_tasks > 0

    def add(self, task: int, running: Sequence[tuple[int, int]], cores: Sequence[int] = ()) -> None:
        if not running:
            return
        self.traced_tasks += 1
        n = len(running)
        tasks, starts, ends, cores_new = self._new
        tasks.extend([task] * n)
        for start, end in running:
            starts.append(start)
            ends.append(end)
            self.running.interval(start, end)
        cores_new.extend(cores if len(cores) == n else [NO_CORE] * n)

    @classmethod
    def from_run(cls, run: Run) -> SliceStore:
        """Every slice of a finished run, column by column (a 100,000-task gather has 200,000
        slices, and this runs on the window's loop as the run ends)."""
        store = cls()
        traced = [span for span in run.tasks if span.running]
        store._new = (
            [span.id for span in traced for _ in span.running],
            [start for span in traced for start, _ in span.running],
            [end for span in traced for _, end in span.running],
            [core for span in traced for core in _cores_of(span)],
        )
        store.traced_tasks = len(traced)
        _, start, end, _ = store.arrays()
        store.running = StepCounter.of(start, end)
        return store

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(task, start_ns, end_ns, core) of every slice, in the order they arrived."""
        added = len(self._new[0])
        if added:
            held, total = self._held, self._held + added
            if total > self._buffers[0].size:
                size = max(total, 2 * self._buffers[0].size, 1024)
                self._buffers = tuple(_grown(buffer, held, size) for buffer in self._buffers)
            for buffer, column in zip(self._buffers, self._new, strict=True):
                buffer[held:total] = column
            self._new = ([], [], [], [])
            self._held = total
        task, start, end, core = (buffer[: self._held] for buffer in self._buffers)
        return task, start, end, core

    def of_task(self, task: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One task's slices: start_ns, end_ns, core (empty when unknown)."""
        tasks, start, end, core = self.arrays()
        mine = tasks == task
        return start[mine], end[mine], core[mine]


class LagStore:
    """Event-loop lag samples of one run (async strategies only)."""

    def __init__(self) -> None:
        self._t: list[int] = []
        self._lag: list[int] = []

    def __len__(self) -> int:
        return len(self._t)

    def add(self, samples: Sequence[LagSample]) -> None:
        for sample in samples:
            self._t.append(sample.t_ns)
            self._lag.append(sample.lag_ns)

    @classmethod
    def from_run(cls, run: Run) -> LagStore:
        store = cls()
        store.add(run.loop_lag)
        return store

    def series(self) -> tuple[np.ndarray, np.ndarray]:
        """Sample times (s) and lag (ms), sorted by time."""
        t = np.asarray(self._t, np.float64) / NS_PER_S
        lag = np.asarray(self._lag, np.float64) / 1e6
        order = np.argsort(t, kind="stable")
        return t[order], lag[order]


@dataclass(frozen=True)
class SlicesToDraw:
    """Running slices ready for one draw: seconds, rows and colour index per rectangle."""

    start_s: np.ndarray
    width_s: np.ndarray
    row: np.ndarray
    colour: np.ndarray
    merged_from: int
    """How many slices there were before merging those sharing a pixel."""


def slices_to_draw(
    start_ns: np.ndarray,
    end_ns: np.ndarray,
    row: np.ndarray,
    colour: np.ndarray,
    pixel_s: float,
    pixel_rows: float,
) -> SlicesToDraw:
    """Slices as rectangles at least a pixel wide, merging what would overdraw one pixel.

    Zoomed out on a big run, thousands of slices fall in the same pixel cell (same pixel
    column, same pixel row, same colour): they are drawn once. The cells are anchored at
    time 0 and row 0, not at the view, so panning never needs a redraw; zooming does (the
    chart already redraws when the pixel size changes). Slices wider than two pixels are
    kept as they are, so nothing a reader can resolve is ever merged away.
    """
    start_s = start_ns / NS_PER_S
    width_s = np.maximum((end_ns - start_ns) / NS_PER_S, pixel_s)
    total = int(start_s.size)
    if total == 0 or pixel_s <= 0:
        return SlicesToDraw(start_s, width_s, row, colour, total)
    narrow = width_s <= 2 * pixel_s
    if not narrow.any():
        return SlicesToDraw(start_s, width_s, row, colour, total)
    cell_rows = np.floor(row / pixel_rows).astype(np.int64) if pixel_rows > 1 else row
    column = np.floor(start_s[narrow] / pixel_s).astype(np.int64)
    rows_n = int(cell_rows.max(initial=0)) + 1
    colours_n = int(colour.max(initial=0)) + 1
    if int(column.max(initial=0)) + 1 > np.iinfo(np.int64).max // (rows_n * colours_n):
        return SlicesToDraw(start_s, width_s, row, colour, total)  # zoomed in absurdly far
    key = (column * rows_n + cell_rows[narrow]) * colours_n + colour[narrow]
    first = first_in_each_cell(key)
    keep = np.concatenate([np.flatnonzero(~narrow), np.flatnonzero(narrow)[first]])
    return SlicesToDraw(
        column_start(start_s[keep], narrow[keep], pixel_s),
        np.where(narrow[keep], 2 * pixel_s, width_s[keep]),
        row[keep],
        colour[keep],
        total,
    )


CELL_TABLE = 8_000_000
"""Cells up to which :func:`first_in_each_cell` uses a table rather than sorting."""
TABLE_PER_KEY = 4
"""… and at most this many cells per key."""


def first_in_each_cell(key: np.ndarray) -> np.ndarray:
    """The index of each distinct key's first occurrence, in the order of the keys — what
    ``np.unique(key, return_index=True)[1]`` gives. Zoomed out, the keys (pixel cells) are
    few enough for a table indexed by key: written back to front, each cell keeps its
    first slice, with no sort (2,000,000 slices in task order: 24 ms here against 35 ms for
    unique, which takes longer still on keys out of order). Only where the table is not far
    larger than the keys: 2,000 keys up to 7.9 M took 4.5 ms filling it, 0.03 ms sorted."""
    if key.size == 0:
        return np.zeros(0, np.intp)
    largest = int(key.max())
    if int(key.min()) < 0 or largest >= min(CELL_TABLE, TABLE_PER_KEY * key.size):
        _, first = np.unique(key, return_index=True)
        return first
    dtype = np.int32 if key.size < 2**31 else np.int64
    table: np.ndarray = np.full(largest + 1, -1, dtype)
    table[key[::-1]] = np.arange(key.size - 1, -1, -1)
    kept: np.ndarray = table[table >= 0]
    return kept


def column_start(start_s: np.ndarray, narrow: np.ndarray, pixel_s: float) -> np.ndarray:
    """Merged narrow slices start at their pixel column (so one cell is one rectangle)."""
    return np.where(narrow, np.floor(start_s / pixel_s) * pixel_s, start_s)


def core_text(cores: np.ndarray) -> str | None:
    """ "ran on cores 0, 1" (in order of first use), or None when the OS did not say."""
    known = [int(c) for c in cores if c != NO_CORE]
    if not known:
        return None
    distinct = list(dict.fromkeys(known))
    noun = "core" if len(distinct) == 1 else "cores"
    return f"ran on {noun} {', '.join(str(c) for c in distinct)}"


def inside_text(store: SliceStore, task: int, duration_s: float) -> str | None:
    """The tooltip lines about a task's running slices: how long and where it really ran."""
    start, end, cores = store.of_task(task)
    if start.size == 0:
        return None if store.traced else "running slices not recorded for this workload"
    running_s = float((end - start).sum()) / NS_PER_S
    share = f" ({100 * running_s / duration_s:.0f} % of its life)" if duration_s > 0 else ""
    plural = "slice" if start.size == 1 else "slices"
    lines = [f"running {seconds(running_s)} in {start.size:,} {plural}{share}"]
    where = core_text(cores)
    if where:
        lines.append(where)
    return "\n".join(lines)
