"""Where the per-task overhead goes at scale: the recording itself vs the cyclic collector.

The overhead curve is not linear above ~30,000 tasks, and the reason is not the recording: a
gather of N tasks keeps N coroutines and N tasks alive at once, CPython's collector walks that
whole live heap on each full collection, and that walk costs more per object as the heap
outgrows the CPU's caches, for bare asyncio as much as for the workbench. The recorder adds
one more live object per task (the generator that times each step), so it adds to the walk.

This splits the cost: the same gather of N × sleep(0), with and without the step recorder,
each in a fresh interpreter with the same modules imported, timing every collection through
``gc.callbacks``. What is left once collector time is taken out is the recording's own cost.
Run as ``python -m workbench.bench.collector_share N recorded|bare`` it prints one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from workbench.bench.stats import Spread

PROBE = [sys.executable, "-m", "workbench.bench.collector_share"]


def _probe(tasks: int, recorded: bool) -> None:
    import asyncio
    import gc
    import time

    from workbench.core.recording import Recorder, stepped

    recorder = Recorder()
    paused = [0, 0]  # total ns in collections, start of the current one

    def on_collection(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            paused[1] = time.perf_counter_ns()
        else:
            paused[0] += time.perf_counter_ns() - paused[1]

    async def task() -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        if recorded:
            await asyncio.gather(*(stepped(recorder, task(), i) for i in range(tasks)))
        else:
            await asyncio.gather(*(task() for _ in range(tasks)))

    gc.callbacks.append(on_collection)
    began = time.perf_counter_ns()
    asyncio.run(main())
    wall = time.perf_counter_ns() - began
    print(json.dumps({"wall_ns": wall, "collector_ns": paused[0]}))


def _measure(tasks: int, recorded: bool) -> tuple[float, float]:
    mode = "recorded" if recorded else "bare"
    proc = subprocess.run([*PROBE, str(tasks), mode], capture_output=True, text=True, check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures["wall_ns"] / 1e3, figures["collector_ns"] / 1e3


def measure_collector_share(
    sizes: Sequence[int], repeats: int, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Per size: µs per task the recorder adds in all, in the collector, and outside it."""
    rows = []
    for tasks in sizes:
        added, in_collector, bare_collector = [], [], []
        for repeat in range(repeats):
            progress(f"collector share {repeat + 1}/{repeats}: {tasks:,} tasks")
            bare_wall, bare_gc = _measure(tasks, recorded=False)
            wall, collector = _measure(tasks, recorded=True)
            added.append((wall - bare_wall) / tasks)
            in_collector.append((collector - bare_gc) / tasks)
            bare_collector.append(bare_gc / tasks)
        total, collected = Spread.of(added), Spread.of(in_collector)
        rows.append(
            {
                "tasks": tasks,
                "added_us_per_task_median": round(total.median, 3),
                "added_in_collector_us_per_task_median": round(collected.median, 3),
                "added_outside_collector_us_per_task_median": round(
                    total.median - collected.median, 3
                ),
                "bare_asyncio_collector_us_per_task_median": round(
                    Spread.of(bare_collector).median, 3
                ),
            }
        )
    return rows


if __name__ == "__main__":
    _probe(int(sys.argv[1]), sys.argv[2] == "recorded")
