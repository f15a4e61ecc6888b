"""A run's start gives the engine's loop turns (a window on that loop keeps its timers), and a
run cancelled in the middle of its start leaves nothing running."""

from __future__ import annotations

import asyncio
from typing import Any

import psutil
import pytest

from workbench.core import engine
from workbench.core.observer import Observer
from workbench.core.results import Config

CONFIG = Config("sleep", {"duration": 0.0}, 1, 1, 1, ("sequential",))


class _TurnsAtStart(Observer):
    """Counts the loop turns a ticker got between the run's call and its ``run_started``."""

    def __init__(self, turns: list[int]) -> None:
        self._turns = turns
        self.turns_when_started: int | None = None

    def run_started(self, strategy: str, repeat_index: int, interpreter: str = "") -> None:
        self.turns_when_started = self._turns[0]


def test_a_runs_start_gives_the_loop_turns_before_the_run_is_announced() -> None:
    turns = [0]
    observer = _TurnsAtStart(turns)

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def tick() -> None:
            turns[0] += 1
            loop.call_soon(tick)

        loop.call_soon(tick)
        run = await engine.run_strategy(CONFIG, "sequential", 0, observer=observer)
        assert run.ok, run.error

    asyncio.run(main())
    # One turn would be the ticker's first call; the start's pieces each give at least one.
    assert observer.turns_when_started is not None and observer.turns_when_started >= 3


def test_a_run_cancelled_during_its_start_leaves_no_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[Any] = []
    real = engine.HelperProcess

    def recording(*args: Any, **kwargs: Any) -> Any:
        helper = real(*args, **kwargs)
        started.append(helper)
        return helper

    monkeypatch.setattr(engine, "HelperProcess", recording)

    async def main() -> None:
        task = asyncio.create_task(
            engine.run_strategy(CONFIG, "sequential", 0, observer=Observer())
        )
        while not started:  # the run's process exists: the start is under way
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    (helper,) = started
    assert helper.popen.poll() is not None, "the run's process outlived its cancelled start"
    assert not psutil.pid_exists(helper.popen.pid)  # ended and reaped
