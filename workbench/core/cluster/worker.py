"""What runs inside a Dask worker: the pool workers' own entry point, its events sent back.

Dask unpickles :func:`dask_task` by reference, so a worker must be able to import the
workbench (a ``LocalCluster``'s workers are this machine's; a lab machine's ``dask worker``
needs the package installed). A task runs through :func:`workbench.core.pool_worker.pool_task`,
exactly as in a process pool, so whatever a pool worker can run (built-in workloads, and the
user's own code once the pool worker resolves it) runs here too. The recorder there puts two
events per task into a queue; here the "queue" is :class:`_Sink`:

- the begin, and then the end, go out at once through the worker's structured event log
  (``Worker.log_event``): a few integers on the worker's batched stream to the scheduler,
  which forwards them to the run's client — so a task appears on the timeline while it runs,
  and its end is known even if its worker dies before the client fetched its result;
- the whole end event (with the task's heartbeats, which may be thousands of integers) is
  the task's result, fetched by the client in batches: the data path Dask is built for, and
  nothing large kept in the scheduler's event log (it holds the last 1,000 events of a topic).

Timestamps are the worker's ``perf_counter_ns``; the run puts them on its own axis
(:mod:`workbench.core.cluster.clocks`).
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import shutil
import socket
import tempfile
import threading
import time
from typing import Any

from workbench.core import pool_worker
from workbench.core.cluster.clocks import Reading, read_boot_id
from workbench.core.protocol import BEGIN
from workbench.core.scratch_names import linux_start_ms, owned_folder
from workbench.core.workloads import Job

TaskResult = tuple[int, int, int, int, int, int, str | None, list[int] | None, str | None, str]
"""(kind, task id, start, end, native thread id, pid, error, heartbeats, the user's traceback,
worker address)."""


class _Sink:
    """The queue a pool worker's recorder puts into: begins go out live, ends are kept."""

    def __init__(self) -> None:
        self._local = threading.local()

    def start(self, topic: str, worker: Any) -> None:
        self._local.topic, self._local.worker, self._local.end = topic, worker, None

    def put(self, event: tuple[Any, ...]) -> None:
        local = self._local
        _, task_id, start, end, thread, pid, _, _, _ = event
        if event[0] == BEGIN:
            local.worker.log_event(local.topic, [task_id, start, thread, pid, local.worker.address])
        else:
            local.end = event
            news = [task_id, start, thread, pid, local.worker.address, end]
            local.worker.log_event(local.topic, news)

    def result(self) -> TaskResult:
        local = self._local
        kind, task_id, start, end, thread, pid, error, heartbeats, trace = local.end
        return (
            kind,
            task_id,
            start,
            end,
            thread,
            pid,
            error,
            heartbeats,
            trace,
            local.worker.address,
        )


_SINK = _Sink()
_installed = False
_scratch: str | None = None


def dask_task(job: Job, task_id: int, topic: str) -> TaskResult:
    """Run one task here, recording it as a pool worker does; its begin is sent at once."""
    global _installed  # noqa: PLW0603 - once per worker process, as a pool's initializer
    from distributed import get_worker

    if not _installed:  # as a pool's initializer: the user's code, if any, loads here
        pool_worker.init_worker(_SINK, job)
        _installed = True
    _SINK.start(topic, get_worker())
    pool_worker.pool_task(_on_this_machine(job), task_id)
    return _SINK.result()


def _on_this_machine(job: Job) -> Job:
    """The job with a scratch folder that exists here: the run's own is on its machine."""
    if job.scratch_dir is None or os.path.isdir(job.scratch_dir):
        return job
    global _scratch  # noqa: PLW0603 - one folder per worker process
    if _scratch is None:
        # Named after this worker where its start time can be read, so that a worker killed
        # before its exit handler ran leaves nothing for long: the next engine removes it.
        start_ms = linux_start_ms()
        _scratch = (
            owned_folder(start_ms)
            if start_ms is not None
            else tempfile.mkdtemp(prefix="workbench-dask-")
        )
        atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
    return dataclasses.replace(job, scratch_dir=_scratch)


def read_clock() -> Reading:
    """Who this worker is and what its clocks say now (the run's clock probe)."""
    clock, wall = time.perf_counter_ns(), time.time_ns()
    return Reading(os.getpid(), short_host_name(), read_boot_id(), clock, wall)


def short_host_name() -> str:
    """This machine's name without its domain: a lane label must stay short."""
    return socket.gethostname().split(".")[0] or "localhost"
