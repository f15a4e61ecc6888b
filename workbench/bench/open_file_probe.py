"""Run in its own interpreter by :mod:`workbench.bench.open_file`: write a synthetic results
file of N tasks, or open one and report the memory and time it took, as JSON.

``python -m workbench.bench.open_file_probe write big.json 520000`` writes a ~90 MB file
(tasks shaped as an async-gather run records them: two running intervals and their cores);
``python -m workbench.bench.open_file_probe load big.json`` opens it in a process that does
nothing else, and prints its peak memory over its memory before opening, per byte of file.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from workbench.bench.probes import peak_bytes
from workbench.core.exports import load, save
from workbench.core.results import Config, CpuSample, Machine, Results, Run, TaskSpan


def synthetic(tasks: int) -> Results:
    """``tasks`` tasks of a 2-CPU machine, ~175 bytes each in the file."""
    spans = []
    for i in range(tasks):
        start = i * 1_000 + (i * 7919) % 1_000
        running = ((start, start + 1_234), (start + 400_000, start + 500_123))
        spans.append(TaskSpan(i, start, start + 500_123, "main", True, None, running, (0, 1)))
    wall = tasks * 1_000 + 600_000
    samples = tuple(CpuSample(t, (50.5, 12.25)) for t in range(100_000_000, wall, 100_000_000))
    run = Run("async-gather", 0, True, None, wall, wall // 2, 0, tuple(spans), samples)
    machine = Machine(2, 2, "synthetic", "Linux", "3.11", "CPython", True, "fork")
    config = Config("sleep", {"duration": 0.5}, tasks, 1, 1, ("async-gather",))
    return Results(machine, config, (run,))


def _resident_bytes() -> int:
    """Now (Linux: /proc); elsewhere the peak so far, which before opening is the same."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return peak_bytes()


def opened(path: str) -> dict[str, float]:
    from workbench.core.schemas import RESULTS, problem

    problem(RESULTS, {})  # jsonschema loaded and its validator built: not the file's memory
    before = _resident_bytes()
    began = time.perf_counter()
    load(path)
    load_s = time.perf_counter() - began
    peak = peak_bytes()
    size = os.path.getsize(path)
    return {
        "file_mb": round(size / 2**20, 1),
        "peak_rss_over_start_mb": round((peak - before) / 2**20, 1),
        "bytes_per_file_byte": round((peak - before) / size, 2),
        "open_s": round(load_s, 2),
    }


def main() -> None:
    command, path = sys.argv[1], sys.argv[2]
    if command == "write":
        save(synthetic(int(sys.argv[3])), path)
    else:
        print(json.dumps(opened(path)))


if __name__ == "__main__":
    main()
