"""Simulated IO: a task that only waits."""

from __future__ import annotations

import asyncio
import random
import time
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


async def sleep_async(job: Job, resources: Any, task_id: int) -> None:
    # Without jitter, the plain wait: the call to wait_of was a tenth of the workbench's
    # cost per gathered task (~0.15 µs of ~2), and this runs once per task of the run.
    params = job.params
    await asyncio.sleep(wait_of(job, task_id) if params.get("jitter") else params["duration"])


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
