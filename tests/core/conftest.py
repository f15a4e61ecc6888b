from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest

from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.results import Results
from workbench.core.workloads import EXTRA_MODULES_ENV

Runner = Callable[..., Results]


@pytest.fixture
def run() -> Runner:
    """Run an experiment to completion: ``run("sleep", ["sequential"], 3, duration=0.1)``."""

    def go(
        workload: str,
        strategies: list[str],
        tasks: int,
        *,
        workers: int | None = None,
        repeat: int = 1,
        observer: Observer | None = None,
        **params: float,
    ) -> Results:
        config = build_config(workload, strategies, tasks, workers, params, repeat)
        return asyncio.run(run_experiment(config, observer))

    return go


@pytest.fixture
def fault_workload(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the misbehaving ``fault`` workload known here and in every child."""
    monkeypatch.setenv(EXTRA_MODULES_ENV, "tests.core.fault_workloads")
    import tests.core.fault_workloads  # noqa: F401 - registers the workload in this process

    return
