"""Speedup against core count, one point per machine and strategy: the room's lesson in one
picture. Processes on CPU work climb with the cores (up to the dashed ideal, speedup = cores);
threads under the GIL stay flat whatever the machine.

Colours are the strategy families' (as in the main window's comparison), markers tell the
strategies of one family apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from workbench.core.strategies import STRATEGIES, Family
from workbench.gui.model.class_rows import Series
from workbench.gui.theme import TEXT_COLOUR, Theme

MARKERS = ("o", "s", "t", "d", "star", "h")
POINT_SIZE = 13


class SpeedupChart(pg.PlotWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.series: tuple[Series, ...] = ()
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        self.legend = item.addLegend(offset=(10, 10), labelTextColor=TEXT_COLOUR)
        self._style()
        theme.changed.connect(self._restyle)

    def _style(self) -> None:
        item = self.getPlotItem()
        self.theme.style_axis(item.getAxis("bottom"), "logical CPUs (cores)")
        self.theme.style_axis(item.getAxis("left"), "speedup over sequential (×)")
        item.setTitle("Speedup against cores, one point per machine", size=self.theme.title_size())

    def _restyle(self) -> None:
        self._style()
        self.show_series(self.series)

    def show_series(self, series: Sequence[Series]) -> None:
        self.series = tuple(series)
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        top_cores = max((max(s.cores) for s in self.series if s.cores), default=4)
        top_speedup = max((max(s.speedups) for s in self.series if s.speedups), default=1.0)
        ideal = pg.PlotDataItem(
            [0, top_cores + 1],
            [0, top_cores + 1],
            pen=pg.mkPen(TEXT_COLOUR, width=1, style=Qt.PenStyle.DashLine),
        )
        item.addItem(ideal)
        self.legend.addItem(ideal, "ideal: speedup = cores")
        used: dict[Family, int] = {}
        for one in self.series:
            family = STRATEGIES[one.strategy].family if one.strategy in STRATEGIES else None
            colour = self.theme.palette.families.get(family, TEXT_COLOUR) if family else "#000"
            nth = used.get(family, 0) if family else 0
            if family is not None:
                used[family] = nth + 1
            scatter = pg.ScatterPlotItem(
                x=list(one.cores),
                y=list(one.speedups),
                symbol=MARKERS[nth % len(MARKERS)],
                size=POINT_SIZE * self.theme.scale,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(TEXT_COLOUR, width=1),
                name=one.strategy,
            )
            item.addItem(scatter)
            self.legend.addItem(scatter, one.strategy)
        item.setXRange(0, top_cores + 1, padding=0.02)
        item.setYRange(0, max(top_speedup, 1.0) * 1.1 + 0.2, padding=0)

    def point_count(self) -> int:
        return sum(len(s.cores) for s in self.series)
