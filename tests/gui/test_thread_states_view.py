"""Thread states in the window: with *States* on, each task's bar is coloured by what its
thread was doing (the lock colour for threads on CPU work: the GIL), with a legend and
tooltips; a run reopened from a file draws the same."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import qasync
from PySide6.QtCore import QPointF, QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.charts import wide_plot_titled
from tests.gui.scenario import configure, reopened, run_to_completion
from workbench.core.threadstates import ThreadState
from workbench.core.threadstates.sampler import procfs_available
from workbench.gui.main_window import MainWindow
from workbench.gui.timeline.panel import Panel, panel_titles
from workbench.gui.widgets.fitted_title import plain

RUNNING, LOCK = ThreadState.RUNNING, ThreadState.LOCK


def as_read(html: str) -> str:
    """Rich text as a reader sees it (a legend entry's words are kept together by &nbsp;)."""
    return plain(html).replace("\xa0", " ")


def panel(window: MainWindow, strategy: str) -> Panel:
    return next(p for p in window.timeline.panels if p.strategy == strategy)


@pytest.mark.skipif(not procfs_available(), reason="needs Linux's /proc")
@pytest.mark.skipif(not getattr(sys, "_is_gil_enabled", lambda: True)(), reason="needs the GIL")
@pytest.mark.slow
def test_threads_on_cpu_with_states_on_carry_the_lock_colour(
    window: MainWindow, loop: qasync.QEventLoop, settings: QSettings, tmp_path: Path
) -> None:
    configure(window, "cpu", ["threads"], 2, size=3_000_000)
    results = run_to_completion(window, loop)
    gantt = panel(window, "threads").gantt
    assert gantt.states.drawn_pieces() == 0, "states are off until asked for"

    window.timeline.controls.states_check.setChecked(True)
    threads = panel(window, "threads")
    assert {RUNNING, LOCK} <= threads.gantt.states.colours_drawn()
    lock_item = threads.gantt.states._items[LOCK]
    assert QColor(lock_item.opts["brush"]) == QColor(window.theme.palette.state(LOCK))
    assert threads.gantt.slices.drawn_slices() == 0, "the states replace the running slices"
    title = threads.heading.whole
    assert "waiting for the GIL" in title and "running" in title

    span = results.runs[0].tasks[0]
    scene = threads.gantt.plot.vb.mapViewToScene(QPointF((span.start_ns + span.end_ns) / 2e9, 0))
    text = window.timeline.hover_text(scene)
    assert text is not None and "waited for the GIL" in text and "of its life" in text

    path = tmp_path / "run.json"
    assert window.files.save_to(str(path))
    with reopened(window, path, settings, loop) as other:
        other.timeline.controls.states_check.setChecked(True)
        QApplication.processEvents()
        window.timeline.refresh()
        other.timeline.refresh()
        theirs_panel = panel(other, "threads")
        assert theirs_panel.gantt.states.colours_drawn() == threads.gantt.states.colours_drawn()
        assert theirs_panel.heading.whole == threads.heading.whole
        # the same pieces at any one zoom (the drawing's grid follows the pixel's size)
        mine, theirs = (
            w.timeline.panels[0].gantt.states.bars_for(w.timeline.experiment.tracks["threads"])
            for w in (window, other)
            if w.timeline.experiment is not None
        )
        assert mine is not None and theirs is not None
        for pixel_ns in (10_000.0, 333_333.0):
            a, b = (x.pieces(lanes=False, pixel_ns=pixel_ns) for x in (mine, theirs))
            assert all(
                np.array_equal(getattr(a, f), getattr(b, f))
                for f in ("start_ns", "end_ns", "row", "code")
            )

    window.timeline.controls.states_check.setChecked(False)
    assert threads.gantt.states.drawn_pieces() == 0
    assert threads.gantt.slices.drawn_slices() > 0


def test_lanes_colour_each_threads_lane_and_free_threading_says_no_gil(
    window: MainWindow,
) -> None:
    """Built in code: one lane per thread, and a legend that names the missing GIL."""
    from dataclasses import replace

    from tests.core.thread_states_factory import gil_threads, results_of
    from workbench.gui.model.live_run import LiveExperiment

    results = results_of(gil_threads(), gil_enabled=False)
    results = replace(results, config=replace(results.config, strategies=("threads",)))
    window.timeline.show_experiment(LiveExperiment.from_results(results))
    window.timeline.controls.states_check.setChecked(True)
    window.timeline.set_lanes(True)
    gantt = panel(window, "threads").gantt
    y0 = np.concatenate(
        [item.opts["y0"] for item in gantt.states._items.values() if item.isVisible()]
    )
    assert {round(float(y) + 0.4) for y in y0} == {0, 1}, "a lane per thread that ran tasks"
    assert "waiting for a lock (no GIL)" in panel(window, "threads").heading.whole


def test_a_short_legend_keeps_the_missing_gils_zero(window: MainWindow) -> None:
    """On a free-threaded Python, "for a lock (no GIL) 0 %" is the lesson, narrow or not."""
    from dataclasses import replace

    from tests.core.thread_states_factory import MS, gil_threads, results_of
    from workbench.gui.model.live_run import LiveExperiment

    run = gil_threads()  # its two task threads running side by side, never waiting
    both_running = ((0, 100 * MS, RUNNING),)
    threads = tuple(
        t if t.native_id == 10 else replace(t, intervals=both_running) for t in run.threads
    )
    run = replace(run, threads=threads)
    results = results_of(run, gil_enabled=False)
    window.timeline.show_experiment(LiveExperiment.from_results(results))
    window.timeline.controls.states_check.setChecked(True)
    experiment = window.timeline.experiment
    assert experiment is not None
    states = panel(window, "threads").gantt.states
    legends = states.legends(experiment.tracks["threads"], experiment)
    assert legends is not None
    assert "running 100 %" in legends[1] and "for a lock (no GIL) 0 %" in legends[1]


def test_off_linux_the_colour_key_names_running_or_not() -> None:
    """Elsewhere the OS tells only whether a thread runs: the key names those two colours."""
    from workbench.gui.theme import Theme
    from workbench.gui.timeline.states import state_key

    key = as_read(state_key(Theme(), "the GIL", told=False))
    assert "running" in key and "not running (the OS does not say why)" in key
    assert "waiting for the GIL" not in key


def test_a_run_drawn_with_states_off_is_not_indexed_for_them(window: MainWindow) -> None:
    """Indexing a big run's thread timelines freezes the window as the run ends: with
    *States* off, drawing (and redrawing) the run never builds that index; turning them on
    does."""
    from dataclasses import replace

    from tests.core.thread_states_factory import gil_threads, results_of
    from workbench.gui.model.live_run import LiveExperiment

    results = results_of(gil_threads())
    results = replace(results, config=replace(results.config, strategies=("threads",)))
    window.timeline.show_experiment(LiveExperiment.from_results(results))
    window.timeline.refresh()
    states = panel(window, "threads").gantt.states
    assert states._bars is None
    window.timeline.controls.states_check.setChecked(True)
    assert states._bars is not None and states.drawn_pieces() > 0


def test_a_narrow_panel_keeps_the_states_legend_in_short_words(
    window: MainWindow, qtbot: QtBot
) -> None:
    """At 1024×768 the whole states legend did not fit a panel, and its title dropped it,
    leaving the colours unexplained: a shorter legend comes before none."""
    from tests.core.thread_states_factory import gil_threads, results_of
    from workbench.gui.model.live_run import LiveExperiment

    results = results_of(gil_threads())
    window.timeline.show_experiment(LiveExperiment.from_results(results))

    def legend_line() -> str:
        return as_read(window.timeline.cpu_legend.text())

    assert "thread states" not in legend_line()
    window.timeline.controls.states_check.setChecked(True)
    # The colours are named over every panel, whatever room each panel's title has.
    assert "thread states:" in legend_line() and "waiting for the GIL" in legend_line()
    assert "waiting&nbsp;for&nbsp;the&nbsp;GIL" in window.timeline.cpu_legend.text()
    track = window.timeline.experiment.tracks["threads"] if window.timeline.experiment else None
    legends = panel(window, "threads").gantt.states.legends(track, window.timeline.experiment)
    assert legends is not None
    whole, short = legends
    assert "waiting for the GIL" in whole and "waiting for a core 0 %" in whole
    assert "for the GIL" in short and "waiting" not in short
    assert "a core" not in short, "a state never seen is left out of the short legend"

    forms = panel_titles(track, "threads", 1, window.theme, legends=legends)
    assert forms[:2] == tuple(f"{forms[2]} &nbsp;&nbsp;{legend}" for legend in legends)
    view, plot, title = wide_plot_titled(qtbot, forms, window.theme)
    widths = []
    for form in forms[:2]:  # each form's width, shown alone on a wide plot
        title.show((form,))
        qtbot.waitUntil(lambda form=form: title.shown == form)
        widths.append(plot.titleLabel.item.boundingRect().width())
    title.show(forms)
    frame = view.width() - plot.vb.width()
    view.resize(round(frame + (widths[0] + widths[1]) / 2), 300)
    qtbot.waitUntil(lambda: title.shown == forms[1])  # not the title without a legend
