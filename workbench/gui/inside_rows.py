"""The rows under a run's Gantt chart that look inside its tasks: concurrency over time
(alive vs running), and for async strategies the event loop's lag. All on the panel's
shared time axis (the timeline links their x axes like the CPU chart's)."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg

from workbench.core.strategies import STRATEGIES, Family
from workbench.gui.concurrency_plot import ConcurrencyPlot, concurrency_legend
from workbench.gui.inside import inside_text
from workbench.gui.lag_plot import LagPlot
from workbench.gui.live_run import RunTrack

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

    def draw(self, track: RunTrack, clock_ns: int) -> None:
        self.concurrency.draw(track, clock_ns)
        if self.lag is not None:
            self.lag.draw(track)


def add_inside_rows(graphics: pg.GraphicsLayoutWidget, row: int, strategy: str) -> InsideRows:
    """Add the rows at ``row`` and ``row + 1`` of the timeline's grid."""
    layout = graphics.ci.layout
    concurrency = ConcurrencyPlot(graphics.addPlot(row=row, col=0))
    layout.setRowStretchFactor(row, CONCURRENCY_STRETCH)
    lag = None
    if has_loop(strategy):
        lag = LagPlot(graphics.addPlot(row=row + 1, col=0))
        layout.setRowStretchFactor(row + 1, LAG_STRETCH)
    for plot in [concurrency.plot] + ([lag.plot] if lag else []):
        plot.showAxis("bottom", False)
    return InsideRows(concurrency, lag)


def task_inside(track: RunTrack | None, task: int, duration_s: float) -> str | None:
    """Tooltip lines on where and how long a task really ran."""
    return None if track is None else inside_text(track.slices, task, duration_s)


def inside_legend() -> str:
    """The legend line's part for the inside rows (concurrency lines; the lag plot labels
    itself)."""
    return f"Concurrency: {concurrency_legend()}"
