"""Scaling sweep: the current strategies over a range of task or worker counts, with wall time
and speedup plotted against it (one line per strategy). Runs through the core's
:func:`~workbench.core.sweep.run_sweep` on the window's asyncio loop; Stop keeps the finished
points."""

from __future__ import annotations

import asyncio
import logging

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.clock import to_seconds
from workbench.core.observer import Observer
from workbench.core.params import ConfigError
from workbench.core.results import Config
from workbench.core.sweep import AXES, Sweep, run_sweep, sweep_configs
from workbench.gui.theme import (
    FAILED_COLOUR,
    TEXT_COLOUR,
    WORKER_COLOURS,
    style_axis,
    swatch,
    title_size,
)

log = logging.getLogger(__name__)
MARKERS = ("o", "s", "t", "d", "+", "x")


def parse_values(text: str) -> list[int]:
    """ "1,2,4,8" or "1 2 4" → [1, 2, 4, 8]; a bad entry is a :class:`ConfigError`."""
    values = []
    for part in text.replace(",", " ").split():
        try:
            values.append(int(part))
        except ValueError:
            raise ConfigError(f"sweep values must be whole numbers, got {part!r}") from None
    return values


class _Progress(Observer):
    def __init__(self, label: QLabel) -> None:
        self.label = label
        self.point = 0

    def experiment_started(self, config: Config) -> None:
        self.point += 1
        self.label.setText(f"Point {self.point}: {config.tasks} tasks, {config.workers} workers")


class SweepDialog(QDialog):
    def __init__(self, base: Config | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scaling sweep")
        self.resize(1300, 700)
        self.base = base
        self.axis = QComboBox()
        self.axis.addItems(list(AXES))
        self.axis.setCurrentText("workers")
        self.values = QLineEdit("1,2,4")
        self.values.setToolTip("Whole numbers separated by commas or spaces")
        self.run_button = QPushButton("Run sweep")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {FAILED_COLOUR}; font-weight: bold;")
        self.error.setVisible(False)
        self.state = QLabel()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.wall = pg.PlotWidget()
        self.speedup = pg.PlotWidget()
        row = QHBoxLayout()
        row.addWidget(QLabel("Sweep over"))
        row.addWidget(self.axis)
        row.addWidget(QLabel("values"))
        row.addWidget(self.values, 1)
        row.addWidget(self.run_button)
        row.addWidget(self.stop_button)
        plots = QHBoxLayout()
        plots.addWidget(self.wall)
        plots.addWidget(self.speedup)
        layout = QVBoxLayout(self)
        self.about = QLabel()
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.state)
        layout.addWidget(self.legend)
        layout.addLayout(plots, 1)
        self.sweep: Sweep | None = None
        self.task: asyncio.Future[None] | None = None
        self._stop: asyncio.Event | None = None
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.values.returnPressed.connect(self.start)
        self.set_base(base)

    def set_base(self, base: Config | None) -> None:
        self.base = base
        if base is None:
            self.about.setText("Fix the settings panel first: it names workload and strategies.")
        else:
            params = ", ".join(f"{k}={v:g}" for k, v in base.params.items())
            self.about.setText(
                f"<b>{base.workload}</b> ({params}) · {', '.join(base.strategies)} · "
                f"{base.tasks} tasks, {base.workers} workers — one axis varies"
            )

    def blocked(self) -> bool:
        """True while the window runs an experiment (one measurement at a time)."""
        return False

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> bool:
        if self.running or self.base is None or self.blocked():
            return False
        try:
            values = parse_values(self.values.text())
            sweep_configs(self.base, self.axis.currentText(), values)
        except ConfigError as exc:
            self.error.setText(f"Not run: {exc}")
            self.error.setVisible(True)
            return False
        self.error.setVisible(False)
        self._stop = asyncio.Event()
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.task = asyncio.ensure_future(self._run(self.axis.currentText(), values, self._stop))
        return True

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    async def wait_idle(self) -> None:
        if self.task is not None:
            await asyncio.wait({self.task})

    async def _run(self, axis: str, values: list[int], stop: asyncio.Event) -> None:
        assert self.base is not None
        try:
            sweep = await run_sweep(self.base, axis, values, _Progress(self.state), stop=stop)
        except Exception as exc:
            log.exception("sweep failed")
            self.error.setText(f"The sweep could not run: {exc}")
            self.error.setVisible(True)
        else:
            self.sweep = sweep
            done = len(sweep.values)
            self.state.setText(f"Done: {done} of {len(values)} point(s)")
            self.plot(sweep)
        finally:
            self.run_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            self._stop = None

    def plot(self, sweep: Sweep) -> None:
        unit = "tasks" if sweep.axis == "tasks" else "workers"
        cores = self.base_cores(sweep)
        for widget, title, label in (
            (self.wall, "Wall time (median)", "wall time (s)"),
            (self.speedup, "Speedup over the baseline", "speedup (×)"),
        ):
            item = widget.getPlotItem()
            item.clear()
            item.setMenuEnabled(False)
            item.hideButtons()
            item.showGrid(x=True, y=True, alpha=0.25)
            item.setTitle(title, size=title_size(), color=TEXT_COLOUR)
            style_axis(item.getAxis("bottom"), f"{unit} (count)")
            style_axis(item.getAxis("left"), label)
            item.getAxis("bottom").setTicks([[(v, str(v)) for v in sweep.values]])
        points = sweep.points()
        legend = []
        for index, strategy in enumerate(dict.fromkeys(p.strategy for p in points)):
            mine = [p for p in points if p.strategy == strategy]
            colour = WORKER_COLOURS[index % len(WORKER_COLOURS)]
            legend.append(swatch(colour, f"<b>{strategy}</b>"))
            pen = pg.mkPen(colour, width=4)
            common = {
                "pen": pen,
                "symbol": MARKERS[index % len(MARKERS)],
                "symbolSize": 12,
                "symbolBrush": colour,
                "symbolPen": colour,
                "name": strategy,
            }
            walls = [(p.value, to_seconds(p.wall_ns)) for p in mine if p.wall_ns is not None]
            self.wall.plot([v for v, _ in walls], [w for _, w in walls], **common)
            speeds = [(p.value, p.speedup) for p in mine if p.speedup is not None]
            self.speedup.plot([v for v, _ in speeds], [s for _, s in speeds], **common)
        if sweep.axis == "workers" and sweep.values:
            legend.append("<b>- - -</b>&nbsp;ideal (speedup = workers)")
            legend.append(f"<b>┆</b>&nbsp;{cores} cores on this machine")
            ideal = pg.mkPen("#555555", width=2, style=Qt.PenStyle.DashLine)
            self.speedup.plot(list(sweep.values), list(sweep.values), pen=ideal, name="ideal")
            line = pg.InfiniteLine(
                cores,
                angle=90,
                pen=pg.mkPen("#000000", width=2, style=Qt.PenStyle.DotLine),
                label=f"{cores} cores",
                labelOpts={"position": 0.9, "color": TEXT_COLOUR},
            )
            self.speedup.addItem(line)
        self.legend.setText("&nbsp;&nbsp;&nbsp;&nbsp;".join(legend))

    @staticmethod
    def base_cores(sweep: Sweep) -> int:
        return sweep.results[0].machine.logical_cpus if sweep.results else 1

    def plotted(self, strategy: str) -> int:
        """Points drawn for a strategy in the wall-time plot (for tests)."""
        for item in self.wall.getPlotItem().listDataItems():
            if item.name() == strategy:
                return len(item.getData()[0])
        return 0
