"""Simulated IO: a task that only waits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from workbench.core.params import Param
from workbench.core.workloads.base import Job, Workload


def sleep_sync(job: Job, task_id: int) -> None:
    time.sleep(job.params["duration"])


async def sleep_async(job: Job, resources: Any, task_id: int) -> None:
    await asyncio.sleep(job.params["duration"])


SLEEP = Workload(
    name="sleep",
    summary="Waits (time.sleep / asyncio.sleep): simulated IO that uses no CPU.",
    params=(Param("duration", "s", 0.2, 0.0, 3600.0, "How long each task waits."),),
    run_sync=sleep_sync,
    run_async=sleep_async,
)
