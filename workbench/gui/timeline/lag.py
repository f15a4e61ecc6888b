"""How late the event loop ran, under an async run's Gantt chart (y in milliseconds).

A probe asks the run's loop for a callback every 10 ms; its lateness is the lag. Near zero
while coroutines await; as long as the blocking call while one blocks the loop (async-blocking
on sleep). Each sample is a stem from 0 to its lag, over a light band from when the callback
was due to when it ran: the stretch the loop was held, so a single long stall reads as one.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.gui.model.live_run import RunTrack
from workbench.gui.theme import TEXT_COLOUR, Theme, lighter

LAG_COLOUR = "#E15759"
MIN_TOP_MS = 1.0
"""The y axis shows at least 0–1 ms, so a healthy loop reads as a flat line near zero."""


class LagPlot:
    """Lag samples as stems with dots; the x axis is linked to the Gantt chart above."""

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        self.plot = plot
        self.theme = theme
        theme.time_row(plot, "lag (ms)")
        plot.showGrid(x=True, y=True, alpha=0.25)
        self.stems = pg.PlotDataItem(pen=pg.mkPen(LAG_COLOUR, width=2), connect="pairs")
        self.dots = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=7, symbolBrush=LAG_COLOUR, symbolPen=None
        )
        self.held = pg.BarGraphItem(
            x0=[], width=[], y0=[], height=[], brush=lighter(LAG_COLOUR, 0.75), pen=None
        )
        plot.addItem(self.held)
        plot.addItem(self.stems)
        plot.addItem(self.dots)
        self.label = pg.TextItem(
            "", color=TEXT_COLOUR, anchor=(1, 0), fill=pg.mkBrush(255, 255, 255, 200)
        )
        self.label.setFont(theme.chart_font(bold=True))
        self.label.setParentItem(plot.vb)
        plot.vb.sigResized.connect(self._place_label)
        self._drawn = -1
        self._drawn_key: tuple[int, int, int | None] | None = None

    def _place_label(self, *_: object) -> None:
        rect = self.plot.vb.rect()
        self.label.setPos(rect.right() - 6, rect.top() + 2)

    @property
    def samples(self) -> int:
        return max(0, self._drawn)

    def draw(self, track: RunTrack) -> None:
        key = (id(track), len(track.lag), track.until_ns)
        if key == self._drawn_key:
            return
        self._drawn_key = key
        t, lag = track.lag_series()
        self._drawn = int(t.size)
        if t.size == 0:
            self.stems.setData([], [])
            self.dots.setData([], [])
            self.held.setOpts(x0=[], width=[], y0=[], height=[])
            self.label.setText("event-loop lag: no samples yet")
        else:
            self.stems.setData(np.repeat(t, 2), np.column_stack([np.zeros_like(lag), lag]).ravel())
            self.dots.setData(t, lag)
            self.held.setOpts(x0=t - lag / 1e3, width=lag / 1e3, y0=0, height=lag)
            plural = "sample" if t.size == 1 else "samples"
            self.label.setText(
                f"event-loop lag ({t.size:,} {plural}) · median {np.median(lag):.1f} ms"
                f" · max {lag.max():.1f} ms"
            )
        top = max(MIN_TOP_MS, float(lag.max(initial=0.0)) * 1.3)
        self.plot.setYRange(0, top, padding=0)
        self._place_label()
