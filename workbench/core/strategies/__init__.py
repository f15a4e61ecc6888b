"""The strategies, by name: every way the workbench can run N tasks."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from workbench.core.cluster import INSTALL
from workbench.core.strategies.base import (
    MAX_PROCESS_WORKERS,
    MAX_THREAD_WORKERS,
    MAX_THREADS,
    Family,
    RunContext,
    RunFunction,
    Strategy,
)

__all__ = ["STRATEGIES", "Family", "RunContext", "Strategy"]

_S, _A, _T, _P = Family.SEQUENTIAL, Family.ASYNC, Family.THREADS, Family.PROCESSES


def _lazily(load: Callable[[], ModuleType], name: str) -> RunFunction:
    """``name`` from the module ``load`` imports, imported when a run first calls it.

    A run's process imports only its own strategy's module, and starts sooner: measured here,
    a sequential run's process took 68-78 ms from launch to its clock's start against 82-88
    with every strategy's module (two quiet sets of three, ten launches each), those modules
    having been 13-18 ms of it (asyncio's step clock and lag probe, the Dask machinery). A
    process pool's workers now fork from a smaller process too; a bare pool forked from a
    process holding the former modules ran its tasks 1.009-1.015 as long (50-60 rounds), but
    at the run's level no gain showed (new over old 1.010 [0.994, 1.029], 50 rounds). The
    loaders import by name inside a function, so the walk that finds the child's modules
    (:mod:`workbench.core.child_source`) still finds these; each is also its strategy's
    :attr:`~Strategy.prepare`, so the child imports the module before the run's clock starts,
    as a script's imports come before its timer.
    """

    def run(context: RunContext) -> int | None:
        function: RunFunction = getattr(load(), name)
        return function(context)

    run.__name__ = run.__qualname__ = name
    return run


def _threaded() -> ModuleType:
    from workbench.core.strategies import threaded

    return threaded


def _asynchronous() -> ModuleType:
    from workbench.core.strategies import asynchronous

    return asynchronous


def _processes() -> ModuleType:
    from workbench.core.strategies import processes

    return processes


def _cluster() -> ModuleType:
    from workbench.core.strategies import cluster

    return cluster


def _prepare_dask() -> None:
    _cluster().prepare_dask()  # its module imported, then Dask's own imports


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy(
            "sequential",
            "A plain for-loop calling the blocking function.",
            _S,
            _lazily(_threaded, "run_sequential"),
            prepare=_threaded,
            slices_from_states=True,
        ),
        Strategy(
            "async-sequential",
            "Await each coroutine in turn: async, yet one at a time.",
            _A,
            _lazily(_asynchronous, "run_async_sequential"),
            prepare=_asynchronous,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-gather",
            "asyncio.gather of every coroutine on one event loop.",
            _A,
            _lazily(_asynchronous, "run_async_gather"),
            prepare=_asynchronous,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-taskgroup",
            "asyncio.TaskGroup creating one task per coroutine.",
            _A,
            _lazily(_asynchronous, "run_async_taskgroup"),
            prepare=_asynchronous,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-bounded",
            "gather under a semaphore: at most --workers at once.",
            _A,
            _lazily(_asynchronous, "run_async_bounded"),
            prepare=_asynchronous,
            uses_workers=True,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-blocking",
            "The blocking call inside coroutines: stalls the loop.",
            _A,
            _lazily(_asynchronous, "run_async_blocking"),
            prepare=_asynchronous,
        ),
        Strategy(
            "async-to-thread",
            "asyncio.to_thread per task (default executor's threads).",
            _A,
            _lazily(_asynchronous, "run_async_to_thread"),
            prepare=_asynchronous,
            streams_itself=True,
        ),
        Strategy(
            "threads",
            "One threading.Thread per task, all started, then joined.",
            _T,
            _lazily(_threaded, "run_threads"),
            prepare=_threaded,
            max_tasks=MAX_THREADS,
            streams_itself=True,
        ),
        Strategy(
            "thread-pool",
            "concurrent.futures.ThreadPoolExecutor with --workers threads.",
            _T,
            _lazily(_threaded, "run_thread_pool"),
            prepare=_threaded,
            uses_workers=True,
            max_workers=MAX_THREAD_WORKERS,
            streams_itself=True,
        ),
        Strategy(
            "process-pool",
            "concurrent.futures.ProcessPoolExecutor, --workers processes.",
            _P,
            _lazily(_processes, "run_process_pool"),
            prepare=_processes,
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
            slices_from_states=True,
        ),
        Strategy(
            "mp-pool",
            "multiprocessing.Pool.map with --workers processes.",
            _P,
            _lazily(_processes, "run_mp_pool"),
            prepare=_processes,
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
            slices_from_states=True,
        ),
        Strategy(
            "dask",
            "Dask distributed: a LocalCluster of --workers processes, or --scheduler's.",
            _P,
            _lazily(_cluster, "run_dask"),
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
            needs="distributed",
            install=INSTALL,
            prepare=_prepare_dask,
        ),
    )
}
