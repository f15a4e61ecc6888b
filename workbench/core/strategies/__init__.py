"""The strategies, by name: every way the workbench can run N tasks."""

from __future__ import annotations

from workbench.core.strategies.asynchronous import (
    run_async_blocking,
    run_async_bounded,
    run_async_gather,
    run_async_sequential,
    run_async_taskgroup,
    run_async_to_thread,
)
from workbench.core.strategies.base import (
    MAX_PROCESS_WORKERS,
    MAX_THREAD_WORKERS,
    MAX_THREADS,
    Family,
    RunContext,
    Strategy,
)
from workbench.core.strategies.cluster import INSTALL, prepare_dask, run_dask
from workbench.core.strategies.processes import run_mp_pool, run_process_pool
from workbench.core.strategies.threaded import run_sequential, run_thread_pool, run_threads

__all__ = ["STRATEGIES", "Family", "RunContext", "Strategy"]

_S, _A, _T, _P = Family.SEQUENTIAL, Family.ASYNC, Family.THREADS, Family.PROCESSES

STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy(
            "sequential", "A plain for-loop calling the blocking function.", _S, run_sequential
        ),
        Strategy(
            "async-sequential",
            "Await each coroutine in turn: async, yet one at a time.",
            _A,
            run_async_sequential,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-gather",
            "asyncio.gather of every coroutine on one event loop.",
            _A,
            run_async_gather,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-taskgroup",
            "asyncio.TaskGroup creating one task per coroutine.",
            _A,
            run_async_taskgroup,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-bounded",
            "gather under a semaphore: at most --workers at once.",
            _A,
            run_async_bounded,
            uses_workers=True,
            streams_itself=True,
            awaits=True,
        ),
        Strategy(
            "async-blocking",
            "The blocking call inside coroutines: stalls the loop.",
            _A,
            run_async_blocking,
        ),
        Strategy(
            "async-to-thread",
            "asyncio.to_thread per task (default executor's threads).",
            _A,
            run_async_to_thread,
            streams_itself=True,
        ),
        Strategy(
            "threads",
            "One threading.Thread per task, all started, then joined.",
            _T,
            run_threads,
            max_tasks=MAX_THREADS,
            streams_itself=True,
        ),
        Strategy(
            "thread-pool",
            "concurrent.futures.ThreadPoolExecutor with --workers threads.",
            _T,
            run_thread_pool,
            uses_workers=True,
            max_workers=MAX_THREAD_WORKERS,
            streams_itself=True,
        ),
        Strategy(
            "process-pool",
            "concurrent.futures.ProcessPoolExecutor, --workers processes.",
            _P,
            run_process_pool,
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
        ),
        Strategy(
            "mp-pool",
            "multiprocessing.Pool.map with --workers processes.",
            _P,
            run_mp_pool,
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
        ),
        Strategy(
            "dask",
            "Dask distributed: a LocalCluster of --workers processes, or --scheduler's.",
            _P,
            run_dask,
            uses_workers=True,
            max_workers=MAX_PROCESS_WORKERS,
            streams_itself=True,
            needs="distributed",
            install=INSTALL,
            prepare=prepare_dask,
        ),
    )
}
