"""Wall time per strategy as horizontal bars (whiskers for min/max when repeated), labelled
with speedup and efficiency, beside a table of every measured figure and the plain-language
readings.

Horizontal because strategy names ("async-to-thread") stay readable on the axis at projector
font sizes, where rotated or crowded labels under vertical bars would not.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from workbench.core.analysis import Analysis
from workbench.core.comparison import (
    COLUMN_TIPS,
    COLUMNS,
    ComparisonRow,
    bar_label,
    table_cells,
)
from workbench.core.results import Results
from workbench.gui.results.explanation_view import ExplanationView
from workbench.gui.theme import TEXT_COLOUR, Theme, show_frame
from workbench.gui.widgets.fitted_title import FittedTitle

BAR_HEIGHT = 0.6
MAX_LABEL_SHARE = 0.6
"""Labels may take at most this share of the chart's width; bars get the rest."""
LABEL_MARGIN_PX = 24
AXIS_TITLES = ("wall time (s) — shorter is faster", "wall time (s)")
"""The time axis's title, and what is left of it where the chart is too narrow for the whole
(at 1024×768 beside the table it was cut after "shorter is fa")."""


def _has_whisker(row: ComparisonRow) -> bool:
    return row.runs > 1 and row.wall_min_s is not None


def _whisker_end(row: ComparisonRow) -> float:
    """Where the row's min–max whisker ends on the right (0 when it has none)."""
    return (row.wall_max_s or 0.0) if _has_whisker(row) else 0.0


class ComparisonChart(pg.PlotWidget):
    """Median wall time per strategy; shorter is faster."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.invertY(True)
        item.showGrid(x=True, y=False, alpha=0.25)
        theme.style_axis(item.getAxis("bottom"), AXIS_TITLES[0])
        theme.style_axis(item.getAxis("left"))
        self.rows: tuple[ComparisonRow, ...] = ()
        self._ends = np.empty(0)
        self._labels: list[pg.TextItem] = []
        item.vb.sigResized.connect(self._fit_labels)  # the room labels need is in pixels
        self.heading = FittedTitle(item, theme, justify="center")
        item.vb.sigResized.connect(self._fit_axis_title)
        self.show_rows((), 1)  # a fresh window shows an empty chart as the cleared one does

    def show_rows(self, rows: tuple[ComparisonRow, ...], repeats: int) -> None:
        item = self.getPlotItem()
        item.clear()
        self.rows = rows
        show_frame(item, bool(rows))
        if not rows:
            self.heading.show(("Wall time per strategy: none yet", "Wall time: none yet"))
            self._labels, self._ends = [], np.empty(0)
            return
        median = f"median of {repeats} runs" if repeats > 1 else "one run each"
        short = f"median of {repeats}" if repeats > 1 else "one run"
        self.heading.show(
            (f"Wall time per strategy ({median})", f"Wall time ({short})", "Wall time")
        )
        item.getAxis("left").setTicks([[(i, row.name) for i, row in enumerate(rows)]])
        walls = np.array([row.wall_s or 0.0 for row in rows])
        for family, colour in self.theme.palette.families.items():
            index = np.array([i for i, row in enumerate(rows) if row.family is family], int)
            if index.size:
                item.addItem(
                    pg.BarGraphItem(
                        x0=0,
                        width=walls[index],
                        y=index,
                        height=BAR_HEIGHT,
                        brush=colour,
                        pen=pg.mkPen(TEXT_COLOUR, width=1),
                    )
                )
        self._whiskers(rows, walls)
        # A label starts where its bar's drawing ends: past the whisker of the slowest run,
        # so a wide spread of runs never draws its line through the figures.
        ends = np.maximum(walls, [_whisker_end(row) for row in rows])
        self._labels = []
        for i in range(len(rows)):
            label = pg.TextItem("", color=TEXT_COLOUR, anchor=(0, 0.5))
            label.setFont(self.theme.chart_font(bold=True))
            label.setPos(float(ends[i]), i)
            item.addItem(label)
            self._labels.append(label)
        self._ends = ends
        self._fit_labels()
        self._fit_axis_title()
        item.setYRange(-0.6, max(len(rows), 1) - 0.4, padding=0)

    def _fit_labels(self, *_: object) -> None:
        """Pick the most detailed labels that fit, then extend the time axis past the longest
        bar or whisker by as much as they need, measured in pixels, so no label is ever cut off."""
        ends = self._ends
        longest = float(max(ends.max(initial=0.0), 1e-3))
        metrics = QFontMetrics(self.theme.chart_font(bold=True))
        plot_px = max(self.getPlotItem().vb.width(), 100.0)
        for detail in (2, 1, 0):
            texts = [bar_label(row, detail) for row in self.rows]
            label_px = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            share = (label_px + LABEL_MARGIN_PX) / plot_px
            if share <= MAX_LABEL_SHARE:
                break
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        self.getPlotItem().setXRange(0, longest / (1 - min(share, MAX_LABEL_SHARE)), padding=0)

    def _fit_axis_title(self, *_: object) -> None:
        axis = self.getPlotItem().getAxis("bottom")
        for title in AXIS_TITLES:
            if axis.labelText != title:
                axis.setLabel(title)  # the style set by the theme stays
            # The view box's width: the axis shares its column, and is resized after it.
            if axis.label.boundingRect().width() <= self.getPlotItem().vb.width():
                break

    @property
    def labels(self) -> tuple[pg.TextItem, ...]:
        """The bars' labels, each placed where its bar's drawing ends (bar or whisker)."""
        return tuple(self._labels)

    def label_texts(self) -> list[str]:
        """The labels as shown at the ends of the bars."""
        return [label.textItem.toPlainText() for label in self._labels]

    def _whiskers(self, rows: tuple[ComparisonRow, ...], walls: np.ndarray) -> None:
        repeated = [i for i, row in enumerate(rows) if _has_whisker(row)]
        if not repeated:
            return
        index = np.array(repeated)
        low = np.array([walls[i] - (rows[i].wall_min_s or 0.0) for i in repeated])
        high = np.array([_whisker_end(rows[i]) - walls[i] for i in repeated])
        self.getPlotItem().addItem(
            pg.ErrorBarItem(
                x=walls[index],
                y=index.astype(float),
                left=low,
                right=high,
                beam=0.25,
                pen=pg.mkPen(TEXT_COLOUR, width=2),
            )
        )


class ComparisonTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        for column, tip in enumerate(COLUMN_TIPS):
            header = self.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(tip)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)

    def show_rows(self, rows: tuple[ComparisonRow, ...]) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(table_cells(row)):
                cell = QTableWidgetItem(text)
                if c > 0:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.failed_runs or (c == len(COLUMNS) - 1 and row.failed_tasks):
                    cell.setForeground(QColor("#B00020"))
                self.setItem(r, c, cell)

    def cell_texts(self) -> list[list[str]]:
        """Every cell's text, row by row (what a reader sees; used to compare two views)."""
        return [
            [self.item(r, c).text() if self.item(r, c) else "" for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


class ComparisonView(QSplitter):
    """The results at a glance: the chart, beside the table above the plain-language readings.
    Refreshed after every finished run; exported as one PNG."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.theme = theme
        self.results: Results | None = None
        self.analysis: Analysis | None = None
        self.chart = ComparisonChart(theme)
        self.table = ComparisonTable()
        self.explanations = ExplanationView()
        numbers = QSplitter(Qt.Orientation.Vertical)
        numbers.addWidget(self.table)
        numbers.addWidget(self.explanations)
        numbers.setSizes([150, 150])
        self.addWidget(self.chart)
        self.addWidget(numbers)
        self.setSizes([500, 760])
        theme.changed.connect(self._restyle)

    def show_analysis(self, results: Results, analysis: Analysis) -> None:
        """Show what was computed about ``results`` (see :func:`workbench.core.analysis.analyse`:
        the presenter computes it off the event loop); readings only once a run is over."""
        self.results = results
        self.analysis = analysis
        self.chart.show_rows(analysis.rows, results.config.repeat)
        self.table.show_rows(analysis.rows)
        if analysis.readings:
            self.explanations.show_analysis(results, analysis)
        else:
            self.explanations.clear_readings()

    def _restyle(self) -> None:
        self.theme.restyle_axes(self)
        if self.results is None or self.analysis is None:
            self.chart.show_rows((), 1)
        else:
            self.show_analysis(self.results, self.analysis)

    def clear(self) -> None:
        self.results = None
        self.analysis = None
        self.chart.show_rows((), 1)
        self.table.setRowCount(0)
        self.explanations.clear_readings()

    def strategies(self) -> list[str]:
        return [row.strategy for row in self.chart.rows]
