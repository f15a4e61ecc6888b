"""The window's presenter (workbench/gui/model) against mock views: no display and no Qt in
this process — every call it makes is one a passive view would receive, as pyapp-kit/ndv
tests its controllers. (Kept out of tests/gui, whose fixtures start a QApplication.)"""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from unittest.mock import MagicMock

import pytest

from workbench.core import session as session_module
from workbench.core.config import build_config
from workbench.core.presets import PresetVerdict, preset_named
from workbench.core.results import Results
from workbench.core.session import RunExperiment, RunPreset, RunSweep
from workbench.core.sweep import Sweep
from workbench.gui.model import presenter as presenter_module
from workbench.gui.model.live_run import LiveExperiment
from workbench.gui.model.presenter import Presenter
from workbench.gui.model.views import (
    BannerLike,
    ComparisonLike,
    ReplayLike,
    ShellLike,
    StatusLike,
    SweepLike,
    TimelineLike,
    VerdictLike,
    Views,
)


def mock_views() -> Views:
    timeline = MagicMock(spec=TimelineLike)
    timeline.last_redraw_s = 0.001
    return Views(
        shell=MagicMock(spec=ShellLike),
        timeline=timeline,
        comparison=MagicMock(spec=ComparisonLike),
        status=MagicMock(spec=StatusLike),
        banner=MagicMock(spec=BannerLike),
        verdict=MagicMock(spec=VerdictLike),
        sweep=MagicMock(spec=SweepLike),
        replay=MagicMock(spec=ReplayLike),
    )


def quick(*strategies: str, tasks: int = 2) -> Any:
    return build_config("sleep", strategies, tasks, params={"duration": 0.01})


def run(loop: asyncio.AbstractEventLoop, presenter: Presenter, measurement: Any) -> None:
    assert presenter.start(measurement)
    loop.run_until_complete(asyncio.wait_for(presenter.wait_idle(), 60))


def test_an_experiment_locks_the_window_shows_it_live_then_its_outcome(
    loop: asyncio.AbstractEventLoop,
) -> None:
    views = mock_views()
    presenter = Presenter(views)
    config = quick("sequential", "async-gather")
    run(loop, presenter, RunExperiment(config))

    assert [c.args for c in views.shell.set_running.call_args_list][:1] == [(True,)]
    assert views.shell.set_running.call_args.args == (False,)  # unlocked at the end
    shown = views.timeline.show_experiment.call_args.args[0]
    assert isinstance(shown, LiveExperiment) and shown.config == config
    views.verdict.clear.assert_called()  # not a preset: no stale verdict left
    views.replay.abandon.assert_called()
    results, analysis = views.comparison.show_analysis.call_args.args
    assert isinstance(results, Results) and results.ok and presenter.results is results
    assert [row.strategy for row in analysis.rows] == ["sequential", "async-gather"]
    assert len(analysis.readings) == 2 and analysis.recommendation.startswith("for this")
    assert views.status.show_idle.call_args.args[0].startswith("Done — 2 run(s)")
    views.banner.show_message.assert_not_called()


def test_a_preset_shows_its_claim_then_its_verdict(loop: asyncio.AbstractEventLoop) -> None:
    views = mock_views()
    presenter = Presenter(views)
    preset = preset_named("hello-hello")
    run(loop, presenter, RunPreset(preset, 0.05))

    views.verdict.show_claim.assert_called_once_with(preset, 0.05)
    verdict = views.verdict.show_verdict.call_args.args[0]
    assert isinstance(verdict, PresetVerdict) and presenter.outcome is verdict
    assert views.shell.show_header.call_args_list[0].args[0].startswith("Preset: ")


def test_a_sweep_hands_each_point_to_its_view_as_it_is_measured(
    loop: asyncio.AbstractEventLoop,
) -> None:
    views = mock_views()
    presenter = Presenter(views)
    request = RunSweep(quick("async-gather"), "tasks", (1, 3))
    run(loop, presenter, request)

    views.sweep.sweep_started.assert_called_once_with(request)
    assert [c.args[0] for c in views.sweep.point_added.call_args_list] == [0, 1]
    sweep = views.sweep.sweep_finished.call_args.args[0]
    assert isinstance(sweep, Sweep) and sweep.values == (1, 3)
    assert len(views.timeline.show_experiment.call_args_list) == 2  # each point shown live


def test_live_redraws_are_paced_by_the_whole_redraw_its_later_turns_included(
    loop: asyncio.AbstractEventLoop,
) -> None:
    views = mock_views()
    timeline = views.timeline

    def refresh_live() -> None:  # as the real view: its first part now, the rest in a turn
        timeline.last_redraw_s = 0.01
        loop.call_soon(setattr, timeline, "last_redraw_s", 0.2)

    timeline.refresh_live.side_effect = refresh_live
    presenter = Presenter(views)
    noted: list[float] = []
    note = presenter.note_redraw_cost

    def note_redraw_cost(seconds: float) -> None:
        noted.append(seconds)
        note(seconds)

    presenter.note_redraw_cost = note_redraw_cost  # type: ignore[method-assign]
    run(
        loop,
        presenter,
        RunExperiment(build_config("sleep", ["async-gather"], 2, params={"duration": 0.5})),
    )

    assert timeline.refresh_live.call_count >= 2, noted
    assert 0.2 in noted and 0.01 not in noted  # the whole redraw, never its first part


def test_one_at_a_time_and_stop_keeps_what_finished(loop: asyncio.AbstractEventLoop) -> None:
    views = mock_views()
    presenter = Presenter(views)
    long = build_config("sleep", ["sequential"], 100, params={"duration": 0.1})
    assert presenter.start(RunExperiment(long))
    assert presenter.busy and not presenter.start(RunExperiment(quick("threads")))

    async def stop_after_a_task() -> None:
        while not (e := presenter.experiment) or not e.current or not e.current.ended:
            await asyncio.sleep(0.01)
        presenter.stop()
        await presenter.wait_idle()

    loop.run_until_complete(asyncio.wait_for(stop_after_a_task(), 60))
    assert not presenter.busy
    assert views.status.show_idle.call_args.args[0].startswith("Stopped")


def test_a_failure_is_one_line_in_the_banner_and_the_window_recovers(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise OSError("Too many open files")

    monkeypatch.setattr(session_module, "run_experiment", broken)
    views = mock_views()
    presenter = Presenter(views)
    run(loop, presenter, RunExperiment(quick("sequential")))

    views.banner.show_message.assert_called_with(
        "The experiment could not run: Too many open files"
    )
    assert views.shell.set_running.call_args.args == (False,) and not presenter.busy


def test_opened_results_are_shown_whole(loop: asyncio.AbstractEventLoop) -> None:
    views = mock_views()
    presenter = Presenter(views)
    run(loop, presenter, RunExperiment(quick("sequential")))
    results = presenter.results
    assert results is not None

    other_views = mock_views()
    other = Presenter(other_views)
    other.show_results(results, "run.json")
    other_views.shell.show_config.assert_called_once_with(results.config)
    assert "from run.json" in other_views.shell.show_header.call_args.args[0]
    assert other.results is results
    loop.run_until_complete(asyncio.wait_for(other.wait_idle(), 60))
    shown, analysis = other_views.comparison.show_analysis.call_args.args
    assert shown is results and [row.strategy for row in analysis.rows] == ["sequential"]


def test_the_analysis_is_computed_off_the_loop_and_a_stale_one_is_dropped(
    loop: asyncio.AbstractEventLoop,
) -> None:
    views = mock_views()
    presenter = Presenter(views)
    run(loop, presenter, RunExperiment(quick("sequential")))
    first = presenter.results
    run(loop, presenter, RunExperiment(quick("async-gather")))
    second = presenter.results
    assert first is not None and second is not None

    other_views = mock_views()
    other = Presenter(other_views)
    threads: list[str] = []
    real_analyse = presenter_module.analyse

    def recording_analyse(results: Results, *, readings: bool) -> Any:
        threads.append(threading.current_thread().name)
        return real_analyse(results, readings=readings)

    presenter_module.analyse = recording_analyse  # type: ignore[assignment]
    try:
        other.show_results(first)
        other.show_results(second)  # before the first's analysis could arrive
        loop.run_until_complete(asyncio.wait_for(other.wait_idle(), 60))
    finally:
        presenter_module.analyse = real_analyse  # type: ignore[assignment]
    assert threads and all(name.startswith("workbench-analysis") for name in threads)
    (call,) = other_views.comparison.show_analysis.call_args_list
    assert call.args[0] is second
    other.shutdown()


def test_the_model_runs_without_qt() -> None:
    """In a fresh interpreter (pytest-qt loads Qt into this one): the presenter, its views'
    protocols and the live model import no Qt."""
    import subprocess
    import sys

    code = (
        "import sys, workbench.gui.model.presenter, workbench.gui.model.views; "
        "loaded = {'PySide6', 'pyqtgraph', 'qasync'} & {m.split('.')[0] for m in sys.modules}; "
        "sys.exit(sorted(loaded) or 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_step_series_is_cut_at_the_replay_clock() -> None:
    import numpy as np

    from workbench.gui.model.live_run import cut_steps

    edges, counts = np.array([0, 10, 20, 30]), np.array([1, 2, 1])
    assert [a.tolist() for a in cut_steps(edges, counts, None)] == [[0, 10, 20, 30], [1, 2, 1]]
    assert [a.tolist() for a in cut_steps(edges, counts, 15)] == [[0, 10, 15], [1, 2]]
    assert [a.tolist() for a in cut_steps(edges, counts, 40)] == [[0, 10, 20, 30], [1, 2, 1]]
    assert [a.size for a in cut_steps(edges, counts, -1)] == [0, 0]


def test_garbage_is_collected_on_the_loops_thread_and_automatic_collection_restored(
    loop: asyncio.AbstractEventLoop,
) -> None:
    import gc

    was_enabled = gc.isenabled()
    gc.enable()  # as in the app before its first window: automatic collection on
    try:
        _check_nested_collections(loop)
    finally:
        if not was_enabled:
            gc.disable()


def _check_nested_collections(loop: asyncio.AbstractEventLoop) -> None:
    import gc

    from workbench.gui.model.collector import MainThreadCollection

    first, second = MainThreadCollection(loop, 0.01), MainThreadCollection(loop, 0.01)
    first.start()
    second.start()  # two windows
    assert not gc.isenabled()
    before = gc.get_count()[0]
    junk = [[i] for i in range(gc.get_threshold()[0] * 2)]  # past the young threshold
    assert gc.get_count()[0] > before  # counted, not collected: nothing automatic ran
    loop.run_until_complete(asyncio.sleep(0.05))  # a few ticks on this thread
    assert gc.get_count()[0] < len(junk)
    first.stop()
    assert not gc.isenabled()  # the other window still holds it
    second.stop()
    assert gc.isenabled()


def test_middle_and_full_collections_wait_for_the_idle_one_after_a_run(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restored as a run ends, Python's full collection would walk the run's whole heap on
    the window's thread as its results go on screen, and the idle collection again: the
    middle and full thresholds stay deferred until the idle collection, then come back."""
    import gc

    from workbench.gui.model.collector import DEFERRED

    monkeypatch.setattr(presenter_module, "IDLE_COLLECT_DELAY_S", 0.01)
    before = gc.get_threshold()
    collected = threading.Event()
    real = presenter_module.CollectionPolicy.collect_while_idle
    monkeypatch.setattr(
        presenter_module.CollectionPolicy,
        "collect_while_idle",
        staticmethod(lambda: (real(), collected.set())),
    )
    presenter = Presenter(mock_views())
    try:
        run(loop, presenter, RunExperiment(quick("sequential")))
        assert not collected.is_set() and gc.get_threshold()[1:] == (DEFERRED, DEFERRED)

        async def until_collected() -> None:
            while not collected.is_set():
                await asyncio.sleep(0.005)

        loop.run_until_complete(asyncio.wait_for(until_collected(), 10))
        assert gc.get_threshold() == before
    finally:
        presenter.shutdown()
    assert gc.get_threshold() == before


def test_a_big_runs_final_record_is_put_in_place_in_steps_then_drawn_in_turns(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the threshold, the final columns are built in steps after the run's news has
    been handled (the loop gets its turns meanwhile); the track is finished and redrawn once
    they are in."""
    from workbench.gui.model import run_track

    monkeypatch.setattr(presenter_module, "FINISH_IN_STEPS_TASKS", 3)
    monkeypatch.setattr(run_track, "CHUNK", 1)
    views = mock_views()
    presenter = Presenter(views)
    finished_at_news: list[bool] = []
    real = presenter.run_finished

    def run_finished(done: Any) -> None:
        real(done)
        assert presenter.experiment is not None
        track = presenter.experiment.tracks[done.strategy]
        finished_at_news.append(track.finished)

    presenter.run_finished = run_finished  # type: ignore[method-assign]
    drawn_finished: list[int] = []  # at each live redraw: how many tracks were finished
    views.timeline.refresh_live.side_effect = lambda: drawn_finished.append(
        sum(t.finished for t in presenter.experiment.tracks.values()) if presenter.experiment else 0
    )
    try:
        run(loop, presenter, RunExperiment(quick("sequential", "async-gather", tasks=3)))
    finally:
        presenter.shutdown()
    assert finished_at_news == [False, False], "not built while the run's news was handled"
    experiment = presenter.experiment
    assert experiment is not None
    assert all(track.finished and track.ended == 3 for track in experiment.tracks.values())
    assert drawn_finished[-1] == 2, "redrawn once the last final record was in place"


def test_the_idle_collection_waits_while_a_big_runs_record_goes_in(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full collection of a big run's heap would land on top of the steps and redraws
    putting its final record in place: it waits for them."""
    collected: list[bool] = []
    monkeypatch.setattr(
        presenter_module.CollectionPolicy,
        "collect_while_idle",
        staticmethod(lambda: collected.append(True)),
    )
    presenter = Presenter(mock_views())
    going_in = loop.create_future()
    presenter._finishing.add(going_in)  # type: ignore[arg-type]
    try:
        presenter._collect_if_idle()
        assert collected == [] and presenter._idle_collect is not None
        presenter._finishing.clear()
        presenter._idle_collect.cancel()
        presenter._collect_if_idle()
        assert collected == [True]
    finally:
        going_in.cancel()
        presenter.shutdown()
