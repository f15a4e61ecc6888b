"""Run in its own interpreter by :mod:`workbench.bench.scale`: an N-task experiment (100,000
by default), then its peak memory (engine process and the largest run process), the results
file's figures, JSON and compact (``.wbr``), and the Chrome trace's (a loop's coroutines over as
many lanes as they overlap, each with its running slices), as JSON. ``--no-json`` skips the JSON
file (at 1,000,000 tasks it alone takes half a minute to write and read)."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from typing import Any

from workbench.bench.probes import peak_bytes
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.exports import load, save, to_chrome_trace
from workbench.core.results import Results

PER = 100_000
"""The save and load targets are per this many tasks (≤ 1 s each)."""


def _file_figures(results: Results, folder: str, suffix: str) -> dict[str, Any]:
    tasks = sum(len(run.tasks) for run in results.runs)
    path = os.path.join(folder, "results" + suffix)
    start = time.perf_counter()
    save(results, path)
    save_s = time.perf_counter() - start
    start = time.perf_counter()
    load(path)
    load_s = time.perf_counter() - start
    size = os.path.getsize(path)
    os.unlink(path)
    name = suffix.lstrip(".")
    return {
        f"{name}_file_mb": round(size / 2**20, 2),
        f"{name}_bytes_per_task": round(size / tasks, 1),
        f"{name}_save_s": round(save_s, 3),
        f"{name}_load_s": round(load_s, 3),
        f"{name}_save_s_per_100k": round(save_s * PER / tasks, 3),
        f"{name}_load_s_per_100k": round(load_s * PER / tasks, 3),
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tasks = int(args[0]) if args else 100_000
    config = build_config("sleep", ["async-gather"], tasks, params={"duration": 0.5})
    began = time.perf_counter()
    results = asyncio.run(run_experiment(config))
    experiment_s = time.perf_counter() - began
    (run,) = results.runs
    figures: dict[str, Any] = {
        "tasks": tasks,
        "ok": run.ok,
        "wall_s": run.wall_ns / 1e9,
        "experiment_s": round(experiment_s, 1),
        "engine_peak_rss_mb": round(peak_bytes(resource.RUSAGE_SELF) / 2**20, 1),
        "run_process_peak_rss_mb": round(peak_bytes(resource.RUSAGE_CHILDREN) / 2**20, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory() as folder:
        figures.update(_file_figures(results, folder, ".wbr"))
        if "--no-json" not in sys.argv:
            figures.update(_file_figures(results, folder, ".json"))
    start = time.perf_counter()
    trace = to_chrome_trace(results)
    figures["trace_s"] = round(time.perf_counter() - start, 3)
    figures["trace_mb"] = round(len(trace.encode("utf-8")) / 2**20, 2)
    del trace
    figures["thread_state_intervals"] = sum(len(t.intervals) for t in run.threads)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
