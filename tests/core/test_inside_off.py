"""Recording inside tasks switched off is off in every strategy, pool workers included."""

from __future__ import annotations

import asyncio

import pytest

from workbench.core import engine
from workbench.core.observer import Observer
from workbench.core.results import Config


@pytest.mark.parametrize("strategy", ["process-pool", "mp-pool", "threads"])
def test_a_run_without_inside_recording_has_no_heartbeats_in_any_strategy(strategy: str) -> None:
    """``inside=False`` is how the benchmark prices the recording inside tasks: pool workers
    must leave their heartbeats off too, or the price misses theirs."""
    config = Config("cpu", {"size": 200_000}, 2, 2, 1, (strategy,))
    for inside in (True, False):
        run = asyncio.run(
            engine.run_strategy(
                config, strategy, 0, observer=Observer(), inside=inside, thread_states=False
            )
        )
        assert run.ok, run.error
        beating = [bool(task.cores) for task in run.tasks]
        assert beating == [inside] * 2, (inside, beating)
