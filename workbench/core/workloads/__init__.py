"""The workloads a strategy can run, each with a sync and an async variant.

A workload is plain data (:class:`Workload`) pointing at module-level functions, so a
:class:`Job` can be pickled to a process-pool worker and the function found there by name.
"""

from __future__ import annotations

from workbench.core.workloads.base import Job, Workload
from workbench.core.workloads.compute import CPU, HASH, MIXED
from workbench.core.workloads.files import FILE
from workbench.core.workloads.network import HTTP
from workbench.core.workloads.waits import SLEEP

WORKLOADS: dict[str, Workload] = {w.name: w for w in (SLEEP, HTTP, FILE, CPU, HASH, MIXED)}

__all__ = ["WORKLOADS", "Job", "Workload", "workload_named"]


def workload_named(name: str) -> Workload:
    """The workload called ``name``; KeyError names the allowed ones."""
    try:
        return WORKLOADS[name]
    except KeyError:
        raise KeyError(f"unknown workload {name!r}; allowed: {', '.join(WORKLOADS)}") from None
