"""Running slices over the Gantt chart's bars: a task is a thin, light "alive" bar with thick
slices where it actually ran, so threads on CPU work visibly take turns under the GIL.

Same rule as the bars beneath: one bar item per colour with a single brush (one
``drawRects`` call each), never a brush per slice. Slices sharing a pixel are merged before
drawing (see :func:`workbench.gui.model.inside.slices_to_draw`), which keeps a 100,000-task run's
200,000 slices cheap when zoomed out, and exact when zoomed in.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen

from workbench.gui.model.inside import SlicesToDraw, slices_to_draw
from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import COLOUR_SLOTS, Theme, lighter

ALIVE_HEIGHT = 0.3
"""The alive bar's height (rows) once slices are known: thin, so running slices stand out."""
RUNNING_HEIGHT = 0.8
LIGHTEN = 0.55
"""How far the alive bar's colour is mixed towards white."""
SLICE_Z = 5


class _Bars(pg.BarGraphItem):
    """Bounding-box hit shape, as :class:`workbench.gui.timeline.gantt.FastBars` explains."""

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


def slice_legend() -> str:
    """Rich text for the panel title: what thin and thick mean."""
    grey = "#7F7F7F"
    return (
        f'<span style="color:{lighter(grey, LIGHTEN).name()}">▬</span>&nbsp;alive (waiting)'
        f'&nbsp;&nbsp;<span style="color:{grey}">█</span>&nbsp;running'
    )


class SliceLayer:
    """The running slices of one Gantt chart, drawn above its alive bars."""

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        self.plot = plot
        self.theme = theme
        self.by_core = False
        self._items = [self._add() for _ in range(COLOUR_SLOTS)]
        self._core_items = [self._add() for _ in range(COLOUR_SLOTS)]
        self._alive_brushes: list[QBrush] = []
        self._solid_brushes: list[QBrush] = []
        self._light: bool | None = None
        self.drawn: SlicesToDraw | None = None

    def apply_palette(self, alive_items: list[pg.BarGraphItem]) -> None:
        """Take the theme's colours for slices, and for the alive bars beneath them."""
        palette = self.theme.palette
        for index, (item, core) in enumerate(zip(self._items, self._core_items, strict=True)):
            item.setOpts(brush=QColor(palette.worker(index)))
            core.setOpts(brush=QColor(palette.core(index)))
        colours = [palette.worker(index) for index in range(COLOUR_SLOTS)]
        self._alive_brushes = [QBrush(lighter(colour, LIGHTEN)) for colour in colours]
        self._solid_brushes = [QBrush(QColor(colour)) for colour in colours]
        light, self._light = self._light, None
        if light is not None:
            self.style_alive(alive_items, light)

    def _add(self) -> _Bars:
        item = _Bars(x0=[], width=[], y0=[], height=[], pen=QPen(Qt.PenStyle.NoPen))
        item.setZValue(SLICE_Z)
        item.hide()
        self.plot.addItem(item)
        return item

    def style_alive(self, alive_items: list[pg.BarGraphItem], traced: bool) -> None:
        """Alive bars are light once slices are known, full colour otherwise (unknown)."""
        if self._light is traced:
            return
        self._light = traced
        brushes = self._alive_brushes if traced else self._solid_brushes
        for item, brush in zip(alive_items, brushes, strict=False):
            item.setOpts(brush=brush)

    def drawn_slices(self) -> int:
        """Rectangles handed to Qt for slices (after merging)."""
        items = [*self._items, *self._core_items]
        return sum(int(np.size(item.opts["x0"])) for item in items if item.isVisible())

    def hide(self) -> None:
        for item in (*self._items, *self._core_items):
            item.hide()
        self.drawn = None

    def draw(self, track: RunTrack, lanes: bool, pixel_s: float, pixel_rows: float) -> None:
        store = track.slices
        if not store.traced:
            self.hide()
            return
        task, start_ns, end_ns, core = track.slice_arrays()
        known = task < track.tasks
        if not known.all():
            task, start_ns, end_ns, core = task[known], start_ns[known], end_ns[known], core[known]
        worker = track.worker[task].astype(np.int64)
        row = worker if lanes else task
        palette = self.theme.palette
        if self.by_core:
            cores = len(palette.cores)
            colour = np.where(core >= 0, core % cores, cores - 1)
            items, unused = self._core_items, self._items
        else:
            colour = worker % len(palette.workers)
            items, unused = self._items, self._core_items
        drawn = slices_to_draw(start_ns, end_ns, row, colour, pixel_s, pixel_rows)
        self.drawn = drawn
        height = max(RUNNING_HEIGHT, pixel_rows)
        for item in unused:
            item.hide()
        for index, item in enumerate(items):
            mask = drawn.colour == index
            if not mask.any():
                item.hide()
                continue
            item.setOpts(
                x0=drawn.start_s[mask],
                width=drawn.width_s[mask],
                y0=drawn.row[mask] - height / 2,
                height=height,
            )
            item.show()
