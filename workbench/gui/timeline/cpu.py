"""Per-core CPU load under a run's Gantt chart: a line per core, or a heatmap when there are
too many cores for lines to stay readable (lab machines have 32 or more)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from workbench.core.sampler import MIN_INTERVAL_S
from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import HEATMAP, Theme

MAX_LINES = 8
"""Beyond eight overlapping lines nobody can follow one core; a heatmap shows them all."""
LINE_WIDTH = 3
MAX_COLUMNS = 4_000
"""A heatmap's most columns: a long run's samples are drawn on no finer a grid."""
SHORTEST_INTERVAL_S = 0.9 * MIN_INTERVAL_S
"""A CPU interval shorter than this is merged with a neighbour before it is drawn; a little
under the sampler's shortest, so that a regular sample a hair early is drawn as it is."""


def uses_heatmap(cores: int) -> bool:
    return cores > MAX_LINES


def interval_edges(times_s: np.ndarray) -> np.ndarray:
    """Edges of the intervals the samples cover: each sample is the average busy % over the
    interval ending at its time, and the first interval starts at the run's start."""
    return np.concatenate([[0.0], times_s]) if times_s.size else np.empty(0)


def readable_intervals(
    times_s: np.ndarray, busy: np.ndarray, shortest_s: float = SHORTEST_INTERVAL_S
) -> tuple[np.ndarray, np.ndarray]:
    """The samples' intervals (edges, busy % per interval and core), each shorter than
    ``shortest_s`` merged into the next (the last into the one before), weighted by length.

    The kernel counts CPU time in 10 ms ticks, so a short interval's busy % is mostly
    rounding: the engine also samples at the run's start and end, between the sampler's
    regular 0.2 s, and an interval of 42 ms read 0 % on both cores while 32 threads sent
    their first requests. Merged, the ticks the two intervals counted are spread over both.
    Samples are put in time order first: two threads hand them on, and may swap two.
    """
    if np.any(np.diff(times_s) < 0):
        order = np.argsort(times_s, kind="stable")
        times_s, busy = times_s[order], busy[order]
    edges = interval_edges(times_s)
    if edges.size < 3:
        return edges, busy
    lengths = np.diff(edges)
    starts = _group_starts(lengths.tolist(), shortest_s)
    if len(starts) == lengths.size:
        return edges, busy  # every interval long enough: the samples as they were read
    ends = [*starts[1:], lengths.size]
    merged = busy[starts]  # a sample on its own, exactly as read; a group, its mean:
    for k in np.flatnonzero(np.subtract(ends, starts) > 1):  # at a run's start and end
        weights, rows = lengths[starts[k] : ends[k]], busy[starts[k] : ends[k]]
        total = weights.sum()
        merged[k] = weights @ rows / total if total > 0 else rows.mean(axis=0)
    return edges[[*starts, lengths.size]], merged


def _group_starts(lengths: list[float], shortest_s: float) -> list[int]:
    """Where each merged interval starts, among intervals of ``lengths``: each group runs
    until it is ``shortest_s`` long; a short last group joins the one before."""
    starts, length = [0], 0.0
    for i, piece in enumerate(lengths[:-1]):
        length += piece
        if length >= shortest_s:
            starts.append(i + 1)
            length = 0.0
    if len(starts) > 1 and sum(lengths[starts[-1] :]) < shortest_s:
        starts.pop()
    return starts


class CpuPlot:
    """Draws a track's CPU samples; the x axis is linked to the Gantt chart above it."""

    def __init__(self, plot: pg.PlotItem, cores: int, theme: Theme) -> None:
        self.plot = plot
        self.cores = cores
        self.theme = theme
        self.heatmap = uses_heatmap(cores)
        theme.time_row(plot)
        self._lines: list[pg.PlotDataItem] = []
        self._image: pg.ImageItem | None = None
        if self.heatmap:
            self._image = pg.ImageItem(axisOrder="row-major")
            self._image.setColorMap(pg.colormap.get(HEATMAP))
            self._image.setLevels((0, 100))
            plot.addItem(self._image)
            plot.invertY(True)
            plot.setYRange(0, cores, padding=0)
            theme.style_axis(plot.getAxis("left"), "core")
        else:
            # No horizontal grid from the axis (pyqtgraph then clips the 0 and 100 labels to
            # the plot); a faint line marks half load instead.
            plot.showGrid(x=True, y=False, alpha=0.25)
            half = pg.InfiniteLine(50, angle=0, pen=pg.mkPen("#B0B0B0", width=1))
            plot.addItem(half)
            plot.setYRange(-8, 108, padding=0)  # room for the 0 and 100 tick labels
            theme.style_axis(plot.getAxis("left"), "CPU %")
            left = plot.getAxis("left")
            left.setTicks([[(0, "0"), (50, "50"), (100, "100")]])
            # pyqtgraph drops labels that fill more than 80 % of a short axis: keep all three.
            left.setStyle(textFillLimits=[(0, 1.0)])
            for _ in range(cores):
                line = pg.PlotDataItem(stepMode="center")
                plot.addItem(line)
                self._lines.append(line)
            self.apply_palette()

    def apply_palette(self) -> None:
        """A line per core in the theme's core colours (the heatmap keeps its colour map)."""
        for core, line in enumerate(self._lines):
            line.setPen(pg.mkPen(self.theme.palette.core(core), width=LINE_WIDTH))

    @property
    def image(self) -> pg.ImageItem | None:
        """The heatmap (None when drawing lines)."""
        return self._image

    def draw(self, track: RunTrack) -> None:
        times, busy = track.cpu()
        if times.size == 0:
            for line in self._lines:
                line.setData([], [])
            if self._image is not None:
                self._image.clear()
            return
        edges, busy = readable_intervals(times, busy[:, : self.cores])
        if self._image is not None:
            # Rows are cores, columns a grid of the shortest interval's width over [0, last
            # sample]: each column shows the interval its middle falls in.
            grid = _even_columns(edges)
            self._image.setImage(busy[grid].T, autoLevels=False, levels=(0, 100))
            self._image.setRect(QRectF(0.0, 0.0, float(edges[-1]), float(busy.shape[1])))
            return
        for core, line in enumerate(self._lines):
            if core < busy.shape[1]:
                line.setData(edges, busy[:, core])


def _even_columns(edges: np.ndarray) -> np.ndarray:
    """For a heatmap's evenly spaced columns over ``edges``' span: the interval each
    column's middle falls in (an image's columns cannot have widths of their own)."""
    lengths = np.diff(edges)
    positive = lengths[lengths > 0]
    if positive.size == 0:
        return np.zeros(lengths.size, dtype=np.intp)
    span = float(edges[-1] - edges[0])
    # Rounded up: no column wider than the shortest interval, so none is skipped.
    count = min(MAX_COLUMNS, max(1, math.ceil(span / float(positive.min()) - 1e-9)))
    middles = edges[0] + (np.arange(count) + 0.5) * span / count
    found = np.searchsorted(edges, middles, side="right") - 1
    return np.clip(found, 0, lengths.size - 1)
