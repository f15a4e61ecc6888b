"""Strategies that run in the child's own process: a plain loop, threads, a thread pool."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from workbench.core.clock import now_ns
from workbench.core.strategies.base import RunContext


def run_sequential(ctx: RunContext) -> None:
    for task_id in range(ctx.tasks):
        ctx.recorder.call(ctx.workload.run_sync, ctx.job, task_id)


def run_threads(ctx: RunContext) -> int:
    started = now_ns()
    threads = [
        threading.Thread(
            target=ctx.recorder.call,
            args=(ctx.workload.run_sync, ctx.job, task_id),
            name=f"task-{task_id}",
        )
        for task_id in range(ctx.tasks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        _wait_streaming(ctx, _joined(thread))
    return started


def run_thread_pool(ctx: RunContext) -> int:
    started = now_ns()
    call, run_sync, job = ctx.recorder.call, ctx.workload.run_sync, ctx.job
    with ThreadPoolExecutor(max_workers=ctx.workers) as pool:
        # What pool.map does (submit all, then wait), with the wait broken up to stream.
        futures = [pool.submit(call, run_sync, job, task_id) for task_id in range(ctx.tasks)]
        pending = set(futures)

        def all_done(timeout: float | None) -> bool:
            nonlocal pending
            pending = wait(pending, timeout)[1]
            return not pending

        _wait_streaming(ctx, all_done)
        for future in futures:
            future.result()
    return started


Done = Callable[[float | None], bool]
"""Waits at most the timeout given (None: for good) and says whether the wait is over."""


def _joined(thread: threading.Thread) -> Done:
    def done(timeout: float | None) -> bool:
        thread.join(timeout)
        return not thread.is_alive()

    return done


def _wait_streaming(ctx: RunContext, done: Done) -> None:
    """Wait until ``done``, streaming what the workers recorded every interval meanwhile.

    The main thread only waits here, so it streams in place of a thread of the child's own.
    """
    if ctx.stream is None:
        done(None)
        return
    while not done(ctx.stream_interval_s):
        ctx.stream()
