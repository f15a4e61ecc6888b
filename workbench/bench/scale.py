"""Scale: a 100,000-task async-gather run — memory, results file size, save/load time."""

from __future__ import annotations

from typing import Any

from workbench.bench.probes import probe_json


def measure_scale(tasks: int = 100_000) -> dict[str, Any]:
    """Measured in a fresh interpreter so peak-memory figures belong to this run alone."""
    return probe_json("workbench.bench.scale_probe", str(tasks))
