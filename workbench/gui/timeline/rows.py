"""The rows under a run's Gantt chart that look inside its tasks: concurrency over time
(alive vs running), and for async strategies the event loop's lag. All on the panel's
shared time axis (the timeline links their x axes like the CPU chart's)."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg

from workbench.core.strategies import STRATEGIES, Family
from workbench.gui.model.inside import inside_text
from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import Theme
from workbench.gui.timeline.axes import FittingAxis
from workbench.gui.timeline.concurrency import BOTH, ConcurrencyPlot, concurrency_legend
from workbench.gui.timeline.lag import LagPlot

ROWS = 2
"""Grid rows reserved per panel: concurrency, then lag (left empty for non-async)."""
CONCURRENCY_STRETCH, LAG_STRETCH = 2, 2
EXTRA_MIN_HEIGHT = 80
"""Added to a panel's minimum height per inside row shown."""


def has_loop(strategy: str) -> bool:
    """Async strategies run on an event loop whose lag is measured."""
    known = STRATEGIES.get(strategy)
    return known is not None and known.family is Family.ASYNC


@dataclass
class InsideRows:
    concurrency: ConcurrencyPlot
    lag: LagPlot | None

    def items(self) -> list[pg.PlotItem]:
        plots = [self.concurrency.plot]
        if self.lag is not None:
            plots.append(self.lag.plot)
        return plots

    def min_height(self) -> int:
        return EXTRA_MIN_HEIGHT * len(self.items())

    def draw(self, track: RunTrack, clock_ns: int, concurrency: tuple[str, ...] = BOTH) -> None:
        """Redraw the lag row and the ``concurrency`` lines (a live redraw draws those in
        turns of their own)."""
        if concurrency:
            self.concurrency.draw(track, clock_ns, concurrency)
        if self.lag is not None:
            self.lag.draw(track)


def _row_plot() -> pg.PlotItem:
    return pg.PlotItem(enableMenu=False, axisItems={"left": FittingAxis("left")})


def inside_rows(looped: bool, theme: Theme) -> InsideRows:
    """The rows' plots, not yet placed: a lag row only where there is an event loop."""
    concurrency = ConcurrencyPlot(_row_plot(), theme)
    lag = LagPlot(_row_plot(), theme) if looped else None
    rows = InsideRows(concurrency, lag)
    for plot in rows.items():
        plot.showAxis("bottom", False)
    return rows


def place_inside_rows(grid: pg.GraphicsLayout, row: int, rows: InsideRows) -> None:
    """Put the rows at ``row`` and ``row + 1`` of the timeline's grid."""
    grid.addItem(rows.concurrency.plot, row=row, col=0)
    grid.layout.setRowStretchFactor(row, CONCURRENCY_STRETCH)
    if rows.lag is not None:
        grid.addItem(rows.lag.plot, row=row + 1, col=0)
        grid.layout.setRowStretchFactor(row + 1, LAG_STRETCH)


def task_inside(track: RunTrack | None, task: int, duration_s: float) -> str | None:
    """Tooltip lines on where and how long a task really ran."""
    return None if track is None else inside_text(track.slices, task, duration_s)


def inside_legend() -> str:
    """The legend line's part for the inside rows (concurrency lines; the lag plot labels
    itself)."""
    return concurrency_legend()
