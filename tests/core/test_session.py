"""The session: one measurement at a time, reported the same way whatever its kind."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from workbench.core import session as session_module
from workbench.core.config import build_config
from workbench.core.presets import PresetVerdict, preset_named
from workbench.core.results import Results
from workbench.core.session import (
    MeasurementFailed,
    RunExperiment,
    RunPreset,
    RunSweep,
    Session,
    SessionBusy,
    SessionObserver,
)
from workbench.core.sweep import Sweep


class Recorder(SessionObserver):
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def measurement_started(self, measurement: Any) -> None:
        self.calls.append(("started", measurement))

    def experiment_finished(self, results: Results) -> None:
        self.calls.append(("experiment", results))

    def measurement_finished(self, measurement: Any, outcome: Any) -> None:
        self.calls.append(("finished", outcome))

    def measurement_failed(self, measurement: Any, message: str) -> None:
        self.calls.append(("failed", message))


def quick(*strategies: str, tasks: int = 2) -> Any:
    return build_config("sleep", strategies, tasks, params={"duration": 0.01})


def test_each_kind_runs_and_is_reported_the_same_way() -> None:
    observer = Recorder()
    session = Session(observer)

    async def all_three() -> list[Any]:
        return [
            await session.run(RunExperiment(quick("sequential"))),
            await session.run(RunPreset(preset_named("hello-hello"), 0.05)),
            await session.run(RunSweep(quick("async-gather"), "tasks", (1, 2))),
        ]

    results, verdict, sweep = asyncio.run(all_three())
    assert isinstance(results, Results) and results.ok
    assert isinstance(verdict, PresetVerdict)
    assert isinstance(sweep, Sweep) and sweep.values == (1, 2)
    kinds = [kind for kind, _ in observer.calls]
    # experiment; preset (one experiment); sweep (two points)
    one = ["started", "experiment", "finished"]
    assert kinds == [*one, *one, "started", "experiment", "experiment", "finished"]
    assert not session.busy


def test_a_second_measurement_is_refused_while_one_runs() -> None:
    observer = Recorder()
    session = Session(observer)

    async def overlap() -> tuple[bool, bool]:
        first = session.start(RunExperiment(quick("sequential")))
        second = session.start(RunExperiment(quick("threads")))
        with pytest.raises(SessionBusy):
            await session.run(RunExperiment(quick("threads")))
        await session.wait_idle()
        return first, second

    assert asyncio.run(overlap()) == (True, False)
    assert [kind for kind, _ in observer.calls].count("started") == 1


def test_stop_interrupts_and_keeps_what_finished() -> None:
    long = build_config("sleep", ["sequential"], 50, params={"duration": 0.2})

    class StopOnFirstTask(SessionObserver):
        def task_events(self, *_: object) -> None:
            session.stop()

    session = Session(StopOnFirstTask())

    async def stopped() -> Any:
        return await session.run(RunExperiment(long))

    results = asyncio.run(stopped())
    assert isinstance(results, Results) and results.interrupted
    assert not session.busy


def test_a_failure_is_one_sentence_and_frees_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise OSError("Too many open files")

    monkeypatch.setattr(session_module, "run_experiment", broken)
    observer = Recorder()
    session = Session(observer)
    with pytest.raises(MeasurementFailed, match="could not run: Too many open files"):
        asyncio.run(session.run(RunExperiment(quick("sequential"))))
    assert observer.calls[-1] == ("failed", "The experiment could not run: Too many open files")
    assert not session.busy


def test_bad_sweep_values_are_refused_before_anything_starts() -> None:
    observer = Recorder()
    session = Session(observer)
    from workbench.core.params import ConfigError

    async def refused() -> None:
        with pytest.raises(ConfigError, match="tasks must be at least 1"):
            session.start(RunSweep(quick("sequential"), "tasks", (1, 0)))

    asyncio.run(refused())
    assert observer.calls == [] and not session.busy
