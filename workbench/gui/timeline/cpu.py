"""Per-core CPU load under a run's Gantt chart: a line per core, or a heatmap when there are
too many cores for lines to stay readable (lab machines have 32 or more)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import HEATMAP, Theme

MAX_LINES = 8
"""Beyond eight overlapping lines nobody can follow one core; a heatmap shows them all."""
LINE_WIDTH = 3


def uses_heatmap(cores: int) -> bool:
    return cores > MAX_LINES


def interval_edges(times_s: np.ndarray) -> np.ndarray:
    """Edges of the intervals the samples cover: each sample is the average busy % over the
    interval ending at its time, and the first interval starts at the run's start."""
    return np.concatenate([[0.0], times_s]) if times_s.size else np.empty(0)


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
        busy = busy[:, : self.cores]
        if self._image is not None:
            # Rows are cores, columns samples; stretched over [0, last sample] on the time axis
            # (samples are evenly spaced by the sampler, so columns line up with their times).
            self._image.setImage(busy.T, autoLevels=False, levels=(0, 100))
            self._image.setRect(QRectF(0.0, 0.0, float(times[-1]), float(busy.shape[1])))
            return
        edges = interval_edges(times)
        for core, line in enumerate(self._lines):
            if core < busy.shape[1]:
                line.setData(edges, busy[:, core])
