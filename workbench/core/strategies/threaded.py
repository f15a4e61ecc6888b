"""Strategies that run in the child's own process: a plain loop, threads, a thread pool."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

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
        thread.join()
    return started


def run_thread_pool(ctx: RunContext) -> int:
    started = now_ns()
    with ThreadPoolExecutor(max_workers=ctx.workers) as pool:
        for _ in pool.map(
            lambda task_id: ctx.recorder.call(ctx.workload.run_sync, ctx.job, task_id),
            range(ctx.tasks),
        ):
            pass
    return started
