"""Simulated IO: a task that only waits."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine
from typing import Any

from workbench.core.params import Param
from workbench.core.workloads.base import Job, Workload


def wait_of(job: Job, task_id: int) -> float:
    """``duration`` plus, with ``jitter``, a random extra that is the same for a task id
    every time (so a run can be repeated and compared)."""
    jitter = job.params.get("jitter", 0.0)
    extra = random.Random(task_id).uniform(0, jitter) if jitter else 0.0
    return job.params["duration"] + extra


def sleep_sync(job: Job, task_id: int) -> None:
    time.sleep(wait_of(job, task_id))


def sleep_async(job: Job, resources: Any, task_id: int) -> Coroutine[Any, Any, None]:
    """The task's coroutine: the seed's ``async def task(duration)``, its wait worked out first.

    A gather holds every task's suspended coroutine, and the collector walks each one's frame
    on every full pass: a frame of ``(job, resources, task_id)`` and the parameters cost the
    run ~1,000 instructions a task more than the bare script's one-argument frame at
    1,000,000 tasks (counted with ``python -m workbench.bench.task_instructions``). Without
    jitter, the plain wait: the call to :func:`wait_of` was ~0.15 µs a task.
    """
    params = job.params
    return _wait(wait_of(job, task_id) if params.get("jitter") else params["duration"])


async def _wait(duration: float) -> None:
    await asyncio.sleep(duration)


SLEEP = Workload(
    name="sleep",
    summary="Waits (time.sleep / asyncio.sleep): simulated IO that uses no CPU.",
    params=(
        Param("duration", "s", 0.2, 0.0, 3600.0, "How long each task waits."),
        Param("jitter", "s", 0.0, 0.0, 3600.0, "Random extra wait per task, 0 to this."),
    ),
    run_sync=sleep_sync,
    run_async=sleep_async,
)
