"""What a workload is, and what one task of it needs to run anywhere (thread, loop, process)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from workbench.core.params import Param
from workbench.core.protocol import CodeRequest


@dataclass(frozen=True)
class Job:
    """Everything one task needs, picklable so it can cross into a pool worker."""

    workload: str
    params: Mapping[str, float]
    url: str | None = None
    scratch_dir: str | None = None
    code: CodeRequest | None = None
    """The user's code, for the ``code`` workload."""


SyncTask = Callable[[Job, int], None]
AsyncTask = Callable[[Job, Any, int], Awaitable[None]]
AsyncResources = Callable[[Job], AbstractAsyncContextManager[Any]]


def no_resources(job: Job) -> AbstractAsyncContextManager[None]:
    """Most async variants need nothing shared between tasks."""
    return contextlib.nullcontext()


@dataclass(frozen=True)
class Workload:
    """A kind of work, declared once; the CLI and the window build their inputs from it.

    ``run_sync(job, task_id)`` is the blocking variant, used by sequential code, threads and
    processes. ``run_async(job, resources, task_id)`` is the coroutine variant; ``resources``
    is what ``open_async(job)`` yielded (an HTTP client and its URL, for instance), shared by all
    tasks.
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    run_sync: SyncTask
    run_async: AsyncTask
    open_async: AsyncResources = field(default=no_resources)
    needs_server: bool = False
    needs_scratch_dir: bool = False
    prepare: Callable[[Job], None] = field(default=lambda job: None)
    """Run before the run's clock starts, for what a user's script does before its timed
    part: imports at the top of the file, a buffer built once. Charging those to the run
    would make the workbench slower than the script it stands for."""
    releases_gil: bool = True
    """Whether the sync variant spends its time outside the GIL (waiting, IO, C code)."""
    prepare_worker: Callable[[Job], None] = field(default=lambda job: None)
    """Run in each pool worker as it starts, before its first task; it must not raise (see
    :func:`workbench.core.pool_worker.init_worker`)."""
    needs_modules: tuple[str, ...] = ()
    """Third-party packages its tasks import in the run's process (aiohttp, aiofiles): an
    interpreter without them is refused before an experiment starts."""
