"""Replay: a speed that fits the run in ~15 s, every row cut at the clock, the view follows
the cursor when zoomed, and nothing of it is left on the charts once it closes."""

from __future__ import annotations

import pyqtgraph as pg
import qasync

from tests.gui.scenario import configure, run_to_completion
from workbench.core.clock import NS_PER_S
from workbench.gui.main_window import MainWindow
from workbench.gui.timeline.replay import (
    FITTED_REPLAY_S,
    fitted_speed,
    offered_speeds,
    speed_label,
)


def cursors(window: MainWindow) -> int:
    return sum(
        isinstance(item, pg.InfiniteLine) and item.angle == 90
        for panel in window.timeline.panels
        for plot in panel.plots()
        for item in plot.items
    )


def test_every_row_replays_at_a_fitted_speed_and_leaves_nothing_behind(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["async-gather"], 6, duration=0.3, jitter=0.3)
    results = run_to_completion(window, loop)
    wall = results.runs[0].wall_ns
    assert window.classroom.start_replay()
    replay = window.replay

    assert replay.current_speed == fitted_speed(wall)
    assert f"{replay.speed.currentText()} plays the whole run in ~{FITTED_REPLAY_S:.0f} s" in (
        replay.speed.toolTip()
    )
    half = wall // 2
    replay.seek(half)
    panel = window.timeline.panels[0]
    track = window.timeline.experiment.tracks["async-gather"]  # type: ignore[union-attr]
    edges, _ = track.alive_series(0)
    assert edges.size and edges[-1] <= half  # the concurrency row stops at the clock
    cpu_times, _ = track.cpu()
    assert (cpu_times <= half / NS_PER_S).all()
    lag_t, _ = track.lag_series()
    assert lag_t.size < len(track.lag) and (lag_t <= half / NS_PER_S).all()
    assert panel.inside.lag is not None and panel.inside.lag.samples == lag_t.size
    assert cursors(window) == len(panel.plots())  # a cursor on every row of the panel
    axis_end = panel.gantt.plot.vb.viewRange()[0][1]  # the whole run's axis, not the clock's
    assert axis_end >= wall / NS_PER_S

    replay.stop()
    assert cursors(window) == 0 and not replay.isVisible()


def test_zoomed_in_the_view_follows_the_cursor(window: MainWindow, loop: qasync.QEventLoop) -> None:
    configure(window, "sleep", ["sequential"], 5, duration=0.05)
    results = run_to_completion(window, loop)
    assert window.classroom.start_replay()
    end_s = results.runs[0].wall_ns / NS_PER_S
    view = window.timeline.panels[0].gantt.plot.vb
    window.timeline.following = False
    view.setXRange(0, end_s / 10, padding=0)

    window.replay.seek(int(0.8 * results.runs[0].wall_ns))
    low, high = view.viewRange()[0]
    assert low < 0.8 * end_s < high
    assert abs((high - low) - end_s / 10) < 1e-6 * end_s  # the zoom kept
    window.replay.stop()


def test_no_two_speeds_offered_share_a_name() -> None:
    """An 8 s run's fitted speed (1/1.9×) read "1/2×" beside the fixed 1/2×."""
    for run_s in (0.05, 1.5, 7.5, 8.0, 9.5, 150.0, 1_000.0):
        fitted = fitted_speed(round(run_s * NS_PER_S))
        names = [speed_label(speed) for speed in offered_speeds(fitted)]
        assert len(names) == len(set(names)), (run_s, names)
        assert fitted in offered_speeds(fitted)
