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


def peak_bytes(who: int = resource.RUSAGE_SELF) -> int:
    """The largest resident memory ``who`` has had (this process, or its reaped children)."""
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    return resource.getrusage(who).ru_maxrss * scale
