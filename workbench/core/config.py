"""Turning what a user typed or picked into a validated :class:`Config`, or one clear error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from workbench.core.cluster.address import scheduler_address
from workbench.core.interpreter_launch import check_packages
from workbench.core.machine import this_machine
from workbench.core.params import ConfigError, resolve_params
from workbench.core.results import Config, RunInterpreter
from workbench.core.strategies import STRATEGIES
from workbench.core.usercode.model import CODE_WORKLOAD, Scalar, UserCode
from workbench.core.usercode.spec import resolve_code
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
    params: Mapping[str, Scalar] | None = None,
    repeat: object = 1,
    *,
    scheduler: str | None = None,
    interpreters: Sequence[RunInterpreter] = (),
    code: str | UserCode | None = None,
    code_base: Path | None = None,
) -> Config:
    """Validate every input before any work starts; raise :class:`ConfigError` on the first
    problem, phrased so the user knows what is allowed.

    ``code`` makes the user's own functions the workload (``workload`` is then ignored, and
    ``params`` are their keyword arguments): a reference such as ``demo.py:task`` (relative
    to ``code_base``, else the current folder) or a snapshot taken earlier (see
    :func:`~workbench.core.usercode.spec.resolve_code`). ``interpreters`` (already probed:
    see :mod:`workbench.core.interpreters`) are checked for the packages the workload needs
    in the run's process, which starts each of them once."""
    if code is not None:
        workload = CODE_WORKLOAD
    elif workload not in WORKLOADS:
        raise ConfigError(f"unknown workload {workload!r}; allowed: {', '.join(WORKLOADS)}")
    names = tuple(dict.fromkeys(s.strip() for s in strategies if s.strip()))
    if not names:
        raise ConfigError(f"choose at least one strategy; allowed: {', '.join(STRATEGIES)}")
    for name in names:
        if name not in STRATEGIES:
            raise ConfigError(f"unknown strategy {name!r}; allowed: {', '.join(STRATEGIES)}")
        if (missing := STRATEGIES[name].unavailable) is not None:
            raise ConfigError(missing)
    if scheduler is not None and "dask" not in names:
        raise ConfigError(
            "a scheduler address is for the dask strategy: add dask to the strategies"
        )
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
    user_code = None
    if code is not None:
        user_code, resolved = resolve_code(code, names, params, base=code_base), {}
    else:
        numbers = {}
        for name, value in (params or {}).items():
            if value is None or isinstance(value, bool):
                raise ConfigError(f"{name} must be a number, got {value!r}")
            numbers[name] = value
        resolved = resolve_params(WORKLOADS[workload].params, numbers)
    config = Config(
        workload,
        resolved,
        n_tasks,
        n_workers,
        n_repeat,
        names,
        scheduler=None if scheduler is None else scheduler_address(scheduler),
        code=user_code,
        interpreters=tuple(interpreters),
    )
    if config.interpreters:
        check_packages(config)
    return config
