"""What a strategy is: a named way of running N tasks, executed inside the engine's child."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from workbench.core.recording import Recorder
from workbench.core.workloads import Job, Workload


class Family(StrEnum):
    """How a strategy gets concurrency; explanations and ceilings depend on it."""

    SEQUENTIAL = "sequential"
    ASYNC = "async"
    THREADS = "threads"
    PROCESSES = "processes"


@dataclass(frozen=True)
class RunContext:
    """What one strategy run needs: the job, how many tasks, how many workers, the recorder."""

    workload: Workload
    job: Job
    tasks: int
    workers: int
    recorder: Recorder
    stream: Callable[[], None] | None = None
    """Sends what was recorded so far; given to a strategy that :attr:`Strategy.streams_itself`
    (to call every :attr:`stream_interval_s`) in place of a streaming thread (see the child)."""
    stream_interval_s: float = 0.05


RunFunction = Callable[[RunContext], "int | None"]
"""Runs every task; returns the ``perf_counter_ns`` at which it began starting workers, if any."""


MAX_TASKS = 1_000_000
MAX_THREADS = 5_000
MAX_THREAD_WORKERS = 1_024
MAX_PROCESS_WORKERS = 61
"""Windows' ProcessPoolExecutor refuses more than 61 workers; one ceiling for every platform."""


@dataclass(frozen=True)
class Strategy:
    name: str
    summary: str
    family: Family
    run: RunFunction
    uses_workers: bool = False
    streams_itself: bool = False
    """Its main thread waits (on its event loop, or on its workers) and calls
    :attr:`RunContext.stream` meanwhile, so the child needs no streaming thread."""
    max_tasks: int = MAX_TASKS
    max_workers: int = MAX_TASKS
    awaits: bool = False
    """It awaits the coroutine form of a task; the others call the plain form (a user's own
    code must give the form each strategy needs)."""
