"""See inside each task in the window: running slices over alive bars, event-loop lag,
concurrency over time, lag percentiles in the comparison, and files that keep all of it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import qasync
from PySide6.QtCore import QPointF, QSettings
from PySide6.QtWidgets import QApplication

from tests.gui.scenario import configure, reopened, run_to_completion, settle
from workbench.core.comparison import COLUMNS
from workbench.core.config import build_config
from workbench.core.results import LagSample
from workbench.core.timeline import BEGIN_EVENT, END_EVENT, TaskEvent
from workbench.gui.main_window import MainWindow
from workbench.gui.model.live_run import LiveExperiment
from workbench.gui.timeline.concurrency import reduce_steps
from workbench.gui.timeline.gantt import BAR_HEIGHT
from workbench.gui.timeline.panel import Panel
from workbench.gui.timeline.slices import ALIVE_HEIGHT, RUNNING_HEIGHT


def panel(window: MainWindow, strategy: str) -> Panel:
    return next(p for p in window.timeline.panels if p.strategy == strategy)


def test_threads_on_cpu_draw_many_running_slices_per_task_over_thin_alive_bars(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "cpu", ["threads"], 2, size=3_000_000)
    run_to_completion(window, loop)
    gantt = panel(window, "threads").gantt

    drawn = gantt.slices.drawn
    assert drawn is not None
    per_task = np.bincount(drawn.row, minlength=2)
    assert per_task.size == 2 and (per_task > 5).all(), per_task  # the GIL's turns
    assert gantt.slices.drawn_slices() == drawn.row.size
    alive_heights = {float(item.opts["height"]) for item in gantt._by_colour if item.isVisible()}
    assert alive_heights == {ALIVE_HEIGHT}  # thin alive bars under thick running slices
    assert RUNNING_HEIGHT > 2 * ALIVE_HEIGHT
    title = panel(window, "threads").heading.whole
    assert "alive (waiting)" in title and "running" in title

    span = window.results.runs[0].tasks[0]
    start, end = span.running[len(span.running) // 2]
    scene = gantt.plot.vb.mapViewToScene(QPointF((start + end) / 2e9, 0.0))
    text = window.timeline.hover_text(scene)
    assert text is not None and "task 0" in text
    assert f"in {len(span.running)} slices" in text
    if span.cores:
        assert "ran on core" in text

    window.timeline.core_check.setChecked(True)  # slices coloured by the core they ran on
    by_core = gantt.slices.drawn
    cores = {core for task in window.results.runs[0].tasks for core in task.cores}
    assert by_core is not None and by_core.row.size == drawn.row.size
    if cores:
        assert set(by_core.colour.tolist()) <= {
            core % len(window.theme.palette.cores) for core in cores
        }


def test_async_runs_plot_loop_lag_and_concurrency_and_the_table_summarises_lag(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    strategies = ["async-blocking", "async-gather", "threads"]
    configure(window, "sleep", strategies, 5, duration=0.05)
    results = run_to_completion(window, loop)

    blocking, gather, threads = (panel(window, s) for s in strategies)
    assert blocking.inside is not None and gather.inside is not None
    assert threads.inside is not None and threads.inside.lag is None  # no event loop
    for async_panel in (blocking, gather):
        assert async_panel.inside.lag is not None and async_panel.inside.lag.samples > 0
    # A blocking call holds the loop: lag at least one 50 ms sleep; gathered sleeps: tiny.
    _, blocking_lag = blocking.inside.lag.dots.getData()
    _, gather_lag = gather.inside.lag.dots.getData()
    assert blocking_lag.max() >= 45
    assert np.median(gather_lag) < 5

    assert gather.inside.concurrency.peaks == (5, 1)  # all alive, one running at a time
    assert blocking.inside.concurrency.peaks == (1, 1)  # strictly one after another
    assert threads.inside.concurrency.peaks[0] == 5

    table = {row[0]: row for row in window.comparison.table.cell_texts()}
    lag = COLUMNS.index("Loop lag")
    assert table["async-gather"][lag].endswith(" ms")  # p50/p99/max
    assert table["threads"][lag] == ""
    blocking_max = max(s.lag_ns for s in results.runs_of("async-blocking")[0].loop_lag)
    assert table["async-blocking"][lag].endswith(f"/{blocking_max / 1e6:.0f} ms")


def test_a_saved_file_reopens_with_identical_slices_and_lag(
    window: MainWindow, loop: qasync.QEventLoop, settings: QSettings, tmp_path: Path
) -> None:
    configure(window, "cpu", ["threads", "async-gather"], 2, size=1_000_000)
    run_to_completion(window, loop)
    path = tmp_path / "inside.json"
    assert window.files.save_to(str(path))

    def seen(w: MainWindow) -> dict[str, object]:
        out: dict[str, object] = {}
        for p in w.timeline.panels:
            track = w.timeline.experiment.tracks[p.strategy]
            arrays = [a.tolist() for a in track.slices.arrays()]
            lag = [a.tolist() for a in track.lag.series()]
            assert p.gantt.slices.drawn is not None
            # The data, not the pixels: which slices merge on screen depends on the view
            # range, which a live run and a reopened file may fit differently.
            out[p.strategy] = (arrays, lag, p.inside.concurrency.peaks)
        return out

    before = seen(window)
    assert before["threads"][0][0]  # there were slices to compare
    with reopened(window, path, settings, loop) as other:
        QApplication.processEvents()
        assert seen(other) == before


def test_slices_and_lag_arrive_live_with_end_events() -> None:
    experiment = LiveExperiment(build_config("sleep", ["async-gather"], 2))
    experiment.run_started("async-gather", 0)
    experiment.task_events("async-gather", 0, [TaskEvent(BEGIN_EVENT, 0, 10, "main")], 1)
    track = experiment.tracks["async-gather"]
    assert not track.slices.traced  # a task that has not ended has no slices yet
    running = ((10, 20), (90, 100))
    end = TaskEvent(END_EVENT, 0, 100, "main", running=running)
    experiment.task_events("async-gather", 0, [end, end], 2)  # a repeated end counts once
    experiment.loop_lagged("async-gather", 0, [LagSample(50, 3_000_000)], 3)

    assert track.slices.traced and len(track.slices) == 2
    assert track.slices.of_task(0)[0].tolist() == [10, 90]
    times, lag_ms = track.lag.series()
    assert lag_ms.tolist() == [3.0] and times.size == 1


def test_reduced_steps_keep_every_peak_and_trough_at_pixel_resolution() -> None:
    rng = np.random.default_rng(3)
    edges = np.sort(rng.uniform(0, 1, 20_001))
    counts = rng.integers(0, 50, 20_000)
    counts[12_345] = 99  # a one-step spike

    shown_t, shown = reduce_steps(edges, counts, 0.0, 1.0, 0.001)

    assert len(shown_t) == len(shown) + 1 and shown.size <= 2 * 1_001
    assert shown.max() == 99 and shown.min() == counts.min()
    assert np.all(np.diff(shown_t) > 0)
    _, few = reduce_steps(edges[:11], counts[:10], 0.0, 1.0, 0.001)
    assert few.tolist() == counts[:10].tolist()  # few steps are drawn exactly


def test_a_version_1_file_opens_with_plain_bars_and_no_lag(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    configure(window, "cpu", ["threads", "async-gather"], 2, size=300_000)
    run_to_completion(window, loop)
    path = tmp_path / "v2.json"
    assert window.files.save_to(str(path))
    document = json.loads(path.read_text())
    document["schema"] = "workbench.results/1"
    for run in document["runs"]:
        del run["loop_lag"]
        for task in run["tasks"]:
            task.pop("running", None)
            task.pop("cores", None)
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(document))

    assert window.files.open_file(str(old))
    settle(window, loop)
    for p in window.timeline.panels:
        assert not window.timeline.experiment.tracks[p.strategy].slices.traced
        assert p.gantt.slices.drawn is None and p.gantt.slices.drawn_slices() == 0
        heights = {float(item.opts["height"]) for item in p.gantt._by_colour if item.isVisible()}
        assert heights == {BAR_HEIGHT}  # unknown inside: the plain bars of before
        assert "alive (waiting)" not in p.heading.whole
        assert p.inside is not None and p.inside.concurrency.peaks[1] == 0  # running unknown
    gather = panel(window, "async-gather").inside
    assert gather is not None and gather.lag is not None and gather.lag.samples == 0
    lag = COLUMNS.index("Loop lag")
    assert [row[lag] for row in window.comparison.table.cell_texts()] == ["", ""]
