"""What machine a result was measured on: needed to read any figure honestly."""

from __future__ import annotations

import functools
import multiprocessing
import platform
import sys

import psutil

from workbench.core.results import Machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def gil_enabled() -> bool:
    """False only on a free-threaded build running with the GIL switched off."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


@functools.cache
def this_machine() -> Machine:
    return Machine(
        logical_cpus=psutil.cpu_count(logical=True) or 1,
        physical_cpus=psutil.cpu_count(logical=False),
        cpu_model=_cpu_model(),
        os=platform.platform(),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        gil_enabled=gil_enabled(),
        mp_start_method=multiprocessing.get_start_method(allow_none=False),
    )
