"""A panel's title shows as much as its plot's width takes, never a word cut at the edge: at
1024×768 the whole title ("… · 8.816 s wall  ■ main · ▬ alive (waitin") was cut mid-word."""

from __future__ import annotations

from types import SimpleNamespace

import pyqtgraph as pg
from pytestqt.qtbot import QtBot

from tests.gui.charts import comparison_row, wide_plot_titled
from workbench.core.explain import Reading
from workbench.gui.results.comparison_view import AXIS_TITLES, ComparisonView
from workbench.gui.results.explanation_view import ExplanationView
from workbench.gui.theme import Theme

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
    view, plot, title = wide_plot_titled(qtbot, FORMS)
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
    _, plot, title = wide_plot_titled(qtbot, FORMS)
    set_texts: list[str] = []
    plot.titleLabel.setText = lambda text, **_: set_texts.append(text)  # type: ignore[method-assign]
    title.show(FORMS)
    assert set_texts == []
    title.show(FORMS[1:])
    assert set_texts == [FORMS[1]]


def test_the_wall_time_chart_fits_its_titles_to_a_narrow_pane_and_reads_from_the_top(
    qtbot: QtBot,
) -> None:
    """At 1024×768 beside the table, the chart's whole title asked for more width than the
    pane had and pushed the chart under the table; its axis title was cut."""
    theme = Theme()
    view = ComparisonView(theme)
    qtbot.addWidget(view)
    view.resize(1400, 300)
    view.show()
    rows = (comparison_row("sequential", 2.0), comparison_row("async-gather", 0.2))
    view.chart.show_rows(rows, 3)
    chart, axis = view.chart, view.chart.getPlotItem().getAxis("bottom")
    qtbot.waitUntil(lambda: chart.heading.shown == "Wall time per strategy (median of 3 runs)")
    assert axis.labelText == AXIS_TITLES[0]

    view.setSizes([230, 1170])  # the chart's pane as narrow as at 1024×768, or narrower
    qtbot.waitUntil(lambda: chart.width() < 260)
    qtbot.waitUntil(lambda: chart.heading.shown != chart.heading.whole)
    assert _fits(chart.getPlotItem())
    assert "median of 3 runs" in chart.getPlotItem().titleLabel.toolTip()
    assert axis.labelText == AXIS_TITLES[1]
    assert axis.label.boundingRect().width() <= axis.width()


def test_readings_set_while_folded_away_open_at_their_first_line(qtbot: QtBot) -> None:
    view = ExplanationView()
    qtbot.addWidget(view)
    view.resize(400, 0)  # the comparison folds below the timeline until F8
    view.show()
    readings = tuple(Reading("threads", f"threads: a reading, the {i}th") for i in range(30))
    analysis = SimpleNamespace(readings=readings, recommendation="the recommendation")
    view.show_analysis(SimpleNamespace(interrupted=False), analysis)  # type: ignore[arg-type]
    view.resize(400, 150)
    qtbot.waitUntil(lambda: view.height() == 150)
    assert view.verticalScrollBar().maximum() > 0 and view.verticalScrollBar().value() == 0
