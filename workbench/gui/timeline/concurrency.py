"""Tasks alive vs tasks actually running, as two step lines under a run's Gantt chart.

Threads on CPU work: two alive, one running (the GIL). A process pool: both running. Gathered
sleeps: every task alive, almost none running. The counting is the core's
(:mod:`workbench.core.concurrency`); this only draws it on the shared time axis.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.clock import NS_PER_S
from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import Theme, lighter

ALIVE_COLOUR = "#4E79A7"
RUNNING_COLOUR = "#202020"
LINE_WIDTH = 3


ALIVE, RUNNING = "alive", "running"
BOTH = (ALIVE, RUNNING)

Steps = tuple[np.ndarray, np.ndarray]
"""Edges in seconds and the count between consecutive edges."""


def concurrency_series(track: RunTrack, clock_ns: int, line: str) -> Steps:
    """The ``alive`` or ``running`` step series of a track so far.

    Tasks still running count as alive up to "now"; running slices are known once a task
    ends, so live the running line trails the alive one. The counts are kept by the track as
    events arrive (:class:`~workbench.core.concurrency.StepCounter`), so this is cheap live.
    """
    if line == ALIVE:
        edges, counts = track.alive_series(clock_ns)
    else:
        edges, counts = track.running_series()
    return edges / NS_PER_S, counts


def reduce_steps(
    edges: np.ndarray, counts: np.ndarray, x0: float, x1: float, pixel: float
) -> tuple[np.ndarray, np.ndarray]:
    """The steps over ``[x0, x1]``, at most two per pixel column (its max, then its min).

    A 100,000-task run has 200,000 alive steps and 400,000 running ones; stroking them all
    takes ~0.4 s a paint. Per pixel, the max and min draw the same picture (every peak
    stays), so only the visible columns are kept; the plot recomputes when the view moves.
    """
    if counts.size == 0 or x1 <= x0 or pixel <= 0:
        return edges, counts
    lo = max(0, int(np.searchsorted(edges, x0, "right")) - 1)
    hi = min(counts.size, int(np.searchsorted(edges, x1, "left")))
    if hi <= lo:
        return edges[:0], counts[:0]
    e, c = edges[lo : hi + 1], counts[lo:hi]
    if c.size <= 2 * (x1 - x0) / pixel:
        return e, c
    bins = np.floor((e[:-1] - x0) / pixel).astype(np.int64)
    firsts = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
    high = np.maximum.reduceat(c, firsts)
    low = np.minimum.reduceat(c, firsts)
    left = x0 + bins[firsts] * pixel
    reduced_edges = np.column_stack([left, left + pixel / 2]).ravel()
    end = max(float(e[-1]), float(reduced_edges[-1]) + pixel / 2)
    return np.append(reduced_edges, end), np.column_stack([high, low]).ravel()


class ConcurrencyPlot:
    """Two step lines, y in tasks; the x axis is linked to the Gantt chart above."""

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        self.plot = plot
        theme.time_row(plot, "tasks")
        plot.showGrid(x=True, y=False, alpha=0.25)
        self.alive = pg.PlotDataItem(
            pen=pg.mkPen(ALIVE_COLOUR, width=LINE_WIDTH),
            stepMode="center",
            fillLevel=0,
            brush=lighter(ALIVE_COLOUR, 0.7),
            name="alive",
        )
        self.running = pg.PlotDataItem(
            pen=pg.mkPen(RUNNING_COLOUR, width=LINE_WIDTH), stepMode="center", name="running"
        )
        for line in (self.alive, self.running):
            line.setClipToView(True)
            plot.addItem(line)
        left = plot.getAxis("left")
        left.setStyle(textFillLimits=[(0, 1.0)])  # keep both tick labels on a short axis
        self.peaks = (0, 0)
        self._key: tuple[int, ...] | None = None
        self._series: dict[str, Steps] = {line: (np.empty(0), np.empty(0)) for line in BOTH}
        self._shown: tuple[float, float, float] | None = None
        plot.vb.sigXRangeChanged.connect(self._view_moved)

    def draw(self, track: RunTrack, clock_ns: int, lines: tuple[str, ...] = BOTH) -> None:
        """Redraw ``lines`` from the track (a live redraw may do one line per turn)."""
        live = track.run is None and track.begun > track.ended
        key = (
            id(track),
            track.begun,
            track.ended,
            len(track.slices),
            int(track.finished),
            track.until_ns,
        )
        if key == self._key and not live:
            return  # nothing moved (a finished run is counted once)
        if lines == BOTH:
            self._key = key
        for line in lines:
            self._series[line] = concurrency_series(track, clock_ns, line)
        self._reduce(lines)
        alive, running = (int(self._series[line][1].max(initial=0)) for line in BOTH)
        self.peaks = (alive, running)
        top = max(1, alive, running)
        ticks = [(0, "0"), (top, f"{top:,}")]
        if top >= 4:
            ticks.insert(1, (top // 2, f"{top // 2:,}"))
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.setYRange(-0.12 * top, top * 1.18, padding=0)  # room for the 0 and top labels

    def _view_moved(self, *_: object) -> None:
        """Re-reduce the steps to the visible range when it moved by more than a pixel."""
        (x0, x1), width = self.plot.vb.viewRange()[0], self.plot.vb.width()
        pixel = (x1 - x0) / max(width, 1.0)
        last = self._shown
        if last is not None and abs(last[0] - x0) < pixel and abs(last[1] - x1) < pixel:
            return
        self._reduce(BOTH)

    def _reduce(self, lines: tuple[str, ...]) -> None:
        """Hand ``lines`` to pyqtgraph, reduced to the visible range at pixel resolution."""
        (x0, x1), width = self.plot.vb.viewRange()[0], self.plot.vb.width()
        pixel = (x1 - x0) / max(width, 1.0)
        self._shown = (x0, x1, pixel)
        for line in lines:
            edges, counts = self._series[line]
            shown_t, shown = reduce_steps(edges, counts, x0, x1, pixel)
            item = self.alive if line == ALIVE else self.running
            if shown.size:
                item.setData(shown_t, shown)
            else:
                item.setData([], [])


def concurrency_legend() -> str:
    """Rich text for the timeline's legend line: what the two step lines are."""
    return (
        f'<span style="color:{ALIVE_COLOUR}">▬</span>&nbsp;tasks&nbsp;alive&nbsp;&nbsp;'
        f'<span style="color:{RUNNING_COLOUR}">▬</span>&nbsp;tasks&nbsp;running'
    )
