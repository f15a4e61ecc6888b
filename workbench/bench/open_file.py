"""Opening a big results file: the memory it takes per byte of file, and the time.

The file is written by one fresh interpreter and opened by another that does nothing else,
so the peak memory belongs to the opening alone (see :mod:`workbench.bench.open_file_probe`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from workbench.bench.probes import probe_json

PROBE = [sys.executable, "-m", "workbench.bench.open_file_probe"]
TASKS = 520_000
"""About 90 MB of results file."""


def measure_opening(tasks: int = TASKS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "big.json")
        subprocess.run([*PROBE, "write", path, str(tasks)], check=True)
        return {"tasks": tasks, **probe_json("workbench.bench.open_file_probe", "load", path)}
