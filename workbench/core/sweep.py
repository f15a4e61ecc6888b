"""Scaling sweeps: the same strategies over a range of task counts or worker counts.

A sweep is a series of ordinary experiments, one per value, run through the same engine;
the figures a sweep plot needs (median wall time and speedup per strategy per value) are a
pure function of their results.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.params import ConfigError
from workbench.core.results import Config, Results
from workbench.core.summary import summarize

AXES = ("tasks", "workers")
MAX_POINTS = 20


@dataclass(frozen=True)
class SweepPoint:
    value: int
    strategy: str
    wall_ns: int | None
    """Median wall time over the point's repeats."""
    speedup: float | None
    wall_min_ns: int | None = None
    wall_max_ns: int | None = None
    """The spread of the repeats: a point is only as sure as its repeats agree."""


def points_of(value: int, results: Results) -> tuple[SweepPoint, ...]:
    """One point per strategy of one experiment of the sweep (pure)."""
    return tuple(
        SweepPoint(value, s.strategy, s.wall_ns_median, s.speedup, s.wall_ns_min, s.wall_ns_max)
        for s in summarize(results)
    )


@dataclass(frozen=True)
class Sweep:
    axis: str
    values: tuple[int, ...]
    results: tuple[Results, ...]

    def points(self) -> tuple[SweepPoint, ...]:
        return tuple(
            point
            for value, results in zip(self.values, self.results, strict=True)
            for point in points_of(value, results)
        )


def sweep_configs(base: Config, axis: str, values: Sequence[int]) -> tuple[Config, ...]:
    """One validated config per value; a bad axis or value is a :class:`ConfigError`."""
    if axis not in AXES:
        raise ConfigError(f"sweep over {axis!r}? allowed: {', '.join(AXES)}")
    if not values or len(values) > MAX_POINTS:
        raise ConfigError(f"a sweep needs 1 to {MAX_POINTS} values, got {len(values)}")
    if len(base.interpreters) > 1:  # its points and lines are per strategy
        raise ConfigError("a sweep runs on one Python at a time; choose one")
    configs = []
    for value in values:
        tasks = value if axis == "tasks" else base.tasks
        workers = value if axis == "workers" else base.workers
        config = build_config(
            base.workload,
            base.strategies,
            tasks,
            workers,
            dict(base.params),
            base.repeat,
            code=base.code,
            scheduler=base.scheduler,
            interpreters=base.interpreters,
        )
        configs.append(config)
    return tuple(configs)


async def run_sweep(
    base: Config,
    axis: str,
    values: Sequence[int],
    observer: Observer | None = None,
    *,
    stop: asyncio.Event | None = None,
) -> Sweep:
    """Run the experiments in order; a stop keeps the points that finished."""
    configs = sweep_configs(base, axis, values)
    done: list[Results] = []
    for config in configs:
        results = await run_experiment(config, observer, stop=stop)
        if results.interrupted:
            break
        done.append(results)
    return Sweep(axis, tuple(values[: len(done)]), tuple(done))
