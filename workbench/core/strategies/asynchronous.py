"""asyncio strategies, each run on a fresh stock event loop with ``asyncio.run``."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.lagprobe import LagProbe
from workbench.core.recording import stepped
from workbench.core.step_clock import StepClock
from workbench.core.strategies.base import RunContext

Body = Callable[[RunContext, Any], Awaitable[None]]


class Every:
    """Calls ``action`` every ``interval_s`` on the running loop until stopped."""

    def __init__(self, interval_s: float, action: Callable[[], None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._interval, self._action = interval_s, action
        self._handle = self._loop.call_later(interval_s, self._fire)

    def _fire(self) -> None:
        self._action()
        self._handle = self._loop.call_later(self._interval, self._fire)

    def stop(self) -> None:
        self._handle.cancel()


def _on_stock_loop(body: Body) -> Callable[[RunContext], None]:
    """Wrap ``body`` to run under ``asyncio.run`` with the workload's shared resources open."""

    def run(ctx: RunContext) -> None:
        async def main() -> None:
            probe = LagProbe(ctx.recorder.lag) if ctx.recorder.inside else None
            streamer = Every(ctx.stream_interval_s, ctx.stream) if ctx.stream is not None else None
            try:
                async with ctx.workload.open_async(ctx.job) as resources:
                    await body(ctx, resources)
            finally:
                for ticker in (probe, streamer):
                    if ticker is not None:
                        ticker.stop()

        asyncio.run(main())

    return run


_NATIVE_TASKS_ONLY = sys.version_info >= (3, 12)
"""Since Python 3.12 a task must be a native coroutine: ``TaskGroup.create_task`` refuses the
recorder's generator-based one (:func:`stepped`), and ``gather`` wraps it in a native one."""


async def _natively(awaitable: Awaitable[None]) -> None:
    await awaitable


def _task(ctx: RunContext, resources: Any, task_id: int) -> Coroutine[Any, Any, None]:
    """One recorded task, as the event loop takes it (wrapped as ``gather`` would on 3.12+;
    as it is, at no cost, on 3.11)."""
    task = ctx.recorder.call_async(ctx.workload.run_async, ctx.job, resources, task_id)
    if _NATIVE_TASKS_ONLY and type(task) is not types.CoroutineType:
        return _natively(task)
    return task


async def _in_turn(ctx: RunContext, resources: Any) -> None:
    for task_id in range(ctx.tasks):
        await _task(ctx, resources, task_id)


async def _gather(ctx: RunContext, resources: Any) -> None:
    if not ctx.recorder.inside:
        await asyncio.gather(*(_task(ctx, resources, i) for i in range(ctx.tasks)))
        return
    # Each task is the workload's own coroutine, as in a plain gather; the loop times its
    # steps (see StepClock: a wrapper per task cost more per task the more tasks there were).
    run_async, job = ctx.workload.run_async, ctx.job
    # The tasks go straight into the gather, which holds them as a plain one does: a list of
    # them kept here too would be N references more for the collector to walk.
    with StepClock(ctx.recorder) as clock:
        coroutines = (run_async(job, resources, i) for i in range(ctx.tasks))
        await asyncio.gather(*clock.start(coroutines), return_exceptions=True)  # failures recorded


async def _task_group(ctx: RunContext, resources: Any) -> None:
    async with asyncio.TaskGroup() as group:
        for task_id in range(ctx.tasks):
            group.create_task(_task(ctx, resources, task_id))


async def _bounded(ctx: RunContext, resources: Any) -> None:
    gate = asyncio.Semaphore(ctx.workers)

    async def one(task_id: int) -> None:
        async with gate:  # the task's span starts once it holds a slot
            await _task(ctx, resources, task_id)

    await asyncio.gather(*(one(i) for i in range(ctx.tasks)))


async def _blocking(ctx: RunContext, resources: Any) -> None:
    run_sync, job = ctx.workload.run_sync, ctx.job

    async def one(task_id: int) -> None:
        # The anti-pattern: a blocking call inside a coroutine stalls the whole loop.
        run_sync(job, task_id)

    await asyncio.gather(*(stepped(ctx.recorder, one(i), i) for i in range(ctx.tasks)))


async def _to_thread(ctx: RunContext, resources: Any) -> None:
    call = ctx.recorder.call
    await asyncio.gather(
        *(asyncio.to_thread(call, ctx.workload.run_sync, ctx.job, i) for i in range(ctx.tasks))
    )


run_async_sequential = _on_stock_loop(_in_turn)
run_async_gather = _on_stock_loop(_gather)
run_async_taskgroup = _on_stock_loop(_task_group)
run_async_bounded = _on_stock_loop(_bounded)
run_async_blocking = _on_stock_loop(_blocking)


def run_async_to_thread(ctx: RunContext) -> int:
    started = now_ns()
    _on_stock_loop(_to_thread)(ctx)
    return started
