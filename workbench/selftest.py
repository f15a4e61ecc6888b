"""``workbench --self-test``: a short headless experiment that tells a lab technician whether
this install works, one PASS/FAIL line per check.

It covers what a broken install or bundle breaks first: its package data (every preset loads),
every strategy family (async, threads, both process pools: each starts its own processes, which
in a frozen app means the app starting itself) and the http workload (a separate server
process, real sockets, aiohttp).
Thresholds are generous on purpose: this checks that things work, not how fast a machine is.
No Qt: it must run where no window can open.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import TextIO

from workbench.core.results import Results

EXPERIMENT_TIMEOUT_S = 120.0
MIN_SPEEDUP = 1.5
"""Concurrent sleeps/requests must beat doing them one by one by at least this (ideal: 4–8×)."""

SLEEP_TASKS, SLEEP_S = 4, 0.2
HTTP_TASKS, HTTP_DELAY_S = 8, 0.1
POOL_WORKERS = 2

# Where each strategy's tasks must have run: the worker labels the engine gives them.
WORKER_KIND = {
    "sequential": "main",
    "async-gather": "main",
    "threads": "thread-",
    "process-pool": "process-",
    "mp-pool": "process-",
}


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


@dataclass(frozen=True)
class Experiment:
    workload: str
    strategies: tuple[str, ...]
    tasks: int
    params: dict[str, float]
    faster: tuple[tuple[str, str], ...]
    """(fast, slow) pairs: ``fast`` must beat ``slow`` by :data:`MIN_SPEEDUP`."""


EXPERIMENTS = (
    Experiment(
        "sleep",
        ("sequential", "async-gather", "threads", "process-pool", "mp-pool"),
        SLEEP_TASKS,
        {"duration": SLEEP_S},
        (("async-gather", "sequential"), ("threads", "sequential")),
    ),
    Experiment(
        "http",
        ("sequential", "async-gather"),
        HTTP_TASKS,
        {"delay": HTTP_DELAY_S},
        (("async-gather", "sequential"),),
    ),
)


def check_runs(results: Results, expected_tasks: int) -> list[Check]:
    """Each run finished, every task succeeded, and the tasks ran where the strategy puts them."""
    checks = []
    for run in results.runs:
        name = f"{results.config.workload} · {run.strategy}"
        kind = WORKER_KIND.get(run.strategy, "")
        elsewhere = sorted({s.worker for s in run.tasks if not s.worker.startswith(kind)})
        if not run.ok:
            passed, detail = False, f"the run failed: {run.error}"
        elif len(run.tasks) != expected_tasks or run.failed_tasks:
            passed = False
            detail = f"{len(run.tasks) - run.failed_tasks} of {expected_tasks} tasks succeeded"
        elif elsewhere:
            passed, detail = False, f"tasks ran on {', '.join(elsewhere)}, expected {kind}…"
        else:
            workers = len({s.worker for s in run.tasks})
            passed = True
            detail = (
                f"{expected_tasks} of {expected_tasks} tasks done in {run.wall_ns / 1e9:.2f} s "
                f"on {workers} {'worker' if workers == 1 else 'workers'} ({kind.rstrip('-')})"
            )
        checks.append(Check(name, passed, detail))
    return checks


def check_faster(results: Results, fast: str, slow: str) -> Check:
    name = f"{results.config.workload} · {fast} faster than {slow}"
    fast_runs, slow_runs = results.runs_of(fast), results.runs_of(slow)
    if not (fast_runs and slow_runs and fast_runs[0].ok and slow_runs[0].ok):
        return Check(name, False, "cannot compare: a run failed")
    fast_s, slow_s = fast_runs[0].wall_ns / 1e9, slow_runs[0].wall_ns / 1e9
    ratio = slow_s / fast_s if fast_s > 0 else float("inf")
    detail = f"{fast_s:.2f} s vs {slow_s:.2f} s ({ratio:.1f}×, needs ≥ {MIN_SPEEDUP}×)"
    return Check(name, ratio >= MIN_SPEEDUP, detail)


def check_presets(folder: Traversable | None = None) -> list[Check]:
    """Every shipped preset loads (a wheel or bundle without its package data has none)."""
    name = "presets"
    try:
        from workbench.core.presets import read_presets

        catalogue = read_presets(folder)
    except Exception as exc:  # e.g. jsonschema missing from the install
        return [Check(name, False, f"{type(exc).__name__}: {exc}")]
    checks = [Check(name, False, problem) for problem in catalogue.problems.values()]
    if not catalogue.presets and not checks:
        checks.append(Check(name, False, "none found: the install lacks its package data"))
    elif not checks:
        checks.append(Check(name, True, f"all {len(catalogue.presets)} load and check out"))
    return checks


async def run_one(experiment: Experiment) -> list[Check]:
    name = f"{experiment.workload} experiment"
    try:
        from workbench.core.config import build_config
        from workbench.core.engine import run_experiment

        config = build_config(
            experiment.workload,
            experiment.strategies,
            experiment.tasks,
            POOL_WORKERS,
            experiment.params,
        )
        async with asyncio.timeout(EXPERIMENT_TIMEOUT_S):
            results = await run_experiment(config)
    except TimeoutError:
        return [Check(name, False, f"did not finish within {EXPERIMENT_TIMEOUT_S:.0f} s")]
    except Exception as exc:  # a broken install is a FAIL line, never a traceback
        return [Check(name, False, f"{type(exc).__name__}: {exc}")]
    checks = check_runs(results, experiment.tasks)
    checks += [check_faster(results, fast, slow) for fast, slow in experiment.faster]
    return checks


def header() -> str:
    from workbench import __version__
    from workbench.core.machine import this_machine

    machine = this_machine()
    where = f"app at {sys.executable}" if getattr(sys, "frozen", False) else "Python package"
    return (
        f"Concurrency Workbench {__version__} self-test ({where})\n"
        f"{machine.os}, Python {machine.python}, {machine.logical_cpus} CPUs, "
        f"process pools start workers by {machine.mp_start_method}"
    )


def run_self_test(
    out: TextIO | None = None,
    experiments: Sequence[Experiment] = EXPERIMENTS,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run the checks, print one line each and a verdict; 0 if all passed, 1 otherwise."""
    out = out or sys.stdout

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    try:
        say(header())
    except Exception as exc:  # e.g. a dependency missing from the install
        say(f"Concurrency Workbench self-test\nFAIL  start-up: {type(exc).__name__}: {exc}")
        say("Self-test FAILED: the install is incomplete.")
        return 1
    started = clock()
    checks: list[Check] = []
    for check in check_presets():
        checks.append(check)
        say(check.line())
    for experiment in experiments:
        for check in asyncio.run(run_one(experiment)):
            checks.append(check)
            say(check.line())
    failed = [c for c in checks if not c.passed]
    took = f"{clock() - started:.1f} s"
    if not checks or failed:
        say(f"Self-test FAILED: {len(failed)} of {len(checks)} checks failed ({took}).")
        return 1
    say(f"Self-test passed: all {len(checks)} checks ({took}).")
    return 0
