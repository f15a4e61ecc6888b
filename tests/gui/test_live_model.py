"""The live model (Qt-free): events become bars, finished runs replace what streamed in."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.config import build_config
from workbench.core.results import CpuSample, Machine, Results, Run, TaskSpan
from workbench.core.timeline import BEGIN_EVENT, END_EVENT, TaskEvent
from workbench.gui.model.live_run import LiveExperiment, RunTrack, worker_order

MACHINE = Machine(2, 2, "test cpu", "test os", "3.11.7", "CPython", True)
MS = 1_000_000


def begin(task: int, t_ms: int, worker: str = "main") -> TaskEvent:
    return TaskEvent(BEGIN_EVENT, task, t_ms * MS, worker)


def end(task: int, t_ms: int, worker: str = "main", error: str | None = None) -> TaskEvent:
    return TaskEvent(END_EVENT, task, t_ms * MS, worker, error)


def test_running_tasks_end_at_now_and_finished_ones_at_their_end() -> None:
    track = RunTrack("threads", 0, 3)
    track.apply([begin(0, 0, "thread-1"), begin(1, 5, "thread-2")], clock_ns=1_000 * MS)
    track.apply([end(0, 20, "thread-1")], clock_ns=1_010 * MS)

    bars = track.bars(clock_ns=1_040 * MS)  # 30 ms after the latest report at t = 20 ms

    assert bars.task.tolist() == [0, 1]  # task 2 has not begun: no bar
    assert np.allclose(bars.end_s, [0.020, 0.050])
    assert bars.running.tolist() == [False, True]
    assert [track.workers[i] for i in bars.worker] == ["thread-1", "thread-2"]
    assert (track.begun, track.ended) == (2, 1)


def test_a_failed_task_keeps_its_error() -> None:
    track = RunTrack("sequential", 0, 1)
    track.apply([begin(0, 0), end(0, 3, error="ValueError: boom")], clock_ns=0)
    assert not track.bars(0).ok[0]
    assert track.errors == {0: "ValueError: boom"}


def test_the_finished_run_is_the_authority() -> None:
    track = RunTrack("threads", 0, 2)
    track.apply([begin(0, 0, "thread-1"), begin(1, 1, "thread-2")], clock_ns=0)
    run = Run(
        "threads",
        0,
        False,
        "killed",
        9 * MS,
        0,
        0,
        (TaskSpan(0, 0, 4 * MS, "thread-1"), TaskSpan(1, MS, 9 * MS, "thread-2", False, "x")),
    )

    track.finish(run)

    bars = track.bars(clock_ns=10**12)  # "now" no longer matters
    assert np.allclose(bars.end_s, [0.004, 0.009]) and not bars.running.any()
    assert bars.ok.tolist() == [True, False] and track.now_ns(10**12) == 9 * MS


def test_cpu_samples_are_kept_per_core() -> None:
    track = RunTrack("sequential", 0, 1)
    track.add_sample(CpuSample(200 * MS, (50.0, 10.0)), clock_ns=0)
    track.add_sample(CpuSample(400 * MS, (100.0, 0.0)), clock_ns=0)
    times, busy = track.cpu()
    assert np.allclose(times, [0.2, 0.4]) and busy.shape == (2, 2) and busy[1, 0] == 100.0


def _run(strategy: str, repeat: int, wall_ms: int) -> Run:
    return Run(
        strategy, repeat, True, None, wall_ms * MS, 0, 0, (TaskSpan(0, 0, wall_ms * MS, "main"),)
    )


def test_reopened_results_show_the_latest_repeat_of_each_strategy_like_a_live_run() -> None:
    config = build_config("sleep", ["sequential", "threads"], 1, 1, repeat=2)
    runs = [
        _run("sequential", 0, 10),
        _run("threads", 0, 5),
        _run("sequential", 1, 12),
        _run("threads", 1, 6),
    ]
    live = LiveExperiment(config, MACHINE)
    for run in runs:
        live.run_started(run.strategy, run.repeat_index)
        live.run_finished(run)

    reopened = LiveExperiment.from_results(Results(MACHINE, config, tuple(runs)))

    for experiment in (live, reopened):
        assert {s: t.repeat_index for s, t in experiment.tracks.items()} == {
            "sequential": 1,
            "threads": 1,
        }
        assert experiment.end_ns(0) == 12 * MS
    assert live.results() == reopened.results()


def test_progress_counts_runs_and_tasks() -> None:
    config = build_config("sleep", ["sequential", "threads"], 3, 1, repeat=2)
    live = LiveExperiment(config, MACHINE)
    live.run_started("sequential", 0)
    live.task_events("sequential", 0, [begin(0, 0), end(0, 1), begin(1, 1)], clock_ns=0)
    before = live.version
    live.task_events("threads", 0, [begin(0, 0)], clock_ns=0)  # not the current run: ignored

    progress = live.progress()
    assert progress is not None
    assert (progress.run_number, progress.total_runs, progress.done, progress.tasks) == (1, 4, 1, 3)
    assert live.version == before


def test_a_worker_keeps_its_colour_when_the_run_finishes() -> None:
    track = RunTrack("process-pool", 0, 2)
    track.apply([begin(1, 0, "process-1"), begin(0, 1, "process-2")], clock_ns=0)
    assert track.workers == ["process-1", "process-2"]
    spans = (TaskSpan(0, MS, 5 * MS, "process-2"), TaskSpan(1, 0, 4 * MS, "process-1"))
    run = Run("process-pool", 0, True, None, 5 * MS, 0, 0, spans)

    track.finish(run)

    assert track.workers == ["process-1", "process-2"]  # not re-ordered by task id
    assert RunTrack.from_run(run, 2).workers == track.workers
    assert sorted(["thread-10", "main", "thread-2"], key=worker_order) == [
        "main",
        "thread-2",
        "thread-10",
    ]


def test_a_final_record_built_in_steps_puts_in_place_what_finish_does() -> None:
    """A big run's final columns are built in steps between turns of the loop, then swapped
    in: the track ends up as :meth:`RunTrack.finish` leaves it, streamed in whole or not."""
    from workbench.gui.model.run_track import FinalColumns

    spans = (
        TaskSpan(0, 0, 4 * MS, "thread-2", running=((0, MS), (2 * MS, 4 * MS))),
        TaskSpan(1, MS, 9 * MS, "thread-10", False, "x", running=((MS, 9 * MS),)),
        TaskSpan(2, 2 * MS, 3 * MS, "main"),
    )
    run = Run("threads", 0, False, None, 9 * MS, 0, 0, spans)

    def streamed(whole: bool) -> RunTrack:
        track = RunTrack("threads", 0, 3)
        for span in spans[: 3 if whole else 2]:
            track.apply([begin(span.id, span.start_ns // MS, span.worker)], clock_ns=0)
            track.apply(
                [TaskEvent(END_EVENT, span.id, span.end_ns, span.worker, span.error, span.running)],
                clock_ns=0,
            )
        return track

    for whole in (True, False):
        finished, swapped = streamed(whole), streamed(whole)
        finished.finish(run)
        streamed_tasks = swapped.ended if swapped.ended == swapped.begun else -1
        steps = FinalColumns.in_steps(run, swapped.tasks, streamed_tasks, chunk=2)
        assert next(steps) is None and next(steps) is None  # a pause after each 2 spans
        with pytest.raises(StopIteration) as done:
            next(steps)
        swapped.take(done.value.value)
        for column in ("start_ns", "end_ns", "worker", "ok"):
            assert np.array_equal(getattr(finished, column), getattr(swapped, column))
        assert finished.workers == swapped.workers == ["main", "thread-2", "thread-10"]
        assert finished.errors == swapped.errors == {1: "x"}
        assert swapped.finished and swapped.run is run
        for mine, theirs in (
            (finished.alive_series(0), swapped.alive_series(0)),
            (finished.running_series(), swapped.running_series()),
        ):
            assert all(np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True))
        assert swapped.running_series()[1].max() == 2
