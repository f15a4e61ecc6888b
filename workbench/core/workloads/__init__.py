"""The workloads a strategy can run, each with a sync and an async variant.

A workload is plain data (:class:`Workload`) pointing at module-level functions, so a
:class:`Job` can be pickled to a process-pool worker and the function found there by name.
"""

from __future__ import annotations

import importlib
import os

from workbench.core.protocol import CODE_WORKLOAD
from workbench.core.workloads.base import Job, Workload
from workbench.core.workloads.compute import CPU, HASH, MIXED
from workbench.core.workloads.files import FILE
from workbench.core.workloads.network import HTTP
from workbench.core.workloads.usercode import CODE
from workbench.core.workloads.waits import SLEEP

WORKLOADS: dict[str, Workload] = {w.name: w for w in (SLEEP, HTTP, FILE, CPU, HASH, MIXED)}

__all__ = [
    "CODE_WORKLOAD",
    "EXTRA_MODULES_ENV",
    "WORKLOADS",
    "Job",
    "Workload",
    "register",
    "workload_named",
]

EXTRA_MODULES_ENV = "WORKBENCH_WORKLOAD_MODULES"
"""Comma-separated modules to import for extra workloads; children and pool workers inherit it,
so a workload registered this way is found wherever its tasks run (the fault tests use it)."""


def register(workload: Workload) -> Workload:
    """Add a workload to the registry (an extra module calls this at import time)."""
    WORKLOADS[workload.name] = workload
    return workload


def _import_extra_modules() -> None:
    for module in filter(
        None, (m.strip() for m in os.environ.get(EXTRA_MODULES_ENV, "").split(","))
    ):
        importlib.import_module(module)


def workload_named(name: str) -> Workload:
    """The workload called ``name``; KeyError names the allowed ones.

    ``code`` (the user's own functions) is found too, though it is not listed among the
    workloads one picks by name: it needs a file.
    """
    if name == CODE_WORKLOAD:
        return CODE
    try:
        return WORKLOADS[name]
    except KeyError:
        raise KeyError(f"unknown workload {name!r}; allowed: {', '.join(WORKLOADS)}") from None


_import_extra_modules()
