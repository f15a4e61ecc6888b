"""One run's tasks as a Gantt chart: a row per task (or a lane per worker), coloured by worker.

Drawing is organised around what stays fast at 100,000 tasks: one bar item per colour with a
single brush (pyqtgraph then draws all its rectangles in one ``drawRects`` call), data updated
as arrays in place of rebuilding items, and a hit-test shape that is just the bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen

from workbench.gui.model.bar_merge import merge_rows
from workbench.gui.model.formatting import seconds
from workbench.gui.model.live_run import Bars, RunTrack
from workbench.gui.model.untrusted_text import elided
from workbench.gui.theme import COLOUR_SLOTS, FAILED_COLOUR, STANDARD, Theme
from workbench.gui.timeline.slices import ALIVE_HEIGHT, SliceLayer
from workbench.gui.timeline.states import StateLayer

BAR_HEIGHT = 0.8
MAX_LANE_TICKS = 24


class FastBars(pg.BarGraphItem):
    """A bar item whose hit-test shape is its bounding box.

    pyqtgraph's own ``shape()`` builds a path from every rectangle, which takes seconds at
    100k bars and is rebuilt after each update the moment the mouse moves over the chart.
    """

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


def _solid(colour: str) -> tuple[QPen, QBrush]:
    """No outline: an outline per rectangle makes 100k bars ~8× slower to paint. Bars are
    instead kept at least a pixel tall and wide (see :meth:`GanttPlot.draw`)."""
    return QPen(Qt.PenStyle.NoPen), QBrush(QColor(colour))


def _hatched() -> tuple[QPen, QBrush]:
    pen = QPen(QColor(FAILED_COLOUR))
    pen.setCosmetic(True)
    pen.setWidth(2)
    return pen, QBrush(QColor(FAILED_COLOUR), Qt.BrushStyle.DiagCrossPattern)


@dataclass(frozen=True)
class TaskUnderPointer:
    task: int
    worker: str
    start_s: float
    end_s: float
    running: bool
    error: str | None
    others: int
    """Other tasks under the pointer in the same lane (async lanes overlap heavily)."""

    def describe(self) -> str:
        end = "still running" if self.running else seconds(self.end_s)
        lines = [
            f"task {self.task} · {elided(self.worker)}",
            f"start {seconds(self.start_s)} · end {end}",
            f"duration {seconds(self.end_s - self.start_s)}",
        ]
        if self.error:
            lines.append(f"failed: {elided(self.error)}")
        if self.others:
            lines.append(f"(+{self.others} more overlapping here)")
        return "\n".join(lines)


def task_under(
    bars: Bars,
    rows: np.ndarray,
    x: float,
    y: float,
    tolerance: float,
    workers: list[str],
    errors: dict[int, str],
) -> TaskUnderPointer | None:
    """The task whose bar is at (x, y), allowing ``tolerance`` seconds for very short bars;
    in a crowded lane, the one that started last before x."""
    row = round(y)
    if abs(y - row) > BAR_HEIGHT / 2:
        return None
    hits = np.flatnonzero(
        (rows == row) & (bars.start_s - tolerance <= x) & (x <= bars.end_s + tolerance)
    )
    if hits.size == 0:
        return None
    best = hits[np.argmax(bars.start_s[hits])]
    task = int(bars.task[best])
    return TaskUnderPointer(
        task=task,
        worker=workers[int(bars.worker[best])],
        start_s=float(bars.start_s[best]),
        end_s=float(bars.end_s[best]),
        running=bool(bars.running[best]),
        error=errors.get(task),
        others=int(hits.size - 1),
    )


class GanttPlot:
    """Draws a :class:`RunTrack` into a pyqtgraph plot and answers "which task is here?"."""

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        self.plot = plot
        self.theme = theme
        self.lanes = False
        plot.invertY(True)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=True, y=False, alpha=0.25)
        theme.style_axis(plot.getAxis("left"), "task")
        theme.style_axis(plot.getAxis("bottom"))
        self._by_colour = [self._add(*_solid(STANDARD.worker(i))) for i in range(COLOUR_SLOTS)]
        pen, brush = _hatched()
        self._failed = self._add(pen, brush)
        self._failed.setZValue(10)  # above the running slices
        self.slices = SliceLayer(plot, theme)
        self.states = StateLayer(plot, theme)
        self.apply_palette()
        self._bars: Bars | None = None
        self._rows = np.empty(0, np.int64)
        self._track: RunTrack | None = None
        self._drawn_pixel = (0.0, 0.0)

    def apply_palette(self) -> None:
        """Take the theme's worker colours (the next draw uses them)."""
        for index, item in enumerate(self._by_colour):
            item.setOpts(brush=QBrush(QColor(self.theme.palette.worker(index))))
        self.slices.apply_palette(self._by_colour)
        self.states.apply_palette()

    def _add(self, pen: QPen, brush: QBrush) -> FastBars:
        item = FastBars(x0=[], width=[], y0=[], height=[], pen=pen, brush=brush)
        item.hide()
        self.plot.addItem(item)
        return item

    @property
    def bars(self) -> Bars | None:
        """The bars as last drawn (None before the first draw)."""
        return self._bars

    @property
    def rows(self) -> np.ndarray:
        """The row of each drawn bar: its task id, or its worker's lane."""
        return self._rows

    def drawn_rectangles(self) -> int:
        """Rectangles actually handed to Qt, over every colour (failed ones are drawn twice)."""
        items = [*self._by_colour, self._failed]
        return sum(int(np.size(item.opts["x0"])) for item in items if item.isVisible())

    def row_count(self, track: RunTrack) -> int:
        return max(1, len(track.workers) if self.lanes else track.tasks)

    def set_lanes(self, lanes: bool) -> None:
        self.lanes = lanes
        self.theme.style_axis(self.plot.getAxis("left"), "worker" if lanes else "task")

    def pixel_size(self) -> tuple[float, float]:
        """One screen pixel in data units (seconds, rows); zeros before the plot has a size."""
        try:
            width, height = self.plot.vb.viewPixelSize()
        except Exception:
            return 0.0, 0.0
        width, height = abs(width), abs(height)
        finite = np.isfinite(width) and np.isfinite(height)
        return (width, height) if finite else (0.0, 0.0)

    def needs_redraw_for_zoom(self) -> bool:
        """True when the zoom changed enough that the one-pixel minimum bar size is stale."""
        now, then = self.pixel_size(), self._drawn_pixel
        return any(
            (a > 0) != (b > 0) or (a > 0 and not 0.7 < a / b < 1.4)
            for a, b in zip(now, then, strict=True)
        )

    def draw(self, track: RunTrack, clock_ns: int, *, slices: bool = True) -> None:
        """Redraw every bar from the track's arrays (a few numpy passes, one setOpts per colour).

        Bars are at least one pixel tall and wide: a non-antialiased fill of a rectangle
        thinner than a pixel covers no pixel centre and vanishes, which would leave a zoomed-out
        100k-task chart striped with gaps.
        """
        bars = track.bars(clock_ns)
        rows = bars.worker.astype(np.int64) if self.lanes else bars.task
        self._bars, self._rows, self._track = bars, rows, track
        self._drawn_pixel = pixel_w, pixel_h = self.pixel_size()
        width = np.maximum(bars.end_s - bars.start_s, pixel_w)
        height = max(BAR_HEIGHT, pixel_h)
        # alive bars thin and light, running slices (or thread states) over them
        states = self.states.shows(track)
        traced = track.slices.traced or states
        alive = max(ALIVE_HEIGHT, pixel_h) if traced else height
        self.slices.style_alive(self._by_colour, traced)
        colour = np.where(states, -1, bars.worker % len(self.theme.palette.workers))
        for index, item in enumerate(self._by_colour):
            self._fill(item, colour == index, bars.start_s, width, rows, alive)
        self._fill(self.states.unseen, colour == -1, bars.start_s, width, rows, alive)
        self._fill(self._failed, ~bars.ok, bars.start_s, width, rows, height)
        if slices:
            self.draw_slices(track)

    def draw_slices(self, track: RunTrack) -> None:
        """The running slices over the bars, or the thread states in their place, at the
        zoom the bars were last drawn for."""
        pixel_w, pixel_h = self._drawn_pixel
        if self.states.shows(track):
            self.slices.hide()
        else:
            self.slices.draw(track, self.lanes, pixel_w, pixel_h)
        self.states.draw(track, self.lanes, pixel_w, pixel_h)
        self._label_lanes(track)

    def _fill(
        self,
        item: FastBars,
        mask: np.ndarray,
        start: np.ndarray,
        width: np.ndarray,
        rows: np.ndarray,
        height: float,
    ) -> None:
        if not mask.any():
            item.hide()
            return
        pixel_s, pixel_rows = self._drawn_pixel
        rects = merge_rows(start[mask], width[mask], rows[mask], height, pixel_s, pixel_rows)
        item.setOpts(x0=rects.x0, width=rects.width, y0=rects.y0, height=rects.height)
        item.show()

    def _label_lanes(self, track: RunTrack) -> None:
        axis = self.plot.getAxis("left")
        if not self.lanes:
            axis.setTicks(None)
            return
        step = max(1, -(-len(track.workers) // MAX_LANE_TICKS))
        axis.setTicks([[(i, name) for i, name in enumerate(track.workers) if i % step == 0]])

    def task_at(self, scene_pos: QPointF) -> TaskUnderPointer | None:
        """The task under a scene position, with a few pixels of slack for short bars."""
        if self._bars is None or self._track is None:
            return None
        view = self.plot.vb
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        point = view.mapSceneToView(scene_pos)
        pixel_w, _ = view.viewPixelSize()
        return task_under(
            self._bars,
            self._rows,
            point.x(),
            point.y(),
            3 * pixel_w,
            self._track.workers,
            self._track.errors,
        )
