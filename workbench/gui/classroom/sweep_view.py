"""Scaling sweep: the settings' strategies over a range of task or worker counts, with median
wall time and speedup plotted against it — one line per strategy, in the main window's
strategy colours, each point drawn as soon as it is measured, with the repeats' spread.

A passive view: it asks for a sweep with :attr:`SweepDialog.run_requested`; the window's
session runs it (so the timeline fills live, and nothing else runs meanwhile), and the
presenter hands each finished point back through :meth:`point_added`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.clock import to_seconds
from workbench.core.config import MAX_REPEAT
from workbench.core.params import ConfigError
from workbench.core.results import Config, Results
from workbench.core.session import RunSweep
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.sweep import AXES, Sweep, SweepPoint, points_of, sweep_configs
from workbench.gui.theme import FAILED_COLOUR, TEXT_COLOUR, Theme, show_frame, swatch
from workbench.gui.widgets.screen_fit import fit_to_screen

MARKERS = ("o", "s", "t", "d", "+", "x")
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)
DEFAULT_SIZE = (1100, 640)
SCREEN_SHARE = 0.9
"""The dialog opens at most this share of the screen, so Stop and both plots fit at 720p."""
NOT_YET = "Run sweep (Enter): every strategy at each value, each point drawn as it is measured."
"""What the empty charts are for, until the first point."""


def parse_values(text: str) -> list[int]:
    """ "1,2,4,8" or "1 2 4" → [1, 2, 4, 8]; a bad entry is a :class:`ConfigError`."""
    values = []
    for part in text.replace(",", " ").split():
        try:
            values.append(int(part))
        except ValueError:
            raise ConfigError(f"sweep values must be whole numbers, got {part!r}") from None
    return values


class SweepDialog(QDialog):
    run_requested = Signal(object)  # RunSweep
    stop_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scaling sweep")
        self.theme = theme
        self.base: Config | None = None
        self.sweep: Sweep | None = None
        """The last finished sweep (stopped ones keep the points that finished)."""
        self.axis = QComboBox()
        self.axis.addItems(list(AXES))
        self.axis.setCurrentText("workers")
        self.axis.setToolTip("What varies from point to point")
        self.values = QLineEdit("1,2,4")
        self.values.setToolTip("Whole numbers separated by commas or spaces")
        self.repeat = QSpinBox()
        self.repeat.setRange(1, MAX_REPEAT)
        self.repeat.setValue(3)
        self.repeat.setToolTip(
            "Runs per strategy at each point: the median is plotted, with "
            "the min–max spread as whiskers"
        )
        self.run_button = QPushButton("Run sweep")
        self.run_button.setToolTip("Runs every point in turn; the timeline fills live")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop; the points measured so far are kept")
        self.stop_button.setEnabled(False)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {FAILED_COLOUR}; font-weight: bold;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.state = QLabel(NOT_YET)
        self.state.setWordWrap(True)  # unwrapped, the hint pushed Stop off a 1024-wide screen
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.wall = pg.PlotWidget()
        self.speedup = pg.PlotWidget()
        for widget in (self.wall, self.speedup):
            widget.setMinimumSize(200, 160)
        self._layout()
        self._points: list[SweepPoint] = []
        self._request: RunSweep | None = None
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop_requested)
        self.values.returnPressed.connect(self.start)
        theme.changed.connect(self._replot)
        fit_to_screen(self, DEFAULT_SIZE, SCREEN_SHARE)
        self._replot()

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Sweep over"))
        row.addWidget(self.axis)
        row.addWidget(QLabel("values"))
        row.addWidget(self.values, 1)
        row.addWidget(QLabel("repeat"))
        row.addWidget(self.repeat)
        row.addWidget(self.run_button)
        row.addWidget(self.stop_button)
        plots = QHBoxLayout()
        plots.addWidget(self.wall)
        plots.addWidget(self.speedup)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.state)
        layout.addWidget(self.legend)
        layout.addLayout(plots, 1)

    # -- what to sweep ---------------------------------------------------------------------

    def set_base(self, base: Config | None) -> None:
        self.base = base
        if base is None:
            self.about.setText("Fix the settings panel first: it names workload and strategies.")
            return
        params = ", ".join(f"{k}={v:g}" for k, v in base.params.items())
        self.about.setText(
            f"<b>{base.workload}</b> ({params}) · {', '.join(base.strategies)} · "
            f"{base.tasks} tasks, {base.workers} workers — one axis varies"
        )

    def request(self) -> RunSweep | None:
        """The sweep the inputs describe, or None with the problem shown."""
        if self.base is None:
            return None
        try:
            values = tuple(parse_values(self.values.text()))
            base = Config(
                self.base.workload,
                self.base.params,
                self.base.tasks,
                self.base.workers,
                self.repeat.value(),
                self.base.strategies,
            )
            sweep_configs(base, self.axis.currentText(), values)
        except ConfigError as exc:
            self.show_error(f"Not run: {exc}")
            return None
        self.error.setVisible(False)
        return RunSweep(base, self.axis.currentText(), values)

    def start(self) -> bool:
        """Ask for the sweep the inputs describe; False if they are not valid."""
        request = self.request()
        if request is None:
            return False
        self.run_requested.emit(request)
        return True

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def set_running(self, running: bool, *, mine: bool) -> None:
        """While anything runs, nothing new starts; Stop only stops a sweep."""
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running and mine)

    # -- the presenter's calls (SweepLike) -------------------------------------------------

    def sweep_started(self, sweep: RunSweep) -> None:
        self._request = sweep
        self._points = []
        self.state.setText(f"Measuring: 0 of {len(sweep.values)} point(s) done")
        self._replot()

    def point_added(self, index: int, results: Results) -> None:
        request = self._request
        if request is None or index >= len(request.values):
            return
        self._points.extend(points_of(request.values[index], results))
        self.state.setText(f"Measuring: {index + 1} of {len(request.values)} point(s) done")
        self._replot()

    def sweep_finished(self, sweep: Sweep) -> None:
        self.sweep = sweep
        self._points = list(sweep.points())
        total = len(self._request.values) if self._request is not None else len(sweep.values)
        self.state.setText(f"Done: {len(sweep.values)} of {total} point(s)")
        self._replot(sweep.results[0].machine.logical_cpus if sweep.results else None)

    def sweep_failed(self, message: str) -> None:
        self.show_error(f"The sweep could not run: {message}")

    # -- drawing ---------------------------------------------------------------------------

    def _replot(self, cores: int | None = None) -> None:
        axis = self._request.axis if self._request is not None else self.axis.currentText()
        values = list(self._request.values) if self._request is not None else []
        for widget, title, label in (
            (self.wall, "Wall time (median, min–max)", "wall time (s)"),
            (self.speedup, "Speedup over the baseline", "speedup (×)"),
        ):
            item = widget.getPlotItem()
            item.clear()
            item.setMenuEnabled(False)
            item.hideButtons()
            item.showGrid(x=True, y=True, alpha=0.25)
            item.setTitle(title, size=self.theme.title_size(), color=TEXT_COLOUR)
            self.theme.style_axis(item.getAxis("bottom"), f"{axis} (count)")
            self.theme.style_axis(item.getAxis("left"), label)
            item.getAxis("bottom").setTicks([[(v, str(v)) for v in values]] if values else None)
            show_frame(item, bool(values))
        legend = [self._plot_strategy(i, s) for i, s in enumerate(self._strategies())]
        if axis == "workers" and values:
            legend.append(self._ideal(values, cores))
        self.legend.setText("&nbsp;&nbsp;&nbsp; ".join(legend))
        self._from_zero(values)

    def _strategies(self) -> list[str]:
        return list(dict.fromkeys(point.strategy for point in self._points))

    def _plot_strategy(self, index: int, strategy: str) -> str:
        known = STRATEGIES.get(strategy)
        family = known.family if known is not None else Family.SEQUENTIAL
        colour = self.theme.palette.families[family]
        pen = pg.mkPen(colour, width=3, style=DASHES[index % len(DASHES)])
        style = {
            "pen": pen,
            "symbol": MARKERS[index % len(MARKERS)],
            "symbolSize": 11,
            "symbolBrush": colour,
            "symbolPen": colour,
            "name": strategy,
        }
        mine = [p for p in self._points if p.strategy == strategy and p.wall_ns is not None]
        xs = [float(p.value) for p in mine]
        walls = [to_seconds(p.wall_ns or 0) for p in mine]
        self.wall.plot(xs, walls, **style)
        pairs = list(zip(mine, walls, strict=True))
        low = [w - to_seconds(p.wall_min_ns or p.wall_ns or 0) for p, w in pairs]
        high = [to_seconds(p.wall_max_ns or p.wall_ns or 0) - w for p, w in pairs]
        if any(low) or any(high):
            spread = pg.ErrorBarItem(
                x=np.array(xs),
                y=np.array(walls),
                top=np.array(high),
                bottom=np.array(low),
                beam=0.15,
                pen=pen,
            )
            self.wall.addItem(spread)
        speeds = [(float(p.value), p.speedup) for p in mine if p.speedup is not None]
        self.speedup.plot([v for v, _ in speeds], [s for _, s in speeds], **style)
        return swatch(colour, f"<b>{strategy}</b> {MARKERS[index % len(MARKERS)]}")

    def _ideal(self, values: list[int], cores: int | None) -> str:
        ideal = pg.mkPen("#555555", width=2, style=Qt.PenStyle.DashLine)
        self.speedup.plot(values, values, pen=ideal, name="ideal")
        text = "<b>- - -</b>&nbsp;ideal (speedup = workers)"
        if cores is not None:
            line = pg.InfiniteLine(
                cores,
                angle=90,
                pen=pg.mkPen("#000000", width=2, style=Qt.PenStyle.DotLine),
                label=f"{cores} cores",
                labelOpts={"position": 0.9, "color": TEXT_COLOUR},
            )
            self.speedup.addItem(line)
            text += f"&nbsp;&nbsp;&nbsp; <b>┆</b>&nbsp;{cores} cores on this machine"
        return text

    def _from_zero(self, values: list[int]) -> None:
        """Both axes start at zero: a wall time or a speedup read off a cut axis misleads."""
        right = max(values, default=1) * 1.08
        axis = self._request.axis if self._request is not None else self.axis.currentText()
        ideal = values if axis == "workers" else []
        for widget, key in ((self.wall, "wall"), (self.speedup, "speedup")):
            top = self._top(key, ideal)
            widget.getPlotItem().setXRange(0, right, padding=0)
            widget.getPlotItem().setYRange(0, top, padding=0)

    def _top(self, key: str, ideal: list[int]) -> float:
        if key == "wall":
            tops = [to_seconds(p.wall_max_ns or p.wall_ns or 0) for p in self._points]
            return max(tops, default=1.0) * 1.12 or 1.0
        tops = [p.speedup or 0.0 for p in self._points] + [float(v) for v in ideal]
        return max(tops, default=1.0) * 1.12 or 1.0

    def plotted(self, strategy: str) -> int:
        """Points drawn for a strategy in the wall-time plot (for tests)."""
        for item in self.wall.getPlotItem().listDataItems():
            if item.name() == strategy:
                return len(item.getData()[0])
        return 0
