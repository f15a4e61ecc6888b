"""What Dask costs, next to a process pool and threads: a LocalCluster's start-up and close,
and the time per task for 1,000 tiny tasks — bare (the library alone) and through the
workbench (recorded, streamed, on the timeline).

    python3 -m workbench.bench.dask_overhead [--tasks 1000] [--workers 2] [--repeat 3]

Per task is the time from the first task's start to the last one's end, over the task count,
with ``--workers`` workers: what each task adds to a run once the workers are up (start-up and
shutdown are reported apart). Bare runs time the same span from outside: submit everything,
wait for the last result, on a pool or cluster already started. The machine's load is
printed with the figures: on a shared machine they move with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from workbench.bench.stats import Spread
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.results import Run

STRATEGIES = ("dask", "process-pool", "thread-pool")


def tiny(task: int) -> int:
    """The tiny task: ``sleep(0)``, as the workbench's ``sleep`` workload with duration 0."""
    time.sleep(0)
    return task


def _per_task_us(elapsed_s: float, tasks: int) -> float:
    return elapsed_s / tasks * 1e6


def _bare_pool(make: Callable[[], Executor], tasks: int) -> float:
    with make() as pool:
        pool.submit(tiny, 0).result()  # started: every worker need not be, one is enough
        started = time.perf_counter()
        for _ in pool.map(tiny, range(tasks)):
            pass
        return _per_task_us(time.perf_counter() - started, tasks)


def _bare_dask(tasks: int, workers: int) -> tuple[float, float, float]:
    """(start-up s, µs per task, close s) of a LocalCluster as a script would use it."""
    import distributed

    started = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    client.wait_for_workers(workers)
    up = time.perf_counter() - started
    client.submit(tiny, -1, pure=False).result()
    started = time.perf_counter()
    futures = client.map(tiny, range(tasks), pure=False)
    client.gather(futures)
    per_task = _per_task_us(time.perf_counter() - started, tasks)
    del futures
    started = time.perf_counter()
    client.close()
    cluster.close()
    return up, per_task, time.perf_counter() - started


def _through_workbench(strategy: str, tasks: int, workers: int) -> Run:
    config = build_config("sleep", [strategy], tasks, workers, {"duration": 0.0})
    (run,) = asyncio.run(run_experiment(config)).runs
    if not run.ok:
        raise RuntimeError(f"{strategy}: {run.error}")
    return run


def _span_per_task_us(run: Run) -> float:
    first = min(span.start_ns for span in run.tasks)
    last = max(span.end_ns for span in run.tasks)
    return (last - first) / len(run.tasks) / 1e3


def measure(tasks: int, workers: int, repeat: int) -> dict[str, Any]:
    bare: dict[str, list[float]] = {name: [] for name in STRATEGIES}
    engine: dict[str, list[float]] = {name: [] for name in STRATEGIES}
    startup: dict[str, list[float]] = {"bare": [], "close": [], "workbench": []}
    for _ in range(repeat):  # interleaved, so that drift in the load spreads over all of them
        up, per_task, close = _bare_dask(tasks, workers)
        startup["bare"].append(up)
        startup["close"].append(close)
        bare["dask"].append(per_task)
        bare["process-pool"].append(_bare_pool(lambda: ProcessPoolExecutor(workers), tasks))
        bare["thread-pool"].append(_bare_pool(lambda: ThreadPoolExecutor(workers), tasks))
        for name in STRATEGIES:
            run = _through_workbench(name, tasks, workers)
            engine[name].append(_span_per_task_us(run))
            if name == "dask":
                startup["workbench"].append(run.startup_ns / 1e9)
    return {
        "tasks": tasks,
        "workers": workers,
        "repeat": repeat,
        "load_average": _load_average(),
        "us_per_task": {
            name: {"bare": Spread.of(bare[name]), "workbench": Spread.of(engine[name])}
            for name in STRATEGIES
        },
        "local_cluster_s": {key: Spread.of(values) for key, values in startup.items()},
    }


def _load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return ", ".join(f"{load:.1f}" for load in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def report(figures: dict[str, Any]) -> str:
    def spread(s: Spread, digits: int) -> str:
        return f"{s.median:,.{digits}f} ({s.min:,.{digits}f}–{s.max:,.{digits}f})"

    lines = [
        f"{figures['tasks']:,} tiny tasks on {figures['workers']} workers, median (min–max) of "
        f"{figures['repeat']}; load average {figures['load_average']}",
        "",
        "| strategy | µs per task, bare | µs per task, through the workbench |",
        "| --- | ---: | ---: |",
    ]
    for name, pair in figures["us_per_task"].items():
        lines.append(f"| {name} | {spread(pair['bare'], 0)} | {spread(pair['workbench'], 0)} |")
    cluster = figures["local_cluster_s"]
    lines += [
        "",
        f"LocalCluster of {figures['workers']} single-threaded workers: start-up "
        f"{spread(cluster['bare'], 2)} s bare (to every worker up), "
        f"{spread(cluster['workbench'], 2)} s in a run (to the first task running), "
        f"close {spread(cluster['close'], 2)} s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(report(measure(args.tasks, args.workers, args.repeat)))


if __name__ == "__main__":
    main()
