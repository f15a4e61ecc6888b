"""What the thread-state sampler costs: its own CPU, and its effect on what it measures.

Three figures:

- **reading a thread**: one reading (``schedstat`` + ``syscall``) with the files kept open
  and re-read by ``pread``, against opening, reading and closing them each time;
- **the sampler's own CPU** per second of sampling, following a process with 2, 8 and 64
  threads that each alternate ~1 ms of pure-Python work and ~1 ms of sleep — at its default
  budget (it slows down with many threads) and held at 1 ms to show the price per thread;
- **fidelity**: a CPU-bound bare script's own wall time with the sampler following it and
  without, in pairs of alternating order (off-on, on-off …) so drift in the machine's load
  hits both alike; the median of the on/off ratios, next to A/A pairs (the script twice,
  no sampler) that show the machine's own noise. The process pool keeps both cores busy:
  the worst case, where every cycle the sampler takes is a cycle the measured code lacks.

``python3 -m workbench.bench.threadstates_cost [--quick] [--out figures.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.bench.reference import CASES, Case, run_bare
from workbench.core.threadstates import ThreadStateSampler
from workbench.core.threadstates.sampler import procfs_available

THREAD_COUNTS = (2, 8, 64)
FIDELITY_CASES = ("cpu-4-threads", "cpu-4-process-pool-2")
TARGET_PERCENT = 1.0

_BUSY_THREADS = """
import sys, threading, time
stop = threading.Event()
def work():
    while not stop.is_set():
        end = time.perf_counter() + 0.001
        while time.perf_counter() < end:
            pass
        time.sleep(0.001)
threads = [threading.Thread(target=work) for _ in range(int(sys.argv[1]) - 1)]
for thread in threads:
    thread.start()
print("ready", flush=True)
sys.stdin.read()
stop.set()
"""
"""A process of N threads (the main one waiting on stdin): no workbench code."""


def _progress(message: str) -> None:
    print(f"threadstates: {message}", file=sys.stderr, flush=True)


def measure_reading(repeats: int = 20_000) -> dict[str, float]:
    """µs per reading of one (sleeping) thread of this process: pread vs open/read/close."""
    import threading

    asleep = threading.Event()
    thread = threading.Thread(target=asleep.wait, daemon=True)
    thread.start()
    base = f"/proc/{os.getpid()}/task/{thread.native_id}/"
    paths = [base + "schedstat", base + "syscall"]
    started = time.perf_counter_ns()
    for _ in range(repeats):
        for path in paths:
            fd = os.open(path, os.O_RDONLY)
            os.read(fd, 128)
            os.close(fd)
    reopening = (time.perf_counter_ns() - started) / repeats / 1000
    fds = [os.open(path, os.O_RDONLY) for path in paths]
    started = time.perf_counter_ns()
    for _ in range(repeats):
        for fd in fds:
            os.pread(fd, 128, 0)
    kept_open = (time.perf_counter_ns() - started) / repeats / 1000
    for fd in fds:
        os.close(fd)
    asleep.set()
    return {"open_read_close_us": round(reopening, 2), "pread_us": round(kept_open, 2)}


def _sampler_cost(threads: int, seconds: float, budget: float | None) -> dict[str, Any]:
    with subprocess.Popen(
        [sys.executable, "-c", _BUSY_THREADS, str(threads)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the thread probe did not start")
        if budget is None:
            sampler = ThreadStateSampler(proc.pid)
        else:
            sampler = ThreadStateSampler(proc.pid, cpu_budget=budget, saturated_cpu_budget=budget)
        sampler.start()
        time.sleep(seconds)  # sampling for a fixed stretch is the measurement itself
        timelines = sampler.stop()
        proc.stdin.close()
        proc.wait(timeout=30)
    cost = sampler.cost
    return {
        "threads": threads,
        "seen": len(timelines),
        "cpu_percent_of_a_core": round(cost.cpu_share * 100, 2),
        "mean_interval_ms": round(cost.mean_interval_ns / 1e6, 2),
        "us_per_tick": round(cost.cpu_ns / cost.ticks / 1000, 1) if cost.ticks else None,
    }


def measure_sampler_cpu(
    seconds: float = 3.0, progress: Callable[[str], None] = _progress
) -> list[dict[str, Any]]:
    rows = []
    for threads in THREAD_COUNTS:
        for label, budget in (("adaptive", None), ("every 1 ms", 1.0)):
            progress(f"sampler CPU: {threads} threads, {label}")
            rows.append({"mode": label, **_sampler_cost(threads, seconds, budget)})
    return rows


def _run_bare_sampled(case: Case) -> tuple[float, float]:
    """The bare script's own wall time, with the sampler following it; and the sampler's
    CPU share while it did."""
    proc = subprocess.Popen(case.bare_command(None), stdout=subprocess.PIPE, text=True)
    sampler = ThreadStateSampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{case.name} failed")
    return float(json.loads(out.strip().splitlines()[-1])["wall_s"]), sampler.cost.cpu_share


def _verdict(ratio: float, noise: float) -> str:
    """Within target, or not — unless the machine's own noise (the A/A pairs: the same
    run twice, no sampler) is larger than the target, which no median can see through."""
    if (ratio - 1) * 100 <= TARGET_PERCENT:
        return "yes"
    if abs(noise - 1) * 100 > TARGET_PERCENT:
        return "inconclusive"
    return "no"


def measure_fidelity_effect(
    pairs: int = 5, progress: Callable[[str], None] = _progress
) -> list[dict[str, Any]]:
    """Per case, ``pairs`` on/off pairs in alternating order (off-on, on-off …, so neither
    always comes second), and as many A/A pairs (off-off) for the noise floor."""
    rows = []
    for case in (case for case in CASES if case.name in FIDELITY_CASES):
        off: list[float] = []
        on: list[float] = []
        same: list[float] = []
        shares: list[float] = []
        for pair in range(pairs):
            progress(f"fidelity {pair + 1}/{pairs}: {case.name}")
            if pair % 2:
                (wall, cpu_share), without = _run_bare_sampled(case), _run_bare(case)
            else:
                without, (wall, cpu_share) = _run_bare(case), _run_bare_sampled(case)
            off.append(without)
            on.append(wall)
            shares.append(cpu_share)
            first, second = _run_bare(case), _run_bare(case)
            same.append(second / first)
        ratios = [with_ / without for with_, without in zip(on, off, strict=True)]
        ratio, noise = statistics.median(ratios), statistics.median(same)
        sampler_percent = statistics.median(shares) * 100
        rows.append(
            {
                "name": case.name,
                "pairs": pairs,
                "wall_s_off_median": round(statistics.median(off), 4),
                "wall_s_on_median": round(statistics.median(on), 4),
                "ratio_median": round(ratio, 4),
                "ratio_min": round(min(ratios), 4),
                "ratio_max": round(max(ratios), 4),
                "aa_ratio_median": round(noise, 4),
                "aa_ratio_min": round(min(same), 4),
                "aa_ratio_max": round(max(same), 4),
                "sampler_cpu_percent": round(sampler_percent, 2),
                "most_taken_percent_of_machine": round(sampler_percent / (os.cpu_count() or 1), 2),
                "target_percent": TARGET_PERCENT,
                "within_target": _verdict(ratio, noise),
            }
        )
    return rows


def _run_bare(case: Case) -> float:
    return run_bare(case.bare_command(None))


def measure_threadstates_cost(
    *, quick: bool = False, progress: Callable[[str], None] = _progress
) -> dict[str, Any]:
    """Every figure; ``quick`` shortens them to a smoke test of the machinery."""
    if not procfs_available():
        return {"skipped": "the thread-state sampler's /proc figures need Linux"}
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {
        "reading": measure_reading(2_000 if quick else 20_000),
        "sampler_cpu": measure_sampler_cpu(0.5 if quick else 3.0, progress),
        "fidelity": measure_fidelity_effect(1 if quick else 7, progress),
    }
    # other work on the machine moves every figure here: say how much there was
    figures["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return figures


def to_markdown(figures: dict[str, Any]) -> str:
    if "skipped" in figures:
        return f"Thread-state sampler: skipped ({figures['skipped']})."
    reading = figures["reading"]
    before, after = figures["load_average_1min"]
    lines = [
        "## The thread-state sampler's cost",
        "",
        f"Load average (1 min) on this machine: {before} before, {after} after; "
        f"{os.cpu_count()} logical CPUs.",
        "",
        f"One reading of a thread (schedstat + syscall): {reading['pread_us']} µs with the "
        f"files kept open (pread), {reading['open_read_close_us']} µs opening them each time.",
        "",
        "| threads | mode | sampler CPU, % of a core | mean interval ms | µs per tick |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {row['threads']} | {row['mode']} | {row['cpu_percent_of_a_core']} | "
        f"{row['mean_interval_ms']} | {row['us_per_tick']} |"
        for row in figures["sampler_cpu"]
    ]
    lines += [
        "",
        "Wall time of a CPU-bound bare script with the sampler following it / without "
        "(on/off), in alternating order; A/A is the same script twice without it: the "
        "machine's own noise. The sampler's CPU over the cores is the most it can take "
        "from a run that keeps every core busy.",
        "",
        "| case | pairs | wall s off | wall s on | on/off median | min | max | A/A median "
        "| A/A min | A/A max | sampler CPU % of a core | most taken % | within 1 % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {row['name']} | {row['pairs']} | {row['wall_s_off_median']} | "
        f"{row['wall_s_on_median']} | {row['ratio_median']:.3f} | {row['ratio_min']:.3f} | "
        f"{row['ratio_max']:.3f} | {row['aa_ratio_median']:.3f} | {row['aa_ratio_min']:.3f} | "
        f"{row['aa_ratio_max']:.3f} | {row['sampler_cpu_percent']} | "
        f"{row['most_taken_percent_of_machine']} | {row['within_target']} |"
        for row in figures["fidelity"]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.threadstates_cost")
    parser.add_argument("--quick", action="store_true", help="a short smoke test")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    figures = measure_threadstates_cost(quick=args.quick)
    if args.out is not None:
        args.out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(to_markdown(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
