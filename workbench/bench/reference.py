"""The reference experiments, each runnable bare (no workbench code) and through the engine."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.config import build_config
from workbench.core.engine import run_strategy
from workbench.core.observer import Observer
from workbench.core.results import Run

BARE_DIR = Path(__file__).parent / "bare"


class BenchError(RuntimeError):
    """A benchmark could not be measured (a bare script or a run failed)."""


@dataclass(frozen=True)
class Case:
    """One reference experiment: a workload under one strategy, plus its bare twin."""

    name: str
    workload: str
    strategy: str
    tasks: int
    workers: int
    params: Mapping[str, float]
    script: str
    script_args: tuple[str, ...] = field(default=())
    needs_server: bool = False

    def bare_command(self, url: str | None) -> list[str]:
        extra = (*self.script_args, url) if self.needs_server and url else self.script_args
        return [
            sys.executable,
            str(BARE_DIR / self.script),
            str(self.tasks),
            str(self.workers),
            *extra,
        ]


CASES: tuple[Case, ...] = (
    Case(
        "sleep-3x1s-gather",
        "sleep",
        "async-gather",
        3,
        2,
        {"duration": 1.0},
        "sleep_gather.py",
        ("1.0",),
    ),
    Case(
        "sleep-10000x0.5s-gather",
        "sleep",
        "async-gather",
        10_000,
        2,
        {"duration": 0.5},
        "sleep_gather.py",
        ("0.5",),
    ),
    Case(
        "cpu-4-sequential",
        "cpu",
        "sequential",
        4,
        2,
        {"size": 6_000_000},
        "cpu.py",
        ("6000000", "sequential"),
    ),
    Case(
        "cpu-4-threads",
        "cpu",
        "threads",
        4,
        2,
        {"size": 6_000_000},
        "cpu.py",
        ("6000000", "threads"),
    ),
    Case(
        "cpu-4-process-pool-2",
        "cpu",
        "process-pool",
        4,
        2,
        {"size": 6_000_000},
        "cpu.py",
        ("6000000", "process-pool"),
    ),
    Case(
        "http-500x0.2s-gather",
        "http",
        "async-gather",
        500,
        2,
        {"delay": 0.2},
        "http_gather.py",
        ("0.2",),
        needs_server=True,
    ),
    Case(
        "file-100x1MiB-thread-pool",
        "file",
        "thread-pool",
        100,
        2,
        {"size": 1_048_576},
        "file_thread_pool.py",
        ("1048576",),
    ),
)


def run_bare(command: list[str]) -> float:
    """Run a bare script in a fresh interpreter and return the wall time it measured."""
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(command[1:3])} failed: {proc.stderr.strip()[-300:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["wall_s"])


async def run_engine(
    case: Case,
    url: str | None,
    observer: Observer | None = None,
    *,
    inside: bool = True,
    thread_states: bool = True,
) -> Run:
    """One run of ``case`` through the engine, exactly as the CLI and window do it (less
    ``inside`` recording or ``thread_states`` sampling when they are being priced)."""
    config = build_config(
        case.workload, [case.strategy], case.tasks, case.workers, dict(case.params)
    )
    run = await run_strategy(
        config,
        case.strategy,
        0,
        observer=observer or Observer(),
        url=url,
        inside=inside,
        thread_states=thread_states,
    )
    if not run.ok:
        raise BenchError(f"{case.name}: {run.error}")
    return run


def run_engine_sync(
    case: Case,
    url: str | None = None,
    observer: Observer | None = None,
    *,
    inside: bool = True,
    thread_states: bool = True,
) -> Run:
    return asyncio.run(run_engine(case, url, observer, inside=inside, thread_states=thread_states))
