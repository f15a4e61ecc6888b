"""What the chart tests build: a comparison row, and a wide plot showing a fitted title."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from pytestqt.qtbot import QtBot

from workbench.core.comparison import ComparisonRow
from workbench.core.strategies.base import Family
from workbench.gui.theme import Theme
from workbench.gui.widgets.fitted_title import FittedTitle


def comparison_row(
    strategy: str, wall_s: float, low_s: float | None = None, high_s: float | None = None
) -> ComparisonRow:
    """A strategy's row of three runs (min and max: the median unless given)."""
    low_s = wall_s if low_s is None else low_s
    high_s = wall_s if high_s is None else high_s
    return ComparisonRow(
        strategy, Family.SEQUENTIAL, 3, wall_s, low_s, high_s,
        None, None, None, 1.0, None, 1, 0, 0, None,
    )  # fmt: skip


def wide_plot_titled(
    qtbot: QtBot, forms: Sequence[str], theme: Theme | None = None
) -> tuple[pg.GraphicsLayoutWidget, pg.PlotItem, FittedTitle]:
    """A plot wide enough for the whole title (1600 px), showing ``forms``' first."""
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = pg.PlotItem()
    view.addItem(plot)
    title = FittedTitle(plot, theme or Theme())
    view.resize(1600, 300)
    view.show()
    title.show(forms)
    qtbot.waitUntil(lambda: title.shown == forms[0])
    return view, plot, title
