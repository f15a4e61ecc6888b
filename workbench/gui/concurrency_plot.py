"""Tasks alive vs tasks actually running, as two step lines under a run's Gantt chart.

Threads on CPU work: two alive, one running (the GIL). A process pool: both running. Gathered
sleeps: every task alive, almost none running. The counting is the core's
(:func:`workbench.core.concurrency.step_counts`); this only draws it on the shared time axis.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.clock import NS_PER_S
from workbench.core.concurrency import step_counts
from workbench.gui.live_run import NOT_YET, RunTrack
from workbench.gui.slice_layer import lighter
from workbench.gui.style import style_axis

ALIVE_COLOUR = "#4E79A7"
RUNNING_COLOUR = "#202020"
LINE_WIDTH = 3


def concurrency_series(
    track: RunTrack, clock_ns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(alive edges s, alive counts, running edges s, running counts) of a track so far.

    Tasks still running count as alive up to "now"; running slices are known once a task
    ends, so live the running line trails the alive one.
    """
    begun = track.start_ns != NOT_YET
    start = track.start_ns[begun]
    end = track.end_ns[begun]
    end = np.where(end == NOT_YET, np.maximum(start, track.now_ns(clock_ns)), end)
    alive_t, alive = step_counts(start, end)
    _, slice_start, slice_end, _ = track.slices.arrays()
    running_t, running = step_counts(slice_start, slice_end)
    return alive_t / NS_PER_S, alive, running_t / NS_PER_S, running


class ConcurrencyPlot:
    """Two step lines, y in tasks; the x axis is linked to the Gantt chart above."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=True, y=False)
        plot.showGrid(x=True, y=False, alpha=0.25)
        style_axis(plot.getAxis("left"), "tasks")
        style_axis(plot.getAxis("bottom"))
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

    def draw(self, track: RunTrack, clock_ns: int) -> None:
        live = track.run is None and track.begun > track.ended
        key = (id(track), track.begun, track.ended, len(track.slices), int(track.finished))
        if key == self._key and not live:
            return  # nothing moved (a finished run is counted once)
        self._key = key
        alive_t, alive, running_t, running = concurrency_series(track, clock_ns)
        if alive.size:
            self.alive.setData(alive_t, alive)
        else:
            self.alive.setData([], [])
        if running.size:
            self.running.setData(running_t, running)
        else:
            self.running.setData([], [])
        self.peaks = (int(alive.max(initial=0)), int(running.max(initial=0)))
        top = max(1, self.peaks[0], self.peaks[1])
        ticks = [(0, "0"), (top, f"{top:,}")]
        if top >= 4:
            ticks.insert(1, (top // 2, f"{top // 2:,}"))
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.setYRange(-0.12 * top, top * 1.18, padding=0)  # room for the 0 and top labels


def concurrency_legend() -> str:
    """Rich text for the timeline's legend line: what the two step lines are."""
    return (
        f'<span style="color:{ALIVE_COLOUR}">▬</span>&nbsp;tasks alive&nbsp;&nbsp;'
        f'<span style="color:{RUNNING_COLOUR}">▬</span>&nbsp;tasks running'
    )
