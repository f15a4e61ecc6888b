"""What runs inside a process-pool worker: kept tiny, because every worker imports it at start.

Spawned workers re-import the child's main module and this one; nothing here pulls in asyncio
or the strategies, so a worker is ready to run tasks a few tens of milliseconds after
its interpreter starts.
"""

from __future__ import annotations

from typing import Any

from workbench.core.recording import WorkerRecorder
from workbench.core.workloads import Job, workload_named

_recorder: WorkerRecorder | None = None


def init_worker(queue: Any, job: Job | None = None, inside: bool = True) -> None:
    """Pool initializer: events from this worker travel back to the child through ``queue``;
    the workload gets ready in this process (the user's code loads here, by path); ``inside``
    False records no heartbeats, as the run's own recorder then records none (inside
    recording off, or running slices read from outside).

    It never raises: a pool whose initializer fails replaces the worker forever
    (``multiprocessing.Pool``) or breaks (``ProcessPoolExecutor``); the workload keeps any
    failure and each task reports it instead.
    """
    global _recorder  # noqa: PLW0603 - one recorder per worker process, set at start
    user_file = None
    if job is not None:
        workload_named(job.workload).prepare_worker(job)
        user_file = job.code.path if job.code is not None else None
    _recorder = WorkerRecorder(queue, user_file, inside)


def pool_task(job: Job, task_id: int) -> None:
    """Run one task in this worker, recording its span (failures are recorded, not raised)."""
    assert _recorder is not None, "pool worker started without its initializer"
    _recorder.call(workload_named(job.workload).run_sync, job, task_id)
