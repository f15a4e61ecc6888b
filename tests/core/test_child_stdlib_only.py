"""The run's process needs the standard library only: it may run on any Python on the machine."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

import workbench
from workbench.core.child_source import ROOT_MODULES, child_side
from workbench.core.config import build_config
from workbench.core.engine import CHILD_MODULE, run_experiment
from workbench.core.launch import Interpreter
from workbench.core.results import Run
from workbench.core.usercode.preflight import CHECK_MODULE as CODE_CHECK_MODULE

PACKAGE_ROOT = Path(workbench.__file__).resolve().parent
LAZY_THIRD_PARTY = {
    "workbench.core.workloads.network": {"aiohttp"},
    "workbench.core.workloads.files": {"aiofiles"},
    "workbench.core.process_tree": {"psutil"},  # off Linux, and only if it can be imported
    "workbench.core.cluster.connection": {"distributed"},  # the dask strategy's extra
    "workbench.core.cluster.worker": {"distributed"},  # inside a Dask worker
}
"""The only child-side modules allowed a third-party import, and only inside a function."""
NO_SITE = Interpreter(sys.executable, ("-S",))
"""This Python without its site-packages: psutil, aiohttp and numpy cannot be imported."""


def _importable_without_site(module: str) -> bool:
    command = [NO_SITE.path, *NO_SITE.flags, "-c", f"import {module}"]
    probe = subprocess.run(command, capture_output=True, check=False)
    return probe.returncode == 0


def _check(run: Run, tasks: int) -> None:
    assert run.ok, (run.strategy, run.error)
    assert sorted(span.id for span in run.tasks) == list(range(tasks)), run.strategy
    assert all(span.ok and span.end_ns >= span.start_ns for span in run.tasks), run.strategy
    assert all(span.pid is not None and span.native_id is not None for span in run.tasks)


def test_the_child_runs_every_kind_of_strategy_without_site_packages() -> None:
    if _importable_without_site("psutil"):
        pytest.skip("psutil is importable here even without site-packages: nothing to prove")
    sleep = build_config(
        "sleep",
        ["sequential", "threads", "thread-pool", "async-gather", "process-pool"],
        4,
        2,
        {"duration": 0.1},
    )
    cpu = build_config("cpu", ["threads"], 2, 2, {"size": 200_000})
    for config in (sleep, cpu):
        results = asyncio.run(run_experiment(config, interpreter=NO_SITE))
        assert [run.strategy for run in results.runs] == list(config.strategies)
        for run in results.runs:
            _check(run, config.tasks)
    (cpu_threads,) = results.runs
    assert len({span.native_id for span in cpu_threads.tasks}) == 2  # one thread per task
    assert all(span.running for span in cpu_threads.tasks)  # heartbeats came through


def test_pool_workers_and_threads_are_named_by_pid_and_native_thread_id() -> None:
    config = build_config(
        "sleep", ["sequential", "threads", "process-pool"], 4, 2, {"duration": 0.1}
    )
    results = asyncio.run(run_experiment(config))
    seq, threads, pool = results.runs
    for r in results.runs:
        _check(r, 4)
    (run_pid,) = {span.pid for span in seq.tasks}
    assert {span.worker for span in seq.tasks} == {"main"}
    (threads_pid,) = {span.pid for span in threads.tasks}
    assert len({span.native_id for span in threads.tasks}) == 4
    assert threads_pid not in {span.native_id for span in threads.tasks}  # not the main thread
    pool_pids = {span.pid for span in pool.tasks}
    assert {span.worker for span in pool.tasks} == {"process-1", "process-2"}
    assert len(pool_pids) == 2
    assert run_pid not in pool_pids
    if sys.platform == "linux":  # a worker's tasks run on its main thread: tid == pid
        assert all(span.native_id == span.pid for span in pool.tasks)


def _child_side() -> dict[str, list[tuple[str, bool]]]:
    """Every workbench module the child can import, with the imports each makes."""
    assert ROOT_MODULES == (CHILD_MODULE, CODE_CHECK_MODULE)  # where the engine starts them
    return {name: list(module.imports) for name, module in child_side(PACKAGE_ROOT).items()}


def test_the_child_side_imports_only_the_standard_library_and_itself() -> None:
    modules = _child_side()
    for expected in (
        "workbench",
        "workbench.core",
        "workbench.core.protocol",
        "workbench.core.recording",
        "workbench.core.process_tree",
        "workbench.core.pool_worker",
        "workbench.core.strategies.processes",
        "workbench.core.workloads.network",
        "workbench.core.strategies.cluster",
        "workbench.core.cluster.worker",
        "workbench.core.workloads.usercode",
        "workbench.core.code_check",
    ):
        assert expected in modules, f"{expected} not reached from the child: the test is blind"
    assert "workbench.core.engine" not in modules
    third_party: dict[str, set[str]] = {}
    for name, imports in modules.items():
        for module, lazy in imports:
            top = module.split(".")[0]
            if top == "workbench" or top in sys.stdlib_module_names:
                continue
            assert lazy, f"{name} imports {module} when it is imported, not when it needs it"
            third_party.setdefault(name, set()).add(top)
    assert third_party == LAZY_THIRD_PARTY
