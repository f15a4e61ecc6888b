"""A workload whose tasks contend for one ``threading.Lock``, loaded into children via
WORKBENCH_WORKLOAD_MODULES: task 0 takes the lock and sleeps holding it; every other task
waits for it. The thread-state tests expect the waiters in ``lock``, the owner in ``io``."""

from __future__ import annotations

import threading
import time
from typing import Any

from workbench.core.params import Param
from workbench.core.workloads import Job, Workload, register

_LOCK = threading.Lock()
_HELD = threading.Event()


def _contend(job: Job, task_id: int) -> None:
    hold = job.params["hold"]
    if task_id == 0:
        with _LOCK:
            _HELD.set()
            time.sleep(hold)
        return
    # Bounded: in a process pool the owner is in another process and never sets it.
    if _HELD.wait(timeout=2 * hold):
        with _LOCK:
            pass


async def _contend_async(job: Job, resources: Any, task_id: int) -> None:
    _contend(job, task_id)


LOCKED = register(
    Workload(
        name="locked",
        summary="Test-only: task 0 holds a threading.Lock while it sleeps; the others wait.",
        params=(Param("hold", "s", 0.3, 0.0, 60.0, "How long task 0 holds the lock."),),
        run_sync=_contend,
        run_async=_contend_async,
    )
)
