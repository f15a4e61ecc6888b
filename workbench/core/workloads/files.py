"""File IO: write then read back a file in the run's private scratch directory."""

from __future__ import annotations

import functools
import os
from typing import Any

from workbench.core.params import Param
from workbench.core.workloads.base import Job, Workload


@functools.lru_cache(maxsize=4)
def _payload(size: int) -> bytes:
    return b"w" * size


def _path(job: Job, task_id: int) -> str:
    if job.scratch_dir is None:
        raise RuntimeError("the file workload needs a scratch directory")
    return os.path.join(job.scratch_dir, f"task-{task_id}.bin")


def prepare_files(job: Job) -> None:
    """Import aiofiles and build the payload before the clock starts, as a script would."""
    import aiofiles
    import aiofiles.os  # noqa: F401

    _payload(int(job.params["size"]))


def file_sync(job: Job, task_id: int) -> None:
    path, data = _path(job, task_id), _payload(int(job.params["size"]))
    with open(path, "wb") as handle:
        handle.write(data)
    with open(path, "rb") as handle:
        if len(handle.read()) != len(data):
            raise OSError(f"short read from {path}")
    os.remove(path)


async def file_async(job: Job, resources: Any, task_id: int) -> None:
    # aiofiles, as the seed article uses: each call is handed to a thread pool.
    import aiofiles  # imported here so children that never use it start faster
    import aiofiles.os

    path, data = _path(job, task_id), _payload(int(job.params["size"]))
    async with aiofiles.open(path, "wb") as handle:
        await handle.write(data)
    async with aiofiles.open(path, "rb") as handle:
        if len(await handle.read()) != len(data):
            raise OSError(f"short read from {path}")
    await aiofiles.os.remove(path)


FILE = Workload(
    name="file",
    summary="Writes then reads back a file in a private temp dir (async: aiofiles).",
    params=(
        Param(
            "size",
            "bytes",
            1_048_576,
            0,
            1 << 30,
            "Bytes written then read per task.",
            integer=True,
        ),
    ),
    run_sync=file_sync,
    run_async=file_async,
    needs_scratch_dir=True,
    prepare=prepare_files,
    needs_modules=("aiofiles",),
)
