"""Slow-motion replay of a finished run's timeline, so a class can follow a 50 ms run.

The timeline draws :class:`ReplayTrack` s: finished tracks that only show what had happened by
the replay clock (bars begun by then, cut at it; CPU samples up to it). The time axis stays
the whole run, so bars appear and grow across a fixed chart. A QTimer moves the clock; keys:
Space play/pause, → / ← step to the next/previous task start or end, ↑ / ↓ speed, Home/End,
Esc closes.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from workbench.core.clock import NS_PER_S
from workbench.core.results import Results
from workbench.gui.model.live_run import NOT_YET, Bars, LiveExperiment, RunTrack
from workbench.gui.timeline.view import TimelineView

SPEEDS = (("1/1000×", 0.001), ("1/100×", 0.01), ("1/10×", 0.1), ("1/2×", 0.5), ("1×", 1.0))
DEFAULT_SPEED = 1
TICK_MS = 40
SLIDER_STEPS = 1000


class ReplayTrack(RunTrack):
    """A finished track seen at ``at_ns`` on its own time axis."""

    at_ns = 0

    def bars(self, clock_ns: int) -> Bars:
        shown = np.flatnonzero((self.start_ns != NOT_YET) & (self.start_ns <= self.at_ns))
        start = self.start_ns[shown]
        end = self.end_ns[shown]
        running = (end == NOT_YET) | (end > self.at_ns)
        end = np.where(running, np.maximum(start, self.at_ns), end)
        return Bars(
            task=shown,
            start_s=start / NS_PER_S,
            end_s=end / NS_PER_S,
            worker=self.worker[shown],
            ok=self.ok[shown] | running,
            running=running,
        )

    def cpu(self) -> tuple[np.ndarray, np.ndarray]:
        times, busy = super().cpu()
        keep = times <= self.at_ns / NS_PER_S
        return times[keep], busy[keep] if busy.size else busy


def replay_experiment(results: Results) -> LiveExperiment:
    experiment = LiveExperiment.from_results(results)
    for strategy, track in list(experiment.tracks.items()):
        assert track.run is not None
        experiment.tracks[strategy] = ReplayTrack.from_run(track.run, results.config.tasks)
    return experiment


class ReplayBar(QWidget):
    """Play/pause, speed, step and a time cursor over the timeline view."""

    closed = Signal()

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.play_button = QPushButton("▶ Play (Space)")
        self.back_button = QPushButton("◀ Step (←)")
        self.step_button = QPushButton("Step ▶ (→)")
        self.speed = QComboBox()
        for text, _ in SPEEDS:
            self.speed.addItem(text)
        self.speed.setCurrentIndex(DEFAULT_SPEED)
        self.speed.setToolTip("Replay speed (↑ / ↓)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.clock = QLabel()
        self.close_button = QPushButton("Close replay (Esc)")
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
        self._cursors: dict[int, pg.InfiniteLine] = {}
        self._last_tick = 0.0
        self.setVisible(False)

    @property
    def active(self) -> bool:
        return self.experiment is not None

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def start(self, results: Results) -> None:
        self.experiment = replay_experiment(results)
        tracks = list(self.experiment.tracks.values())
        self.end_ns = max((t.run.wall_ns for t in tracks if t.run is not None), default=0)
        times = [t.start_ns[t.start_ns != NOT_YET] for t in tracks]
        times += [t.end_ns[t.end_ns != NOT_YET] for t in tracks]
        self.events = np.unique(np.concatenate(times)) if times else np.empty(0, np.int64)
        self._cursors = {}
        self.timeline.show_experiment(self.experiment)
        self.setVisible(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.seek(0)

    def abandon(self) -> None:
        """A new run replaces what was replayed: stop without redrawing the old run."""
        self.timer.stop()
        self.experiment = None
        self.setVisible(False)

    def stop(self) -> None:
        """Leave the replay and show the whole run again."""
        self.timer.stop()
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
        self.play_button.setText("⏸ Pause (Space)" if self.playing else "▶ Play (Space)")

    def step(self, direction: int) -> None:
        """To the next (1) or previous (-1) moment a task starts or ends."""
        if not self.active:
            return
        self.timer.stop()
        self.play_button.setText("▶ Play (Space)")
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
            if isinstance(track, ReplayTrack):
                track.at_ns = self.at_ns
        self.slider.blockSignals(True)
        self.slider.setValue(round(SLIDER_STEPS * self.at_ns / max(1, self.end_ns)))
        self.slider.blockSignals(False)
        speed = SPEEDS[self.speed.currentIndex()][0]
        self.clock.setText(
            f"t = {self.at_ns / 1e6:,.1f} ms of {self.end_ns / 1e6:,.1f} ms · {speed}"
        )
        self.timeline.refresh()
        self._draw_cursors()

    def _draw_cursors(self) -> None:
        at_s = self.at_ns / NS_PER_S
        for panel in self.timeline.panels:
            plot = panel.gantt.plot
            line = self._cursors.get(id(plot))
            if line is None or line.scene() is None:
                line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#000000", width=2))
                plot.addItem(line)
                self._cursors[id(plot)] = line
            line.setValue(at_s)

    def _tick(self) -> None:
        now = time.perf_counter()
        elapsed_ns = (now - self._last_tick) * NS_PER_S * SPEEDS[self.speed.currentIndex()][1]
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
                min(len(SPEEDS) - 1, self.speed.currentIndex() + 1)
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
