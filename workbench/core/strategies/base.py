"""What a strategy is: a named way of running N tasks, executed inside the engine's child."""

from __future__ import annotations

import importlib.util
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
    scheduler: str | None = None
    """The Dask scheduler to use (``tcp://host:port``); None: a cluster started for the run."""


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
    """It calls :attr:`RunContext.stream` itself — from its main thread while that waits (on
    its event loop, or on its workers), or from a pool's relay as events arrive — so the
    child needs no streaming thread."""
    max_tasks: int = MAX_TASKS
    max_workers: int = MAX_TASKS
    awaits: bool = False
    """It awaits the coroutine form of a task; the others call the plain form (a user's own
    code must give the form each strategy needs)."""
    needs: str | None = None
    """A module outside the standard library it imports when it runs (an optional extra)."""
    slices_from_states: bool = False
    """Its sync tasks each run alone on their thread — one after another on the main thread,
    or in the worker processes of a pool on this machine — with no other thread taking turns
    with them on a GIL. Their running slices are then read from the threads' states (see
    :mod:`workbench.core.threadstates.slices`), precise enough for a task that has its core
    to itself, and their loops run without heartbeats. Threads taking turns on the GIL every
    5 ms keep heartbeats: the states place a slice's edges only to within half a reading
    interval (1-4 ms here), which blurs the very turns the view is there to show."""
    install: str | None = None
    """The one line that installs what it :attr:`needs`."""
    prepare: Callable[[], object] = lambda: None
    """Run before the run's clock starts, like a script's imports at its top (what it
    returns is ignored)."""

    @property
    def unavailable(self) -> str | None:
        """Why it cannot run here (the install line), or None when it can.

        Asked of the engine's Python: a child started under another interpreter without it
        fails to start, saying the same (see the strategy's :attr:`prepare`).
        """
        if self.needs is None or _importable(self.needs):
            return None
        return f"{self.name} needs the {self.needs} package: {self.install}"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package that is not there, a broken entry
        return False
