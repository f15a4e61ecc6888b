"""The real window runs real experiments: bars per task, live growth, every strategy compared."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import qasync
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import until
from tests.gui.scenario import configure, run_to_completion
from tests.table_text import table_cells, tables
from workbench.console import comparison_table
from workbench.core.comparison import COLUMNS
from workbench.core.config import build_config
from workbench.core.machine import this_machine
from workbench.core.results import CpuSample, Results, Run
from workbench.gui.main_window import MainWindow
from workbench.gui.timeline.view import TimelineView

STRATEGIES = ["sequential", "async-gather", "threads"]


def drawn_tasks(view: TimelineView, strategy: str) -> np.ndarray:
    """Task ids whose bars are drawn in a strategy's panel (every visible colour item)."""
    gantt = next(p for p in view.panels if p.strategy == strategy).gantt
    if gantt.bars is None:
        return np.empty(0, int)
    assert gantt.drawn_rectangles() == gantt.bars.task.size  # one rectangle per task
    return gantt.bars.task


def test_a_run_draws_one_bar_per_task_and_compares_every_strategy(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", STRATEGIES, 5, duration=0.05)
    results = run_to_completion(window, loop)

    assert results.ok and [r.strategy for r in results.runs] == STRATEGIES
    for strategy in STRATEGIES:
        assert sorted(drawn_tasks(window.timeline, strategy)) == [0, 1, 2, 3, 4]
    assert window.comparison.strategies() == STRATEGIES
    table = window.comparison.table.cell_texts()
    assert [row[0] for row in table] == STRATEGIES
    (printed,) = tables(comparison_table(results))
    assert table_cells(printed) == table  # the CLI prints the window's rows, cell for cell
    readings = window.explanations.texts()
    assert [text.split(":")[0] for text in readings] == STRATEGIES
    # The reading quotes the measured speedup shown in the table, not canned text.
    gather_speedup = table[1][COLUMNS.index("Speedup")]
    assert re.fullmatch(r"\d+\.\d\d×", gather_speedup)
    assert gather_speedup in readings[1]
    assert "Done" in window.status.state.text()


def test_bars_appear_while_running_and_running_bars_grow(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    # 4 s in all: two live redraws fit even at the slowest pace (one a second, a busy
    # machine's); at 1.6 s a CI run once ended first and the wait for them timed out.
    configure(window, "sleep", ["sequential"], 4, duration=1.0)
    window.actions.run.trigger()
    view = window.timeline

    loop.run_until_complete(until(lambda: view.panels and drawn_tasks(view, "sequential").size))
    assert window.presenter.busy
    assert drawn_tasks(view, "sequential").size < 4  # only tasks that began have bars
    bars = view.panels[0].gantt.bars
    assert bars is not None and bars.running.any()
    first_end = float(bars.end_s[bars.running].max())
    redraws = window.presenter.redraws
    loop.run_until_complete(until(lambda: window.presenter.redraws >= redraws + 2))
    assert "Running sequential — run 1 of 1" in window.status.state.text()
    later = view.panels[0].gantt.bars
    assert later is not None and float(later.end_s[: bars.task.size].max()) > first_end

    loop.run_until_complete(window.presenter.wait_idle())
    assert sorted(drawn_tasks(view, "sequential")) == [0, 1, 2, 3]


def test_hover_names_the_task_under_the_pointer(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["sequential"], 3, duration=0.05)
    results = run_to_completion(window, loop)
    span = results.runs[0].tasks[1]
    gantt = window.timeline.panels[0].gantt
    middle_s = (span.start_ns + span.end_ns) / 2e9
    scene = gantt.plot.vb.mapViewToScene(QPointF(middle_s, 1.0))

    text = window.timeline.hover_text(scene)

    assert text is not None
    assert "task 1 · main" in text and "duration" in text and "start" in text
    off_bar = gantt.plot.vb.mapViewToScene(QPointF(middle_s, 0.5))  # between two rows
    assert window.timeline.hover_text(off_bar) is None


def test_lanes_show_one_row_per_worker(window: MainWindow, loop: qasync.QEventLoop) -> None:
    configure(window, "sleep", ["thread-pool"], 6, workers=3, duration=0.05)
    run_to_completion(window, loop)
    window.actions.lanes.trigger()

    gantt = window.timeline.panels[0].gantt
    assert gantt.lanes and window.timeline.lanes_check.isChecked()
    assert sorted(set(gantt.rows.tolist())) == [0, 1, 2]
    low, high = gantt.plot.vb.viewRange()[1]
    assert low < 0 and 2 < high < 3


def test_keys_zoom_and_pan_the_shared_time_axis(
    window: MainWindow, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    configure(window, "sleep", ["sequential", "async-gather"], 3, duration=0.05)
    run_to_completion(window, loop)
    view = window.timeline
    top, bottom = (panel.gantt.plot.vb for panel in view.panels)
    full = top.viewRange()[0]

    view.graphics.setFocus()
    qtbot.keyClick(view.graphics, Qt.Key.Key_Plus)
    zoomed = top.viewRange()[0]
    assert zoomed[1] - zoomed[0] < 0.9 * (full[1] - full[0])
    assert np.allclose(bottom.viewRange()[0], zoomed)  # one time axis (linked via pixels)
    qtbot.keyClick(view.graphics, Qt.Key.Key_Right)
    assert top.viewRange()[0][0] > zoomed[0]
    assert not view.following
    qtbot.keyClick(view.graphics, Qt.Key.Key_Home)
    assert view.following
    assert np.allclose(top.viewRange()[0], full)


def test_f5_runs_the_default_config(
    window: MainWindow, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenter.busy
    assert window.presenter.experiment is not None
    config = window.presenter.experiment.config
    assert (config.workload, config.strategies) == (
        "cpu",
        ("sequential", "threads", "process-pool"),
    )
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    loop.run_until_complete(window.presenter.wait_idle())
    assert window.results is not None and window.results.interrupted


def test_every_chart_shares_one_time_axis_stacked_or_one_at_a_time(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["sequential", "threads"], 3, duration=0.05)
    run_to_completion(window, loop)
    view = window.timeline

    for shown in ("All strategies", "threads"):
        view.show_combo.setCurrentText(shown)
        QApplication.processEvents()
        plots = [plot for p in view.panels for plot in (p.gantt.plot, p.cpu.plot)]
        assert len(plots) == (4 if shown == "All strategies" else 2)
        ranges = [plot.vb.viewRange()[0] for plot in plots]
        assert all(np.allclose(r, ranges[0]) for r in ranges), ranges
        assert ranges[0][0] == 0.0 and ranges[0][1] > window.results.runs[0].wall_ns / 1e9


def test_repeats_get_whiskers_and_the_status_bar_names_the_machine(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["sequential", "async-gather"], 2, repeat=2, duration=0.02)
    results = run_to_completion(window, loop)

    assert len(results.runs) == 4
    chart_items = window.comparison.chart.getPlotItem().items
    assert any(isinstance(item, pg.ErrorBarItem) for item in chart_items)
    assert "(" in window.comparison.table.cell_texts()[0][1]  # wall shows min–max
    machine = window.status.machine.text()
    assert f"{results.machine.logical_cpus} cores" in machine and "GIL" in machine


def test_many_cores_are_drawn_as_a_heatmap(window: MainWindow) -> None:
    cores = 32
    machine = replace(this_machine(), logical_cpus=cores)
    samples = tuple(CpuSample(i * 200_000_000, (50.0,) * cores) for i in range(1, 4))
    run = Run("sequential", 0, True, None, 600_000_000, 0, 0, (), samples)
    config = build_config("sleep", ["sequential"], 1, 1)
    window.presenter.show_results(Results(machine, config, (run,)))

    cpu = window.timeline.panels[0].cpu
    assert cpu.heatmap and cpu.image is not None
    assert cpu.image.image.shape == (cores, 3)  # a row per core, a column per sample
    assert "a row each, 32" in window.timeline.cpu_legend.text()
