"""How the window looks on a projector: large type, dark-on-light charts, strong colours.

One place for fonts and colours so every chart and table agrees, and so a screenshot taken for
the README looks like what a class sees.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from workbench.core.strategies import Family

BASE_POINT_SIZE = 12
"""Readable from the back of a room on a 1080p projector without crowding a laptop screen."""
CHART_POINT_SIZE = 11
TITLE_POINT_SIZE = 12

WORKER_COLOURS = [
    "#4E79A7",  # blue
    "#F28E2B",  # orange
    "#59A14F",  # green
    "#B07AA1",  # purple
    "#E15759",  # red
    "#76B7B2",  # teal
    "#EDC948",  # yellow
    "#9C755F",  # brown
    "#FF9DA7",  # pink
    "#7F7F7F",  # grey
]
"""Tableau 10: distinct on white and on a washed-out projector; colours repeat past ten
workers (the lane view then tells them apart). A list, swapped in place by presentation mode
(workbench.gui.classroom.presentation) for a colour-blind-safe palette, so every importer sees it."""

CORE_COLOURS = WORKER_COLOURS
FAILED_COLOUR = "#B00020"
TEXT_COLOUR = "#202020"
GRID_ALPHA = 0.25

FAMILY_COLOURS = {
    Family.SEQUENTIAL: "#7F7F7F",
    Family.ASYNC: "#59A14F",
    Family.THREADS: "#4E79A7",
    Family.PROCESSES: "#F28E2B",
}
"""Comparison bars are coloured by how a strategy gets concurrency, not by worker."""

HEATMAP = "viridis"
"""Perceptually uniform and still ordered when a projector loses contrast."""


def worker_colour(index: int) -> QColor:
    return QColor(WORKER_COLOURS[index % len(WORKER_COLOURS)])


_CHART = {"scale": 1.0}
"""Chart type size multiplier: presentation mode enlarges it (see :func:`set_chart_scale`)."""


def set_chart_scale(scale: float) -> None:
    _CHART["scale"] = scale


def chart_points(point_size: float = CHART_POINT_SIZE) -> float:
    return point_size * _CHART["scale"]


def title_size() -> str:
    """Chart titles' size, for pyqtgraph's ``setTitle(size=…)``."""
    return f"{chart_points(TITLE_POINT_SIZE):g}pt"


def chart_font(point_size: int = CHART_POINT_SIZE, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(chart_points(point_size))
    font.setBold(bold)
    return font


def style_axis(axis: pg.AxisItem, label: str | None = None) -> None:
    """Large tick labels and an axis title whose unit is part of the text ("time (s)"), never
    pyqtgraph's automatic SI prefix, which would silently turn seconds into "ms"."""
    axis.enableAutoSIPrefix(False)
    axis.setStyle(tickFont=chart_font(), tickTextOffset=6)
    axis.setTextPen(TEXT_COLOUR)
    axis.setPen(TEXT_COLOUR)
    if label is not None:
        axis.setLabel(label, **{"font-size": f"{chart_points():g}pt", "color": TEXT_COLOUR})


def time_row(plot: pg.PlotItem, y_label: str | None = None) -> None:
    """A row under the Gantt chart: no menu or buttons, pans and zooms in time only (its x
    axis is linked to the chart's), styled axes."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=True, y=False)
    if y_label is not None:
        style_axis(plot.getAxis("left"), y_label)
    style_axis(plot.getAxis("bottom"))


def swatch(colour: str, text: str) -> str:
    """A coloured square and its meaning, for rich-text legends."""
    return f'<span style="color:{colour}">■</span>&nbsp;{text}'


def apply_app_style(app: QApplication) -> None:
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    pg.setConfigOptions(background="w", foreground=TEXT_COLOUR, antialias=False)
