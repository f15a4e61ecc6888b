"""Where the per-task overhead goes at scale: the recording itself vs the cyclic collector.

A gather of N tasks keeps N coroutines and N tasks alive at once, CPython's collector walks
that whole live heap on each full collection, and that walk costs more per object as the heap
outgrows the CPU's caches, for bare asyncio as much as for the workbench. A recorder that
wraps each task's coroutine (:func:`~workbench.core.recording.stepped`, which async-gather
used until the step clock) adds one more live object per task, so it adds to the walk; the
step clock (:class:`~workbench.core.step_clock.StepClock`) adds none.

This splits the cost: the same gather of N × sleep(0) bare, with the step clock and with the
wrapper, each in a fresh interpreter with the same modules imported, in CPU time, timing every
collection through ``gc.callbacks``. What is left once collector time is taken out is the
recording's own cost. Run as ``python -m workbench.bench.collector_share N bare|clock|wrapper``
it prints one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from workbench.bench.stats import Spread

PROBE = [sys.executable, "-m", "workbench.bench.collector_share"]


def _probe(tasks: int, mode: str) -> None:
    import asyncio
    import gc
    import time

    from workbench.core.recording import Recorder, stepped
    from workbench.core.step_clock import StepClock

    recorder = Recorder()
    paused = [0, 0]  # total ns in collections, start of the current one

    def on_collection(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            paused[1] = time.process_time_ns()
        else:
            paused[0] += time.process_time_ns() - paused[1]

    async def task() -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        if mode == "wrapper":
            await asyncio.gather(*(stepped(recorder, task(), i) for i in range(tasks)))
        elif mode == "clock":
            with StepClock(recorder) as clock:
                started = clock.start(task() for _ in range(tasks))
                await asyncio.gather(*started, return_exceptions=True)
        else:
            await asyncio.gather(*(task() for _ in range(tasks)))

    gc.callbacks.append(on_collection)
    began = time.process_time_ns()
    asyncio.run(main())
    cpu = time.process_time_ns() - began
    print(json.dumps({"cpu_ns": cpu, "collector_ns": paused[0]}))


def _measure(tasks: int, mode: str) -> tuple[float, float]:
    """(CPU µs, of which in the collector) of one gather in a fresh interpreter."""
    proc = subprocess.run([*PROBE, str(tasks), mode], capture_output=True, text=True, check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures["cpu_ns"] / 1e3, figures["collector_ns"] / 1e3


def measure_collector_share(
    sizes: Sequence[int], repeats: int, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Per size: µs of CPU per task the step clock adds in all, in the collector and outside
    it; the same for the wrapper it replaced; and bare asyncio's own collector time."""
    rows = []
    for tasks in sizes:
        added: dict[str, list[float]] = {"clock": [], "wrapper": []}
        in_collector: dict[str, list[float]] = {"clock": [], "wrapper": []}
        bare_collector: list[float] = []
        bare_total: list[float] = []
        for repeat in range(repeats):
            progress(f"collector share {repeat + 1}/{repeats}: {tasks:,} tasks")
            bare_cpu, bare_gc = _measure(tasks, "bare")
            bare_collector.append(bare_gc / tasks)
            bare_total.append(bare_cpu / tasks)
            for mode in ("clock", "wrapper"):
                cpu, collector = _measure(tasks, mode)
                added[mode].append((cpu - bare_cpu) / tasks)
                in_collector[mode].append((collector - bare_gc) / tasks)
        row: dict[str, Any] = {"tasks": tasks}
        for mode, prefix in (("clock", "added"), ("wrapper", "wrapper_added")):
            total = Spread.of(added[mode]).median
            collected = Spread.of(in_collector[mode]).median
            row[f"{prefix}_us_per_task_median"] = round(total, 3)
            row[f"{prefix}_in_collector_us_per_task_median"] = round(collected, 3)
            row[f"{prefix}_outside_collector_us_per_task_median"] = round(total - collected, 3)
        row["bare_asyncio_collector_us_per_task_median"] = round(
            Spread.of(bare_collector).median, 3
        )
        row["bare_asyncio_cpu_us_per_task_median"] = round(Spread.of(bare_total).median, 3)
        rows.append(row)
    return rows


if __name__ == "__main__":
    _probe(int(sys.argv[1]), sys.argv[2])
