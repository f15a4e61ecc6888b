"""What the benchmark's probes share: a measurement run as a module in a fresh interpreter
(so that its peak memory is its own), read from the last line of JSON it prints, and the peak
memory such a process reads of itself."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from typing import Any


def probe_json(module: str, *args: str, timeout_s: float = 600) -> dict[str, Any]:
    """``python -m module args``' figures; :class:`RuntimeError` with the end of what it
    printed on stderr when it fails."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout_s,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed: {proc.stderr.strip()[-400:]}")
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def _own_high_water_bytes() -> int | None:
    """This process's peak resident memory since it started (Linux's ``VmHWM``); None where
    there is no ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_bytes(who: int = resource.RUSAGE_SELF) -> int:
    """The largest resident memory ``who`` has had (this process, or its reaped children).

    Not ``ru_maxrss`` for this process on Linux: a process keeps, across ``exec``, the peak
    of the one that started it, so a probe started by a benchmark that had grown to 600 MB
    reported 600 MB whatever it used itself (``VmHWM`` is its own). Its children's figure
    can only come from ``ru_maxrss``: each carries this process's own peak at the moment it
    was started as a floor, which the probes keep small by starting them first.
    """
    if who == resource.RUSAGE_SELF and (own := _own_high_water_bytes()) is not None:
        return own
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    return resource.getrusage(who).ru_maxrss * scale
