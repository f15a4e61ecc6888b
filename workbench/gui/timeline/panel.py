"""One strategy's panel on the timeline: its Gantt chart, the rows that look inside its tasks
(concurrency, event-loop lag), and its per-core CPU chart, stacked on one time axis.

Building a panel costs ~5 ms per plot, so the timeline keeps panels and reuses one of the
same *shape* (with or without an event-loop row, the same number of cores) for the next run
instead of building new ones at the moment a run starts (see :class:`TimelineView`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg

from workbench.gui.model.formatting import ns_as_seconds
from workbench.gui.model.live_run import RunTrack
from workbench.gui.model.untrusted_text import as_html
from workbench.gui.theme import FAILED_COLOUR, Theme, swatch
from workbench.gui.timeline.axes import FittingAxis, IntegerAxis
from workbench.gui.timeline.cpu import CpuPlot
from workbench.gui.timeline.gantt import GanttPlot
from workbench.gui.timeline.rows import ROWS as INSIDE_ROWS
from workbench.gui.timeline.rows import InsideRows, inside_rows, place_inside_rows
from workbench.gui.timeline.slices import slice_legend
from workbench.gui.widgets.fitted_title import FittedTitle

LEFT_AXIS_WIDTH = 110
"""The same width for every left axis, so every panel's time axis lines up."""
LEGEND_WORKERS = 6
NAME_LIMIT = 40
"""Characters of a worker's name in the legend (a file may hold longer)."""
GANTT_STRETCH, CPU_STRETCH = 3, 2
PANEL_MIN_HEIGHT = 170
"""Title, a Gantt chart whose rows can still be told apart, and a CPU chart with 0/50/100."""
TIME_AXIS_HEIGHT = 50
LIVE_EXTENTS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5)
"""While a run streams, the time axis ends at one of these × a power of ten (see live_extent)."""

Shape = tuple[bool, int]
"""(has an event-loop row, cores): which strategies a panel can show."""


def live_extent(end_s: float) -> float:
    """Where the time axis ends while a run streams: the next step of a 1-1.5-2-3-5-7.5 ladder
    beyond the run so far, with a little room.

    A live axis that followed the run exactly would rescale at every redraw: on a projector the
    ticks jitter, and every plot's axes and every bar would repaint each time. Stepping it
    keeps the ticks still for most of a run; the finished run is fitted exactly.
    """
    wanted = end_s * 1.05
    decade = 10.0 ** math.floor(math.log10(wanted))
    return next((step * decade for step in LIVE_EXTENTS if step * decade >= wanted), 10 * decade)


@dataclass
class Panel:
    strategy: str
    shape: Shape
    gantt: GanttPlot
    cpu: CpuPlot
    inside: InsideRows
    """Concurrency (and loop lag for async) rows between the Gantt and CPU charts."""
    heading: FittedTitle
    """The Gantt chart's title, as much of it as fits."""
    key: str = ""
    """Its track in the experiment (see ``LiveExperiment.panels``)."""
    title: str = ""
    """What it is called: the strategy, and its interpreter where there are several."""

    @classmethod
    def build(cls, shape: Shape, theme: Theme) -> Panel:
        """A panel's plots, not yet placed (see :meth:`place`) nor connected to a view."""
        looped, cores = shape
        gantt_item = pg.PlotItem(enableMenu=False, axisItems={"left": IntegerAxis("left")})
        cpu_item = pg.PlotItem(enableMenu=False, axisItems={"left": FittingAxis("left")})
        panel = cls(
            "",
            shape,
            GanttPlot(gantt_item, theme),
            CpuPlot(cpu_item, cores, theme),
            inside_rows(looped, theme),
            FittedTitle(gantt_item, theme),
        )
        for item in panel.plots():
            # Ranges are set by the view (or by the user); pyqtgraph's auto-range would
            # otherwise re-pad linked axes whenever any panel's data changed.
            item.vb.disableAutoRange()
            item.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        # Time ticks under each panel's CPU chart (the stack may scroll, so the last axis is
        # not always in view), titled "time (s)" under the last one only.
        gantt_item.showAxis("bottom", False)
        theme.style_axis(cpu_item.getAxis("bottom"), "time (s)")
        return panel

    def plots(self) -> list[pg.PlotItem]:
        return [self.gantt.plot, *self.inside.items(), self.cpu.plot]

    def place(self, grid: pg.GraphicsLayout, index: int, *, last: bool) -> None:
        """Put the panel's plots in rows of the timeline's grid, as its ``index``-th panel."""
        row = (2 + INSIDE_ROWS) * index
        grid.addItem(self.gantt.plot, row=row, col=0)
        place_inside_rows(grid, row + 1, self.inside)
        grid.addItem(self.cpu.plot, row=row + 1 + INSIDE_ROWS, col=0)
        grid.layout.setRowStretchFactor(row, GANTT_STRETCH)
        grid.layout.setRowStretchFactor(row + 1 + INSIDE_ROWS, CPU_STRETCH)
        self.cpu.plot.getAxis("bottom").showLabel(last)

    def min_height(self) -> int:
        return PANEL_MIN_HEIGHT + self.inside.min_height()

    def apply_palette(self) -> None:
        self.gantt.apply_palette()
        self.cpu.apply_palette()

    def restyle(self, theme: Theme) -> None:
        """New colours and type. A spare panel is off the scene, where the view's own restyle
        does not reach: reused in presentation mode, its rows kept their small titles."""
        self.apply_palette()
        for plot in self.plots():
            for side in ("left", "bottom"):
                theme.restyle_axis(plot.getAxis(side))


def worker_legend(track: RunTrack, theme: Theme) -> str:
    shown = [
        swatch(theme.palette.worker(i), as_html(name, NAME_LIMIT))
        for i, name in enumerate(track.workers[:LEGEND_WORKERS])
    ]
    more = len(track.workers) - LEGEND_WORKERS
    if more > 0:
        shown.append(f"+{more:,} more (colours repeat)")
    return "&nbsp;&nbsp;".join(shown)


def panel_titles(
    track: RunTrack | None,
    strategy: str,
    repeats: int,
    theme: Theme,
    *,
    stopped: bool = False,
    legends: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Strategy, repeat, time so far or wall time, and the worker colour legend: the title's
    forms, most detailed first, for a plot too narrow for the whole (see ``FittedTitle``):
    without the slices' legend, with the repeat as "3/3" before the legend goes, without any
    legend, and for a failed run without its error.

    ``stopped``: the experiment was stopped, so a run that never finished is not "running".
    ``legends`` replace the workers' and slices' legend, whole then shorter (the thread
    states' ones)."""
    name = f"<b>{as_html(strategy)}</b>"
    if track is None:
        return (f"{name} · {'not run (stopped)' if stopped else 'waiting'}",)
    if track.run is None:
        verb = "stopped" if stopped else "running"
        state = f"{verb} · {track.ended:,}/{track.tasks:,} tasks done"
    elif track.run.ok:
        state = f"{ns_as_seconds(track.run.wall_ns)} wall"
    else:
        error = as_html(track.run.error or "")
        state = f"<span style='color:{FAILED_COLOUR}'>failed: {error}</span>"
    if legends is None:  # the workers' colours, then what slices mean where there are any
        workers = worker_legend(track, theme)
        slices = f"{workers}&nbsp;&nbsp;·&nbsp;&nbsp;{slice_legend()}"
        legends = [slices, workers] if track.slices.traced else [workers]
    heads = [f"{name} · {state}"]
    if repeats > 1:
        which = f"{track.repeat_index + 1}/{repeats}"
        heads = [f"{name} (repeat {which}) · {state}", f"{name} {which} · {state}"]
    forms = [f"{head} &nbsp;&nbsp;{shown}" for head in heads for shown in legends]
    forms += heads
    if track.run is not None and not track.run.ok:  # an error of any length: the tooltip's
        forms.append(f"{name} · <span style='color:{FAILED_COLOUR}'>failed</span>")
    return tuple(dict.fromkeys(forms))
