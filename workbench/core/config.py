"""Turning what a user typed or picked into a validated :class:`Config`, or one clear error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from workbench.core.interpreter_launch import check_packages
from workbench.core.machine import this_machine
from workbench.core.params import ConfigError, resolve_params
from workbench.core.results import Config, RunInterpreter
from workbench.core.strategies import STRATEGIES
from workbench.core.workloads import WORKLOADS

MAX_REPEAT = 100


def default_workers() -> int:
    """Pools default to one worker per logical CPU, as concurrent.futures' own defaults do."""
    return this_machine().logical_cpus


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def build_config(
    workload: str,
    strategies: Iterable[str],
    tasks: object,
    workers: object | None = None,
    params: Mapping[str, float | str] | None = None,
    repeat: object = 1,
    interpreters: Sequence[RunInterpreter] = (),
) -> Config:
    """Validate every input before any work starts; raise :class:`ConfigError` on the first
    problem, phrased so the user knows what is allowed.

    ``interpreters`` (already probed: see :mod:`workbench.core.interpreters`) are checked for
    the packages the workload needs in the run's process, which starts each of them once."""
    if workload not in WORKLOADS:
        raise ConfigError(f"unknown workload {workload!r}; allowed: {', '.join(WORKLOADS)}")
    names = tuple(dict.fromkeys(s.strip() for s in strategies if s.strip()))
    if not names:
        raise ConfigError(f"choose at least one strategy; allowed: {', '.join(STRATEGIES)}")
    for name in names:
        if name not in STRATEGIES:
            raise ConfigError(f"unknown strategy {name!r}; allowed: {', '.join(STRATEGIES)}")
    n_tasks = _positive_int("tasks", tasks)
    n_workers = default_workers() if workers is None else _positive_int("workers", workers)
    n_repeat = _positive_int("repeat", repeat)
    if n_repeat > MAX_REPEAT:
        raise ConfigError(f"repeat must be at most {MAX_REPEAT}, got {n_repeat}")
    for name in names:
        strategy = STRATEGIES[name]
        if n_tasks > strategy.max_tasks:
            raise ConfigError(
                f"{name} allows at most {strategy.max_tasks:,} tasks (one worker per task "
                f"would exhaust the machine), got {n_tasks:,}"
            )
        if strategy.uses_workers and n_workers > strategy.max_workers:
            raise ConfigError(
                f"{name} allows at most {strategy.max_workers} workers, got {n_workers}"
            )
    resolved = resolve_params(WORKLOADS[workload].params, params or {})
    config = Config(workload, resolved, n_tasks, n_workers, n_repeat, names, tuple(interpreters))
    if config.interpreters:
        check_packages(config)
    return config
