"""Scale: a 100,000-task async-gather run — memory, results file size, save/load time."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def measure_scale(tasks: int = 100_000) -> dict[str, Any]:
    """Measured in a fresh interpreter so peak-memory figures belong to this run alone."""
    proc = subprocess.run(
        [sys.executable, "-m", "workbench.bench.scale_probe", str(tasks)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures
