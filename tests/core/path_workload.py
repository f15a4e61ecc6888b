"""A test-only workload whose tasks fail if a package outside the standard library can be found:
run on a foreign interpreter, it shows what that interpreter's child can import."""

from __future__ import annotations

import importlib.util
from typing import Any

from workbench.core.workloads import Job, Workload, register

OUTSIDE = ("psutil", "numpy", "jsonschema")
"""The workbench's own dependencies: a foreign interpreter's child must not see them."""


def _look(job: Job, task_id: int) -> None:
    found = [name for name in OUTSIDE if importlib.util.find_spec(name) is not None]
    if found:
        raise RuntimeError(f"importable here: {', '.join(found)}")


async def _look_async(job: Job, resources: Any, task_id: int) -> None:
    _look(job, task_id)


LOOK = register(
    Workload(
        name="look",
        summary="Test-only: each task fails if the workbench's own dependencies can be imported.",
        params=(),
        run_sync=_look,
        run_async=_look_async,
    )
)
