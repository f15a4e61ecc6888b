"""Slow-motion replay of a finished run's timeline, so a class can follow a 50 ms run.

Every track of the run is cut at the replay's clock (:attr:`RunTrack.until_ns`): bars begun
by then, running slices, concurrency, event-loop lag and CPU samples up to it. The time axis
stays the whole run, so bars appear and grow across a fixed chart; zoomed in, the view follows
the cursor. By default the whole run plays in about :data:`FITTED_REPLAY_S` seconds, whatever
its length. Keys: Space play/pause, → / ← step to the next/previous task start or end,
↑ / ↓ speed, Home/End, Esc closes.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QWidget,
)

from workbench.core.clock import NS_PER_S
from workbench.core.results import Results
from workbench.gui.model.live_run import NOT_YET, LiveExperiment
from workbench.gui.timeline.view import TimelineView

FITTED_REPLAY_S = 15.0
"""The default speed plays the whole run in about this long: long enough to follow, short
enough for a class (a 4 s run at 1/100× took almost seven minutes)."""
SPEEDS = (("1/1000×", 0.001), ("1/100×", 0.01), ("1/10×", 0.1), ("1/2×", 0.5), ("1×", 1.0))
"""Fixed speeds offered beside the fitted one."""
TICK_MS = 40
SLIDER_STEPS = 1000
MIN_SLIDER_PX = 60
"""Room enough to drag; the bar's other parts keep theirs on a 1024-px projector."""
FOLLOW_MARGIN = 0.1
"""Zoomed in, the view moves on when the cursor comes this close to its edge."""


def fitted_speed(run_ns: int) -> float:
    """The speed that plays ``run_ns`` in about :data:`FITTED_REPLAY_S` (at most real time)."""
    return min(1.0, max(run_ns, 1) / (FITTED_REPLAY_S * NS_PER_S))


def speed_label(speed: float) -> str:
    return "1×" if speed >= 1 else f"1/{1 / speed:,.0f}×"


def offered_speeds(fitted: float) -> list[float]:
    """The fitted speed and the fixed ones, slowest first; a fixed one of the fitted one's
    name goes (two "1/2×" in the box made ↑ change the speed with no word changing)."""
    named = speed_label(fitted)
    return sorted({fitted, *(speed for name, speed in SPEEDS if name != named)})


def clock_text(at_ns: int, end_ns: int) -> str:
    """The replay's clock, short: the speed is in the box beside it, and on a projector in
    large type the bar had grown wider than the screen (the window with it)."""
    return f"{at_ns / 1e6:,.1f} / {end_ns / 1e6:,.1f} ms"


class ReplayBar(QWidget):
    """Play/pause, speed, step and a time cursor over the timeline view."""

    closed = Signal()

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # The style's own icons: the font of a lab machine may have no glyph for ⏸.
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        # Icons without words, like a player's: in large type on a 1024×768 projector the
        # bar with "Play" and "Close" spelled out was wider than the screen.
        self.play_button = QPushButton(self._play_icon, "")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.setAccessibleName("Play")
        self.back_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), ""
        )
        self.back_button.setToolTip("Back to the previous task start or end (←)")
        self.step_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), ""
        )
        self.step_button.setToolTip("On to the next task start or end (→)")
        self.speed = QComboBox()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(MIN_SLIDER_PX)
        self.clock = QLabel()
        self.clock.setToolTip("Where the replay is in the run, and the run's wall time")
        self.close_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton), ""
        )
        self.close_button.setToolTip("Close the replay: the whole run again (Esc)")
        self.close_button.setAccessibleName("Close the replay")
        for widget in (self.play_button, self.back_button, self.step_button, self.close_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Replay</b>"))
        for widget in (self.back_button, self.play_button, self.step_button, self.speed):
            layout.addWidget(widget)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.clock)
        layout.addWidget(self.close_button)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.play_button.clicked.connect(self.toggle)
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.step_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.stop)
        self.slider.valueChanged.connect(self._slid)
        self.experiment: LiveExperiment | None = None
        self.end_ns = 0
        self.at_ns = 0
        self.events = np.empty(0, np.int64)
        self._speeds: list[float] = []
        self._cursors: list[tuple[pg.PlotItem, pg.InfiniteLine]] = []
        self._last_tick = 0.0
        self.setVisible(False)

    @property
    def active(self) -> bool:
        return self.experiment is not None

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def start(self, results: Results) -> None:
        self._remove_cursors()
        self.experiment = LiveExperiment.from_results(results)
        tracks = list(self.experiment.tracks.values())
        self.end_ns = max((t.run.wall_ns for t in tracks if t.run is not None), default=0)
        times = [t.start_ns[t.start_ns != NOT_YET] for t in tracks]
        times += [t.end_ns[t.end_ns != NOT_YET] for t in tracks]
        self.events = np.unique(np.concatenate(times)) if times else np.empty(0, np.int64)
        fitted = fitted_speed(self.end_ns)
        self._speeds = offered_speeds(fitted)  # ↑ is faster
        self.speed.blockSignals(True)
        self.speed.clear()
        fits = f"plays the whole run in ~{FITTED_REPLAY_S:.0f} s"
        for index, speed in enumerate(self._speeds):
            self.speed.addItem(speed_label(speed))
            if speed == fitted:
                self.speed.setItemData(index, fits, Qt.ItemDataRole.ToolTipRole)
        self.speed.setToolTip(f"Replay speed (↑ / ↓); {speed_label(fitted)} {fits}")
        self.speed.setCurrentIndex(self._speeds.index(fitted))
        self.speed.blockSignals(False)
        self._fit_clock()
        self.timeline.show_experiment(self.experiment)
        self.setVisible(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.seek(0)

    def _fit_clock(self) -> None:
        """As wide as its widest reading, so the bar does not shift while the clock runs."""
        widest = self.clock.fontMetrics().horizontalAdvance(clock_text(self.end_ns, self.end_ns))
        self.clock.setMinimumWidth(widest)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode's type, say
            self._fit_clock()

    def abandon(self) -> None:
        """A new run replaces what was replayed: stop without redrawing the old run."""
        self.timer.stop()
        self._remove_cursors()
        self.experiment = None
        self.setVisible(False)

    def stop(self) -> None:
        """Leave the replay and show the whole run again."""
        self.timer.stop()
        self._remove_cursors()
        if self.experiment is not None:
            results = self.experiment.results()
            self.experiment = None
            self.timeline.show_experiment(LiveExperiment.from_results(results))
        self.setVisible(False)
        self.closed.emit()

    def toggle(self) -> None:
        if self.playing:
            self.timer.stop()
        elif self.active:
            if self.at_ns >= self.end_ns:
                self.seek(0)
            self._last_tick = time.perf_counter()
            self.timer.start()
        self._show_playing()

    def _show_playing(self) -> None:
        self.play_button.setIcon(self._pause_icon if self.playing else self._play_icon)
        self.play_button.setAccessibleName("Pause" if self.playing else "Play")

    def step(self, direction: int) -> None:
        """To the next (1) or previous (-1) moment a task starts or ends."""
        if not self.active:
            return
        self.timer.stop()
        self._show_playing()
        if direction > 0:
            later = self.events[self.events > self.at_ns]
            self.seek(int(later[0]) if later.size else self.end_ns)
        else:
            earlier = self.events[self.events < self.at_ns]
            self.seek(int(earlier[-1]) if earlier.size else 0)

    def seek(self, at_ns: int) -> None:
        if self.experiment is None:
            return
        self.at_ns = max(0, min(self.end_ns, at_ns))
        for track in self.experiment.tracks.values():
            track.until_ns = self.at_ns
        self.slider.blockSignals(True)
        self.slider.setValue(round(SLIDER_STEPS * self.at_ns / max(1, self.end_ns)))
        self.slider.blockSignals(False)
        self.clock.setText(clock_text(self.at_ns, self.end_ns))
        self._follow()
        self.timeline.refresh()
        self._draw_cursors()

    @property
    def current_speed(self) -> float:
        index = self.speed.currentIndex()
        return self._speeds[index] if 0 <= index < len(self._speeds) else 1.0

    def _follow(self) -> None:
        """Zoomed in, keep the cursor in view: move the time axis on as it nears the edge."""
        if self.timeline.following or not self.timeline.panels:
            return
        view = self.timeline.panels[0].gantt.plot.vb
        low, high = view.viewRange()[0]
        width, at_s = high - low, self.at_ns / NS_PER_S
        if low + FOLLOW_MARGIN * width <= at_s <= high - FOLLOW_MARGIN * width:
            return
        start = at_s - FOLLOW_MARGIN * width
        view.setXRange(start, start + width, padding=0)

    def _draw_cursors(self) -> None:
        """A time cursor on every chart of every panel (the rows replay too)."""
        at_s = self.at_ns / NS_PER_S
        plots = [plot for panel in self.timeline.panels for plot in panel.plots()]
        drawn = {id(plot) for plot, line in self._cursors if line.scene() is not None}
        for plot in plots:
            if id(plot) not in drawn:
                line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#000000", width=2))
                plot.addItem(line)
                self._cursors.append((plot, line))
        for _, line in self._cursors:
            line.setValue(at_s)

    def _remove_cursors(self) -> None:
        """Take the cursors off the charts (panels are reused by the next run)."""
        for plot, line in self._cursors:
            if line.scene() is not None:
                plot.removeItem(line)
        self._cursors = []

    def _tick(self) -> None:
        now = time.perf_counter()
        elapsed_ns = (now - self._last_tick) * NS_PER_S * self.current_speed
        self._last_tick = now
        self.seek(self.at_ns + round(elapsed_ns))
        if self.at_ns >= self.end_ns:
            self.toggle()

    def _slid(self, value: int) -> None:
        self.seek(round(self.end_ns * value / SLIDER_STEPS))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        actions = {
            Qt.Key.Key_Space: self.toggle,
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_Up: lambda: self.speed.setCurrentIndex(
                min(self.speed.count() - 1, self.speed.currentIndex() + 1)
            ),
            Qt.Key.Key_Down: lambda: self.speed.setCurrentIndex(
                max(0, self.speed.currentIndex() - 1)
            ),
            Qt.Key.Key_Home: lambda: self.seek(0),
            Qt.Key.Key_End: lambda: self.seek(self.end_ns),
            Qt.Key.Key_Escape: self.stop,
        }
        if key in actions:
            actions[key]()
            event.accept()
            return
        super().keyPressEvent(event)
