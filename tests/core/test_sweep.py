from __future__ import annotations

import asyncio

import pytest

from workbench.core.config import build_config
from workbench.core.params import ConfigError
from workbench.core.sweep import run_sweep, sweep_configs


def test_gather_stays_flat_as_tasks_grow_while_sequential_grows_with_them() -> None:
    base = build_config("sleep", ["sequential", "async-gather"], 1, params={"duration": 0.05})
    sweep = asyncio.run(run_sweep(base, "tasks", [1, 4]))
    walls = {(p.value, p.strategy): p.wall_ns for p in sweep.points()}
    assert walls[4, "sequential"] > 3 * walls[1, "sequential"]  # type: ignore[operator]
    assert walls[4, "async-gather"] < 1.5 * walls[1, "async-gather"]  # type: ignore[operator]
    assert {p.value for p in sweep.points()} == {1, 4}


def test_a_sweep_checks_its_axis_and_every_value_before_running() -> None:
    base = build_config("sleep", ["threads"], 2)
    with pytest.raises(ConfigError, match="allowed: tasks, workers"):
        sweep_configs(base, "speed", [1])
    with pytest.raises(ConfigError, match="threads allows at most 5,000 tasks"):
        sweep_configs(base, "tasks", [10, 10_000])
