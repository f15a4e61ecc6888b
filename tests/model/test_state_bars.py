"""Each task's bar cut into its thread's states (Qt-free): exact pieces, a lane per thread,
a pixel's resolution, a budget for huge runs, a replay's clock."""

from __future__ import annotations

import numpy as np

from tests.core.thread_states_factory import MS, gil_threads, run_of
from workbench.core.results import TaskSpan
from workbench.core.task_shares import CODE, timeline_arrays
from workbench.core.threadstates import ThreadState, ThreadTimeline
from workbench.gui.model.live_run import RunTrack
from workbench.gui.model.state_bars import RunStateBars, coarsened, grid_step

RUNNING, LOCK, IO = ThreadState.RUNNING, ThreadState.LOCK, ThreadState.IO


def bars_of(run_tasks: int, run: object) -> RunStateBars:
    track = RunTrack.from_run(run, run_tasks)  # type: ignore[arg-type]
    return RunStateBars(track.run, track.start_ns, track.end_ns, track.worker)  # type: ignore[arg-type]


def test_each_tasks_bar_is_cut_into_its_threads_states() -> None:
    bars = bars_of(2, gil_threads())
    pieces = bars.pieces(lanes=False, pixel_ns=1_000)
    assert len(pieces) == 40  # 20 turns of 5 ms each, per task
    first = pieces.row == 0
    assert pieces.code[first][:2].tolist() == [CODE[RUNNING], CODE[LOCK]]
    assert pieces.code[~first][:2].tolist() == [CODE[LOCK], CODE[RUNNING]]
    assert ((pieces.end_ns - pieces.start_ns) == 5 * MS).all()


def test_a_lane_is_its_thread_over_the_stretches_its_tasks_were_alive() -> None:
    loop = ThreadTimeline(30, 30, "", ((0, 20 * MS, RUNNING), (20 * MS, 100 * MS, IO)))
    tasks = (
        TaskSpan(0, 0, 50 * MS, "main", pid=30, native_id=30),
        TaskSpan(1, 10 * MS, 60 * MS, "main", pid=30, native_id=30),
        TaskSpan(2, 80 * MS, 90 * MS, "main", pid=30, native_id=30),
    )
    bars = bars_of(3, run_of("async-gather", tasks, (loop,)))
    lane = bars.pieces(lanes=True, pixel_ns=1_000)
    assert list(zip(lane.start_ns.tolist(), lane.end_ns.tolist(), strict=True)) == [
        (0, 20 * MS),
        (20 * MS, 60 * MS),
        (80 * MS, 90 * MS),
    ]
    assert set(lane.row.tolist()) == {0}
    assert len(bars.pieces(lanes=False, pixel_ns=1_000)) == 2 + 2 + 1  # rows overlap


def test_zoomed_out_each_pixel_shows_the_state_that_dominated_it() -> None:
    """1 ms of running then 4 ms of lock, repeated: at 5 ms a pixel, all lock."""
    intervals = []
    for t in range(0, 100, 5):
        intervals += [(t * MS, (t + 1) * MS, RUNNING), ((t + 1) * MS, (t + 5) * MS, LOCK)]
    starts, ends, codes = coarsened(
        timeline_arrays(ThreadTimeline(1, 1, "", tuple(intervals))), 5 * MS
    )
    assert (starts.tolist(), ends.tolist(), codes.tolist()) == ([0], [100 * MS], [CODE[LOCK]])


def test_too_many_pieces_are_coarsened_until_they_fit() -> None:
    bars = bars_of(2, gil_threads())
    pieces = bars.pieces(lanes=False, pixel_ns=1_000, budget=10)
    assert 0 < len(pieces) <= 10
    covered = np.sort(pieces.end_ns - pieces.start_ns).sum()
    assert covered == 2 * 100 * MS, "coarser, yet every task's life still covered"


def test_a_replay_shows_only_what_had_happened() -> None:
    pieces = bars_of(2, gil_threads()).pieces(lanes=False, pixel_ns=1_000).until(12 * MS)
    assert pieces.end_ns.max() == 12 * MS
    assert len(pieces) == 6


def test_the_drawing_grid_does_not_follow_a_pixels_last_digits() -> None:
    assert [grid_step(p) for p in (0.5, 1, 3, 7, 19, 46_153.8, 46_160.2, 250_000)] == [
        1,
        1,
        2,
        5,
        10,
        20_000,
        20_000,
        200_000,
    ]
