"""A panel's title shows as much as its plot's width takes, never a word cut at the edge: at
1024×768 the whole title ("… · 8.816 s wall  ■ main · ▬ alive (waitin") was cut mid-word."""

from __future__ import annotations

import pyqtgraph as pg
from pytestqt.qtbot import QtBot

from workbench.gui.theme import Theme
from workbench.gui.timeline.title import FittedTitle

FORMS = (
    "<b>threads</b> (repeat 3/3) · 8.816 s wall &nbsp;&nbsp;■ task-0 ■ task-1 · ▬ alive (waiting)",
    "<b>threads</b> (repeat 3/3) · 8.816 s wall",
    "<b>threads</b> 3/3 · 8.816 s wall",
)


def _fits(plot: pg.PlotItem) -> bool:
    return plot.titleLabel.item.boundingRect().width() <= plot.vb.width()


def test_a_narrow_plot_drops_the_legend_and_keeps_the_whole_title_in_its_tooltip(
    qtbot: QtBot,
) -> None:
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = pg.PlotItem()
    view.addItem(plot)
    title = FittedTitle(plot, Theme())
    view.resize(1600, 300)
    view.show()
    title.show(FORMS)
    qtbot.waitUntil(lambda: title.shown == FORMS[0])
    assert _fits(plot) and plot.titleLabel.toolTip() == ""

    view.resize(520, 300)  # the whole title is ~700 px at the theme's size
    qtbot.waitUntil(lambda: title.shown != FORMS[0])
    assert _fits(plot)
    assert "alive (waiting)" not in plot.titleLabel.text
    tooltip = plot.titleLabel.toolTip()
    assert "alive (waiting)" in tooltip and "<b>" not in tooltip

    view.resize(1600, 300)  # room again: the whole title comes back, without a tooltip
    qtbot.waitUntil(lambda: title.shown == FORMS[0])
    assert plot.titleLabel.toolTip() == ""


def test_the_same_title_again_is_not_laid_out_again(qtbot: QtBot) -> None:
    """The timeline sets every panel's title at every redraw of a live run."""
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = pg.PlotItem()
    view.addItem(plot)
    title = FittedTitle(plot, Theme())
    view.resize(1600, 300)
    view.show()
    title.show(FORMS)
    qtbot.waitUntil(lambda: title.shown == FORMS[0])
    set_texts: list[str] = []
    plot.titleLabel.setText = lambda text, **_: set_texts.append(text)  # type: ignore[method-assign]
    title.show(FORMS)
    assert set_texts == []
    title.show(FORMS[1:])
    assert set_texts == [FORMS[1]]
