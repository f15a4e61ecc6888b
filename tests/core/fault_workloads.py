"""A workload that misbehaves on purpose, loaded into children via WORKBENCH_WORKLOAD_MODULES."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from typing import Any

from workbench.core.params import Param
from workbench.core.workloads import Job, Workload, register

OK, RAISE, EXIT, KILL, HANG = 0, 1, 2, 3, 4
ONLY_ON_ENV = "WORKBENCH_TEST_FAULT_ONLY_ON"
"""An interpreter's ``sys.executable``: misbehave only in runs on it (tests with several)."""


def _misbehave(job: Job, task_id: int) -> None:
    in_pool_worker = multiprocessing.parent_process() is not None
    elsewhere = os.environ.get(ONLY_ON_ENV, sys.executable) != sys.executable
    if (
        task_id != int(job.params["task"])
        or (job.params["pool_only"] and not in_pool_worker)
        or elsewhere
    ):
        time.sleep(job.params["duration"])
        return
    mode = int(job.params["mode"])
    if mode == RAISE:
        raise ValueError(f"task {task_id} was told to fail")
    if mode == EXIT:
        os._exit(3)
    if mode == KILL:
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == HANG:
        time.sleep(3600)


async def _misbehave_async(job: Job, resources: Any, task_id: int) -> None:
    _misbehave(job, task_id)


FAULT = register(
    Workload(
        name="fault",
        summary="Test-only: one task raises, exits, kills itself or hangs.",
        params=(
            Param("mode", "", 0, 0, 4, "0 ok, 1 raise, 2 os._exit, 3 SIGKILL, 4 hang", True),
            Param("task", "", 1, 0, 1_000_000, "Which task misbehaves.", integer=True),
            Param("duration", "s", 0.01, 0.0, 60.0, "How long the other tasks sleep."),
            Param("pool_only", "", 0, 0, 1, "1: misbehave only inside pool workers.", True),
        ),
        run_sync=_misbehave,
        run_async=_misbehave_async,
    )
)
