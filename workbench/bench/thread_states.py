"""What reading every thread's state costs a run: the engine with the sampler on and off.

The engine samples the run's threads from its own process (see workbench.core.run_threads);
the sampler's CPU is taken from the machine the run shares, so on a run that wants every
core it can slow the run down. Per reference case, pairs of engine runs with the sampler on
and off, in alternating order (off-on, on-off …) so drift in the machine's load hits both
alike, next to A/A pairs (off-off) that show the machine's own noise: a median on/off ratio
within the target says "yes", outside it "no" — unless the noise alone is larger than the
target, either way, which no median can see through ("inconclusive"). The sampler's own CPU
is what the runs themselves recorded (``thread_sampling.cpu_s``). Plus the sampler's CPU
following 2, 8 and 64 busy threads (workbench.bench.threadstates_cost).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

from workbench.bench.reference import CASES, run_engine_sync
from workbench.bench.threadstates_cost import TARGET_PERCENT, measure_sampler_cpu
from workbench.core.results import Run
from workbench.core.threadstates.sampler import procfs_available

NAMES = ("cpu-4-threads", "cpu-4-process-pool-2", "sleep-10000x0.5s-gather")


def verdict(ratio: float, noise: float) -> str:
    """ "inconclusive" when the A/A pairs alone move by more than the target (either way: a
    faster "on" says as little as a slower one), else within the target or not."""
    if abs(noise - 1) * 100 > TARGET_PERCENT:
        return "inconclusive"
    return "yes" if (ratio - 1) * 100 <= TARGET_PERCENT else "no"


def _wall(run: Run) -> float:
    return run.wall_ns / 1e9


def measure_thread_states_cost(
    pairs: int = 5,
    progress: Callable[[str], None] = print,
    names: tuple[str, ...] = NAMES,
    *,
    seconds: float = 3.0,
) -> dict[str, Any]:
    if not procfs_available():
        return {"skipped": "the thread-state figures need Linux's /proc"}
    rows = []
    for case in (case for case in CASES if case.name in names):
        on: list[float] = []
        off: list[float] = []
        same: list[float] = []
        cpu: list[float] = []
        intervals: list[float] = []
        for pair in range(pairs):
            progress(f"thread states on/off {pair + 1}/{pairs}: {case.name}")
            order = (False, True) if pair % 2 == 0 else (True, False)
            for sampled in order:
                run = run_engine_sync(case, thread_states=sampled)
                (on if sampled else off).append(_wall(run))
                if sampled and run.thread_sampling is not None:
                    cpu.append(run.thread_sampling.cpu_ns / max(1, run.wall_ns))
                    intervals.append(run.thread_sampling.interval_ns / 1e6)
            first = _wall(run_engine_sync(case, thread_states=False))
            same.append(_wall(run_engine_sync(case, thread_states=False)) / first)
        ratio = statistics.median(a / b for a, b in zip(on, off, strict=True))
        noise = statistics.median(same)
        sampler = statistics.median(cpu) * 100 if cpu else 0.0
        rows.append(
            {
                "name": case.name,
                "pairs": pairs,
                "wall_s_off_median": round(statistics.median(off), 4),
                "wall_s_on_median": round(statistics.median(on), 4),
                "ratio_median": round(ratio, 4),
                "aa_ratio_median": round(noise, 4),
                "sampler_cpu_percent_of_a_core": round(sampler, 2),
                "sampler_interval_ms_median": round(statistics.median(intervals), 2)
                if intervals
                else None,
                "most_taken_percent_of_machine": round(sampler / (os.cpu_count() or 1), 2),
                "target_percent": TARGET_PERCENT,
                "within_target": verdict(ratio, noise),
            }
        )
    progress("thread states: the sampler's CPU by threads followed")
    return {"engine": rows, "sampler_cpu": measure_sampler_cpu(seconds, progress)}


def to_markdown(figures: dict[str, Any]) -> list[str]:
    """The report's section (lines)."""
    if "skipped" in figures:
        return ["## Thread states", "", f"Skipped: {figures['skipped']}.", ""]
    lines = [
        f"## Thread states: the sampler on vs off (target ≤ {TARGET_PERCENT:g} %)",
        "",
        "Engine runs with the thread-state sampler on and off, in alternating pairs; A/A is",
        "off-off, the machine's own noise. The sampler's CPU is per second of the run, as the",
        "runs recorded it; over the cores, the most it can take from a run that wants them all.",
        "",
        "| case | pairs | wall s off | wall s on | on/off median | A/A median | sampler CPU "
        "% of a core | mean interval ms | most taken % | within target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['name']} | {r['pairs']} | {r['wall_s_off_median']:.3f} | "
        f"{r['wall_s_on_median']:.3f} | {r['ratio_median']:.3f} | {r['aa_ratio_median']:.3f} | "
        f"{r['sampler_cpu_percent_of_a_core']} | {r['sampler_interval_ms_median']} | "
        f"{r['most_taken_percent_of_machine']} | {r['within_target']} |"
        for r in figures["engine"]
    ]
    lines += [
        "",
        "The sampler's own CPU following a process of N threads that each alternate ~1 ms of",
        "work and ~1 ms of sleep: at its default budget (it reads less often as threads add",
        "up) and held at 1 ms (the price per thread).",
        "",
        "| threads | mode | sampler CPU, % of a core | mean interval ms | µs per tick |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['threads']} | {r['mode']} | {r['cpu_percent_of_a_core']} | "
        f"{r['mean_interval_ms']} | {r['us_per_tick']} |"
        for r in figures["sampler_cpu"]
    ]
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    """``python -m workbench.bench.thread_states [--pairs N]``: this section alone."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m workbench.bench.thread_states")
    parser.add_argument("--pairs", type=int, default=5, help="on/off pairs per case")
    args = parser.parse_args(argv)
    figures = measure_thread_states_cost(
        args.pairs, lambda text: print(f"bench: {text}", file=sys.stderr, flush=True)
    )
    print("\n".join(to_markdown(figures)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
