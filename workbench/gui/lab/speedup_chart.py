"""Speedup against core count, one point per machine and strategy: the room's lesson in one
picture. Processes on CPU work climb with the cores, up to the dashed ideal — speedup equals
the cores, until every task has one (more cores than tasks cannot help) — while threads under
the GIL stay flat whatever the machine.

Colours are the strategy families' (as in the main window's comparison), markers tell the
strategies of one family apart; the legend is a line above the chart, never over a point.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.core.strategies import STRATEGIES
from workbench.gui.model.class_rows import Series
from workbench.gui.theme import TEXT_COLOUR, Theme, show_frame

MARKERS = (("o", "●"), ("s", "■"), ("t", "▼"), ("d", "◆"), ("star", "★"), ("h", "⬢"))
"""pyqtgraph's symbol and the character that draws it in the legend."""
POINT_SIZE = 13
WAITING = "Each machine's speedup appears here as its results arrive."


class SpeedupChart(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.series: tuple[Series, ...] = ()
        self.tasks = 0
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self._style()
        theme.changed.connect(self._restyle)

    def _style(self) -> None:
        item = self.plot.getPlotItem()
        self.theme.style_axis(item.getAxis("bottom"), "logical CPUs (cores)")
        self.theme.style_axis(item.getAxis("left"), "speedup (×)")
        item.setTitle("Speedup against cores", size=self.theme.title_size())

    def _restyle(self) -> None:
        self._style()
        self.show_series(self.series, self.tasks)

    def _colour(self, strategy: str) -> str:
        known = STRATEGIES.get(strategy)
        return self.theme.palette.families[known.family] if known else TEXT_COLOUR

    def show_series(self, series: Sequence[Series], tasks: int) -> None:
        """``tasks``: the most tasks a machine ran (where the ideal line levels off)."""
        self.series, self.tasks = tuple(series), tasks
        item = self.plot.getPlotItem()
        item.clear()
        show_frame(item, bool(self.series))
        if not self.series:  # nor an ideal: nothing to hold it against
            self.legend.setText(WAITING)
            self.legend.setToolTip("")
            return
        top_cores = max((max(s.cores) for s in self.series if s.cores), default=4)
        top_speedup = max((max(s.speedups) for s in self.series if s.speedups), default=1.0)
        right = top_cores + 1
        knee = min(tasks, right) if tasks else right
        dashed = pg.mkPen(TEXT_COLOUR, width=1, style=Qt.PenStyle.DashLine)
        item.addItem(pg.PlotDataItem([0, knee, right], [0, knee, knee], pen=dashed))
        entries = ["- - -&nbsp;ideal"]
        markers: dict[str, int] = {}
        for one in self.series:
            colour = self._colour(one.strategy)
            nth = markers.get(colour, 0)
            markers[colour] = nth + 1
            symbol, glyph = MARKERS[nth % len(MARKERS)]
            item.addItem(
                pg.ScatterPlotItem(
                    x=list(one.cores),
                    y=list(one.speedups),
                    symbol=symbol,
                    size=POINT_SIZE * self.theme.scale,
                    brush=pg.mkBrush(colour),
                    pen=pg.mkPen(TEXT_COLOUR, width=1),
                )
            )
            entries.append(f'<span style="color:{colour}">{glyph}</span>&nbsp;{one.strategy}')
        nowrap = (f'<span style="white-space:nowrap">{e}</span>' for e in entries)
        self.legend.setText(" &nbsp; ".join(nowrap))
        self.legend.setToolTip(
            "Each machine's speedup over its own sequential run. Ideal: one task per core, "
            f"so no more than the cores, nor than the tasks ({tasks})."
        )
        item.setXRange(0, right, padding=0.02)
        item.setYRange(0, max(top_speedup, knee if tasks else 1.0, 1.0) * 1.08, padding=0)

    def point_count(self) -> int:
        return sum(len(s.cores) for s in self.series)
