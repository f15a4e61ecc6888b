"""The run panels: for each strategy, its Gantt chart with that run's CPU load beneath it, all on
one linked time axis so strategies compare at a glance (stacked, or one at a time).

A passive view: it draws whatever :class:`LiveExperiment` it is given when told to refresh, and
owns only presentation state (which strategies are shown, lanes or rows, the zoom).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workbench.core.clock import NS_PER_S
from workbench.core.machine import this_machine
from workbench.gui.model.live_run import LiveExperiment, RunTrack
from workbench.gui.theme import Theme
from workbench.gui.timeline.concurrency import ALIVE, BOTH, RUNNING
from workbench.gui.timeline.controls import TimelineControls
from workbench.gui.timeline.panel import TIME_AXIS_HEIGHT, Panel, Shape, live_extent, panel_titles
from workbench.gui.timeline.rows import (
    has_loop,
    task_inside,
)

ZOOM_STEP = 0.8
PAN_STEP = 0.1
MIN_SPAN_S = 0.05


class TimelineView(QWidget):
    """Stacked Gantt + CPU panels with zoom, pan, hover tooltips and a lane toggle."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.graphics.ci.setSpacing(4)
        self.controls = TimelineControls(theme)
        self.show_combo = self.controls.show_combo
        self.lanes_check = self.controls.lanes_check
        self.core_check = self.controls.core_check
        self.cpu_legend = self.controls.legend
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.controls)
        # Panels keep a readable minimum height; with many strategies on a small screen the
        # stack scrolls rather than squashing every chart into an unreadable strip.
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.graphics)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)

        self.experiment: LiveExperiment | None = None
        self.panels: list[Panel] = []
        self.following = True
        self.last_redraw_s = 0.0
        self.drawn_version = -1
        """The model's version when the last redraw completed."""
        self.turns_pending = 0
        """Parts of a live redraw still waiting for their turn of the loop."""
        self._refreshing = False
        self.show_combo.currentIndexChanged.connect(self._relayout)
        self.lanes_check.toggled.connect(self.set_lanes)
        self.core_check.toggled.connect(self.colour_by_core)
        self.controls.states_check.toggled.connect(self.colour_by_core)
        self.controls.fit_button.clicked.connect(self.fit)
        self.graphics.scene().sigMouseMoved.connect(self._hover)
        self._add_keys()
        # Panels not shown now, kept for reuse (see _relayout): one of each shape for this
        # machine is built with the window (~40 ms of its start-up) rather than when the
        # first run starts, while the user is watching.
        cores = this_machine().logical_cpus
        self._spare = [self._build_panel((looped, cores)) for looped in (False, True)]
        theme.changed.connect(self._restyle)

    # -- what is shown -------------------------------------------------------------------

    def show_experiment(self, experiment: LiveExperiment) -> None:
        """Start showing a new experiment (a run about to start, or results just opened)."""
        self.experiment = experiment
        self.controls.set_strategies([panel.key for panel in experiment.panels()])
        self.controls.set_legend(experiment.machine, experiment.config.workload)
        self.following = True
        self._relayout()

    def show_only(self, number: int) -> None:
        """The ``number``-th strategy alone, full size (1-based); 0 for all of them."""
        combo = self.show_combo
        if 0 <= number < combo.count():
            combo.setCurrentIndex(number)

    def shown_strategies(self) -> list[str]:
        """The keys of the panels shown: strategies (on an interpreter, where several ran)."""
        if self.experiment is None:
            return []
        return self.controls.chosen([panel.key for panel in self.experiment.panels()])

    def _relayout(self) -> None:
        """Lay out a panel per shown strategy; they redraw from the model.

        Panels are reused: building one costs ~5 ms per plot (four or five plots each), and a
        relayout happens at the very moment a run starts, so a window that rebuilt its panels
        for every run would freeze just as the user is watching. A panel fits a strategy of
        the same shape (with or without an event-loop row, the same cores).
        """
        spare = self.panels + self._spare
        self.graphics.ci.clear()
        self.panels = []
        if self.experiment is None:
            self._spare = spare
            return
        cores = self.experiment.machine.logical_cpus
        keys = {key.key: key for key in self.experiment.panels()}
        shown = self.shown_strategies()
        for index, name in enumerate(shown):
            key = keys[name]
            shape = (has_loop(key.strategy), cores)
            panel = next((p for p in spare if p.shape == shape), None)
            if panel is None:
                panel = self._build_panel(shape)
            else:
                spare.remove(panel)
            panel.strategy, panel.key, panel.title = key.strategy, key.key, key.title
            self._place(panel, index, last=index == len(shown) - 1)
            self.panels.append(panel)
        self._spare = spare
        first = self.panels[0].gantt.plot if self.panels else None
        for panel in self.panels:
            for item in panel.plots():
                item.setXLink(None if item is first else first)
        self.graphics.setMinimumHeight(
            sum(panel.min_height() for panel in self.panels) + TIME_AXIS_HEIGHT
        )
        self.refresh()

    def _build_panel(self, shape: Shape) -> Panel:
        """A panel whose plots tell this view when the user pans or zooms them."""
        panel = Panel.build(shape, self.theme)
        for item in panel.plots():
            item.vb.sigRangeChangedManually.connect(self._stop_following)
            # Linked axes align in pixels, so a panel resized by the layout shifts the
            # shared range; refit once the layout has settled.
            item.vb.sigResized.connect(self._refit_if_following)
        panel.gantt.plot.vb.sigRangeChanged.connect(lambda *_: self._zoomed(panel))
        return panel

    def _place(self, panel: Panel, index: int, *, last: bool) -> None:
        panel.place(self.graphics.ci, index, last=last)
        panel.gantt.set_lanes(self.lanes_check.isChecked())
        panel.gantt.slices.by_core = self.core_check.isChecked()
        panel.gantt.states.enabled = self.controls.states_check.isChecked()

    def _restyle(self) -> None:
        """The theme changed: new colours and type for every panel (spare ones too)."""
        for panel in (*self.panels, *self._spare):
            panel.restyle(self.theme)
        self.theme.restyle_axes(self)
        if self.experiment is not None:
            self.controls.set_legend(self.experiment.machine, self.experiment.config.workload)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------

    def refresh(self, clock_ns: int | None = None) -> None:
        """Redraw every shown panel from the model; follow the run unless the user zoomed."""
        if self.experiment is None:
            return
        clock = time.perf_counter_ns() if clock_ns is None else clock_ns
        self._draw_charts(clock)
        self._draw_rows(clock)

    def refresh_live(self) -> None:
        """A live redraw in turns of the loop: the Gantt bars, the running slices over them,
        the alive line, the running line, then the other rows (lag, CPU), each painted before
        the next starts. At 100,000 tasks each part costs about as much as another: short
        freezes of the window instead of one long one.
        """
        if self.experiment is None:
            return
        clock = time.perf_counter_ns()
        self._draw_charts(clock, slices=False)
        self._in_turns(
            [
                self._draw_slices,
                lambda: self._draw_concurrency(clock, ALIVE),
                lambda: self._draw_concurrency(clock, RUNNING),
                lambda: self._draw_rows(clock, concurrency=()),
            ],
            self.experiment,
            self.panels,
        )

    def _in_turns(
        self, steps: list[Callable[[], None]], experiment: LiveExperiment, panels: list[Panel]
    ) -> None:
        """Run each step in a later turn of the loop, unless the view moved on meanwhile.

        1 ms, not 0: a zero-delay single shot is a posted event, handled before any timer
        already due; a real timer lets Qt paint and serve due timers in between.
        """
        if not steps:
            return
        self.turns_pending += 1

        def step() -> None:
            self.turns_pending -= 1
            if self.experiment is experiment and self.panels is panels:
                steps[0]()
                self._in_turns(steps[1:], experiment, panels)

        QTimer.singleShot(1, step)

    def _draw_charts(self, clock: int, *, slices: bool = True) -> None:
        assert self.experiment is not None
        began = time.perf_counter()
        repeats = self.experiment.config.repeat
        self._refreshing = True  # ranges first, so bars are sized for the zoom they appear at
        if self.following:
            self._fit_ranges(clock)
        self._refreshing = False
        for panel in self.panels:
            track = self.experiment.tracks.get(panel.key)
            panel.heading.show(
                panel_titles(
                    track,
                    panel.title,
                    repeats,
                    self.theme,
                    stopped=self.experiment.interrupted,
                    legends=panel.gantt.states.legends(track, self.experiment),
                )
            )
            panel.gantt.draw(track or self._not_run(panel), clock, slices=slices)
        self.last_redraw_s = time.perf_counter() - began

    def _draw_slices(self) -> None:
        self._each_panel(lambda panel, track: panel.gantt.draw_slices(track))

    def _draw_concurrency(self, clock: int, line: str) -> None:
        def draw(panel: Panel, track: RunTrack) -> None:
            panel.inside.concurrency.draw(track, clock, (line,))

        self._each_panel(draw)

    def _draw_rows(self, clock: int, concurrency: tuple[str, ...] = BOTH) -> None:
        """The rows under the Gantt charts: CPU, lag, and the ``concurrency`` lines."""

        def draw(panel: Panel, track: RunTrack) -> None:
            panel.cpu.draw(track)
            panel.inside.draw(track, clock, concurrency)

        self._each_panel(draw)
        assert self.experiment is not None
        self.drawn_version = self.experiment.version

    def _each_panel(self, draw: Callable[[Panel, RunTrack], None]) -> None:
        """``draw`` every shown panel with its track, timed into :attr:`last_redraw_s`."""
        assert self.experiment is not None
        began = time.perf_counter()
        for panel in self.panels:
            draw(panel, self.experiment.tracks.get(panel.key) or self._not_run(panel))
        self.last_redraw_s += time.perf_counter() - began

    @staticmethod
    def _not_run(panel: Panel) -> RunTrack:
        """An empty track: a reused panel whose strategy has not run must not show its last."""
        return RunTrack(panel.strategy, 0, 0)

    def refresh_if_changed(self) -> None:
        """Redraw unless nothing in the model changed since the last redraw."""
        if self.experiment is None or self.drawn_version != self.experiment.version:
            self.refresh()

    def _fit_ranges(self, clock_ns: int) -> None:
        if self.experiment is None or not self.panels:
            return
        end_s = max(MIN_SPAN_S, self.experiment.end_ns(clock_ns) / NS_PER_S)
        live = self.experiment.current is not None and not self.experiment.interrupted
        extent = live_extent(end_s) if live else end_s * 1.02
        view = self.panels[0].gantt.plot
        low, high = view.viewRange()[0]
        if abs(low) > 1e-12 or abs(high - extent) > 1e-9 * extent:
            view.setXRange(0, extent, padding=0)
        for panel in self.panels:
            track = self.experiment.tracks.get(panel.key)
            rows = panel.gantt.row_count(track) if track else self.experiment.config.tasks
            panel.gantt.plot.setYRange(-0.5, rows - 0.5, padding=0)

    def _refit_if_following(self, *_: object) -> None:
        if self.following and not self._refreshing:
            self._refreshing = True
            self._fit_ranges(time.perf_counter_ns())
            self._refreshing = False

    def _zoomed(self, panel: Panel) -> None:
        if self._refreshing:
            return
        track = self.experiment.tracks.get(panel.key) if self.experiment else None
        if track is not None and panel.gantt.needs_redraw_for_zoom():
            panel.gantt.draw(track, time.perf_counter_ns())

    # -- interaction ---------------------------------------------------------------------

    def set_lanes(self, lanes: bool) -> None:
        if self.lanes_check.isChecked() != lanes:
            self.lanes_check.setChecked(lanes)  # re-enters through the toggled signal
            return
        for panel in self.panels:
            panel.gantt.set_lanes(lanes)
        self.fit()

    def colour_by_core(self, _: bool = False) -> None:
        """Running slices coloured by core (where the OS said) instead of by worker; tasks
        coloured by their thread's state (see timeline.states): as the boxes say."""
        for panel in self.panels:
            panel.gantt.slices.by_core = self.core_check.isChecked()
            panel.gantt.states.enabled = self.controls.states_check.isChecked()
        self.refresh()

    def _stop_following(self, *_: object) -> None:
        self.following = False

    def fit(self) -> None:
        self.following = True
        self.refresh()

    def zoom(self, factor: float) -> None:
        """Zoom the shared time axis around its centre (factor < 1 zooms in)."""
        if self.panels:
            self.following = False
            self.panels[0].gantt.plot.vb.scaleBy(x=factor, y=1)

    def pan(self, fraction: float) -> None:
        """Move the shared time axis by a fraction of what is visible (negative: earlier)."""
        if self.panels:
            self.following = False
            view = self.panels[0].gantt.plot.vb
            low, high = view.viewRange()[0]
            view.translateBy(x=fraction * (high - low))

    def pan_rows(self, fraction: float) -> None:
        self.following = False
        for panel in self.panels:
            low, high = panel.gantt.plot.vb.viewRange()[1]
            panel.gantt.plot.vb.translateBy(y=fraction * (high - low))

    def _add_keys(self) -> None:
        keys = {
            (Qt.Key.Key_Plus, Qt.Key.Key_Equal): lambda: self.zoom(ZOOM_STEP),
            (Qt.Key.Key_Minus,): lambda: self.zoom(1 / ZOOM_STEP),
            (Qt.Key.Key_Left,): lambda: self.pan(-PAN_STEP),
            (Qt.Key.Key_Right,): lambda: self.pan(PAN_STEP),
            (Qt.Key.Key_Up,): lambda: self.pan_rows(-PAN_STEP),
            (Qt.Key.Key_Down,): lambda: self.pan_rows(PAN_STEP),
            (Qt.Key.Key_Home, Qt.Key.Key_0): self.fit,
        }
        for names, slot in keys.items():
            for key in names:
                shortcut = QShortcut(QKeySequence(key), self.graphics)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(slot)

    def hover_text(self, scene_pos: QPointF) -> str | None:
        """The tooltip for a scene position: task, worker, start, end, duration."""
        for panel in self.panels:
            found = panel.gantt.task_at(scene_pos)
            if found is not None:
                track = self.experiment.tracks.get(panel.key) if self.experiment else None
                inside = task_inside(track, found.task, found.end_s - found.start_s)
                states = panel.gantt.states.tooltip(track, found.task, self.experiment)
                more = "".join(f"\n{text}" for text in (inside, states) if text)
                return f"{panel.title}\n{found.describe()}{more}"
        return None

    def _hover(self, scene_pos: QPointF) -> None:
        text = self.hover_text(scene_pos)
        if text is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), text, self.graphics)
