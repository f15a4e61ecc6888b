"""A row's title shows only where it fits: a short row's "CPU %" ran into its neighbours'."""

from __future__ import annotations

import pyqtgraph as pg
from pytestqt.qtbot import QtBot

from workbench.gui.timeline.axes import TITLE_OVERHANG, FittingAxis


def test_a_rows_title_hides_while_the_row_is_too_short_and_comes_back(qtbot: QtBot) -> None:
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    axis = FittingAxis("left")
    axis.setLabel("CPU %", **{"font-size": "14pt"})
    view.addItem(pg.PlotItem(axisItems={"left": axis}))
    view.resize(400, 300)
    view.show()
    qtbot.waitUntil(axis.title_shown)
    needed = axis.label.boundingRect().width()  # written upwards: its width is its height

    view.resize(400, int(needed / 2))
    qtbot.waitUntil(lambda: axis.size().height() < TITLE_OVERHANG * needed)
    assert not axis.title_shown()

    view.resize(400, 300)
    qtbot.waitUntil(axis.title_shown)
