"""Run in its own interpreter by :mod:`workbench.bench.scale`: a 100,000-task experiment,
then its peak memory (engine process and the largest run process) and file figures (the
results file, and the Chrome trace: a loop's 100,000 coroutines over as many lanes as they
overlap, each with its running slices) as JSON."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time

from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.exports import load, save, to_chrome_trace


def _peak_bytes(who: int) -> int:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale


def main() -> None:
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    config = build_config("sleep", ["async-gather"], tasks, params={"duration": 0.5})
    results = asyncio.run(run_experiment(config))
    (run,) = results.runs
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "results.json")
        start = time.perf_counter()
        save(results, path)
        save_s = time.perf_counter() - start
        start = time.perf_counter()
        load(path)
        load_s = time.perf_counter() - start
        size = os.path.getsize(path)
    start = time.perf_counter()
    trace = to_chrome_trace(results)
    trace_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "tasks": tasks,
                "ok": run.ok,
                "wall_s": run.wall_ns / 1e9,
                "engine_peak_rss_mb": round(_peak_bytes(resource.RUSAGE_SELF) / 2**20, 1),
                "run_process_peak_rss_mb": round(_peak_bytes(resource.RUSAGE_CHILDREN) / 2**20, 1),
                "results_file_mb": round(size / 2**20, 2),
                "save_s": round(save_s, 3),
                "load_s": round(load_s, 3),
                "trace_s": round(trace_s, 3),
                "trace_mb": round(len(trace.encode("utf-8")) / 2**20, 2),
                "thread_state_intervals": sum(len(t.intervals) for t in run.threads),
            }
        )
    )


if __name__ == "__main__":
    main()
