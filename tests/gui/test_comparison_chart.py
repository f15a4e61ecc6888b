"""The wall-time chart's labels sit clear of the whiskers: when runs spread widely, a label at
the median's end had the min–max line drawn straight through its figures."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from tests.gui.charts import comparison_row
from workbench.gui.results.comparison_view import ComparisonChart
from workbench.gui.theme import Theme


def test_a_label_starts_past_its_whisker_and_stays_inside_the_plot(qtbot: QtBot) -> None:
    chart = ComparisonChart(Theme())
    qtbot.addWidget(chart)
    chart.resize(700, 260)
    chart.show()
    spread = comparison_row("threads", 1.0, 0.6, 3.0)  # the slowest run: three times the median
    single = replace(spread, strategy="one-run", runs=1)
    rows = (comparison_row("sequential", 2.0, 2.0, 2.0), spread, single)
    chart.show_rows(rows, 3)
    qtbot.waitUntil(lambda: chart.getPlotItem().vb.width() > 400)

    starts = [label.pos().x() for label in chart.labels]
    assert starts[0] == 2.0  # no spread: at the bar's end
    assert starts[1] == 3.0  # past the whisker, not at the median's 1.0
    assert starts[2] == 1.0  # one run: no whisker drawn, nothing to clear
    view = chart.getPlotItem().vb
    for label in chart.labels:  # the axis made room for the label past the whisker
        assert label.sceneBoundingRect().right() <= view.sceneBoundingRect().right() + 1


def test_a_fresh_chart_draws_no_empty_frame_until_rows_come(qtbot: QtBot) -> None:
    """A new window's chart had 0–1 axes with crowded ticks ("0.00020.0004…") over nothing."""
    chart = ComparisonChart(Theme())
    qtbot.addWidget(chart)
    chart.show()
    item = chart.getPlotItem()
    assert not item.getAxis("left").isVisible() and not item.getAxis("bottom").isVisible()
    assert "none yet" in chart.heading.whole

    chart.show_rows((comparison_row("sequential", 2.0, 2.0, 2.0),), 1)
    assert item.getAxis("left").isVisible() and item.getAxis("bottom").isVisible()
