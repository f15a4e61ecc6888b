"""What the workbench's code costs a CPU-bound run, priced in one process: its spin and the run's
process's whole work against the bare script's spin, arms taking turns.

The fidelity table compares whole runs, each in a fresh process, and on a VM whose speed
drifts from second to second a 3 s run moves by more than the 2 % target from one process to
the next. What the workbench's code does at run time can be priced without either: here every
arm runs in this one process, in runs a tenth of a second long, in turn (the order reversed
every round), and each run is paired with the bare spin's run of the same round. A
byte-identical copy of the bare spin is the control: what the same bytecode costs placed
elsewhere in memory, which is the resolution of the method. What is left of the fidelity gap
beyond the last arm here is the run's being a process of its own.

The arms: the workbench's spin cuts the loop into chunks of
:data:`~workbench.core.workloads.compute._BEAT_EVERY` iterations and takes a heartbeat (the
time and the core) after each, for the inside-the-task view — the loop cut alone, the spin
outside a task, the spin in a recorded task, the same with sparser heartbeats; then the run's
process's whole work (:func:`workbench.core.child.run`: the threads strategy, its recorder, its
stream encoded and dropped) called here rather than in a process of its own, and the same
with recording inside tasks off (the tasks' loop uncut): the run's process less the
workbench's code inside the tasks.

A run starts ``threads`` threads, each spinning ``size`` iterations, and waits for them, as the
``cpu-4-threads`` case does: under the GIL the threads take turns every 5 ms, and there the
workbench's spin costs what it costs nowhere else (``--threads 1`` prices one thread alone).

``python -m workbench.bench.one_process [--threads N] [--rounds N] [--size N]`` prints the
table (about three minutes at the defaults); not part of ``workbench bench``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from workbench.bench.bare import cpu
from workbench.bench.fidelity_parts_probe import prepared
from workbench.bench.reference import CASES
from workbench.bench.stats import median_ratio_interval
from workbench.bench.tables import fmt, interval, table
from workbench.core.recording import Recorder
from workbench.core.workloads import compute

ROUNDS = 200
SIZE = 250_000
THREADS = 4
SPARSE = 4
"""The sparse arm beats this many times less often: the price of the view's resolution."""
THREADS_CASE = next(case for case in CASES if case.name == "cpu-4-threads")
"""The reference case whose run's process the run-process arms call, at this tool's size and
thread count."""

Spin = Callable[[int], object]
Task = Callable[[int], object]
"""One thread's work in a run, given its index."""
Run = Callable[[], int | None]
"""One run: its own ns when it has a clock of its own (the run's process), else ``None``."""
Arm = Callable[[int, int], Run]
"""An arm: the run for a size (iterations a thread) and a number of threads."""


def _copy_of(function: Spin) -> Spin:
    """A byte-identical copy of ``function``: its module compiled again from the same source,
    so that the copy's code and constants sit elsewhere in memory."""
    source = Path(sys.modules[function.__module__].__file__ or "").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "copy"}
    exec(compile(source, "copy", "exec"), namespace)
    copy: Spin = namespace[function.__name__]
    return copy


def in_threads(task: Task, threads: int) -> Run:
    """A run that starts ``threads`` threads, each running ``task`` with its index, and joins
    them (as the bare script does)."""

    def run() -> None:
        pool = [threading.Thread(target=task, args=(index,)) for index in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()

    return run


def _plain(spin: Spin) -> Arm:
    return lambda size, threads: in_threads(lambda index: spin(size), threads)


def _recorded(spin: Spin) -> Arm:
    """A run's tasks in one recorder with heartbeats on, as the run's process records them."""

    def arm(size: int, threads: int) -> Run:
        recorder = Recorder()

        def work(job: object, task_id: int) -> None:
            spin(size)

        return in_threads(lambda index: recorder.call(work, None, index), threads)

    return arm


def _run_process(inside: bool) -> Arm:
    """The run's process's whole work for the threads case, called in this process (with
    recording inside tasks, or without: the tasks' loop uncut); timed by the run's own
    clock, as the fidelity table reads it."""

    def arm(size: int, threads: int) -> Run:
        case = replace(THREADS_CASE, tasks=threads, params={"size": size})
        child = prepared(asdict(case), "child" if inside else "child-inside-off")
        return lambda: child()["wall_ns"]

    return arm


_EVERY = compute._BEAT_EVERY
ARMS: dict[str, tuple[str, Arm]] = {
    "bare-copy": (
        "the bare script's spin again, a byte-identical copy (the control)",
        _plain(_copy_of(cpu.spin)),
    ),
    "chunked": (
        f"the loop cut every {_EVERY:,} iterations, no heartbeat",
        _plain(lambda n: compute.spin(n, _EVERY, None)),
    ),
    "spin": (
        "the workbench's spin outside a task (its heartbeat records nothing)",
        _plain(compute.spin),
    ),
    "recorded": (
        f"the workbench's spin in a recorded task: time and core every {_EVERY:,} iterations",
        _recorded(compute.spin),
    ),
    "recorded-sparse": (
        f"the same, a heartbeat every {SPARSE * _EVERY:,} iterations",
        _recorded(lambda n: compute.spin(n, SPARSE * _EVERY)),
    ),
    "run-process": (
        "the run's process's whole work (strategy, recorder, stream), called here",
        _run_process(inside=True),
    ),
    "run-process-inside-off": (
        "the same, recording inside tasks off: the tasks' loop uncut, no heartbeats",
        _run_process(inside=False),
    ),
}


def timed_run(run: Run) -> int:
    """ns of one run: by its own clock where it has one, else from call to return."""
    started = time.perf_counter_ns()
    own = run()
    return own if own is not None else time.perf_counter_ns() - started


def measure_one_process(
    rounds: int = ROUNDS,
    size: int = SIZE,
    threads: int = THREADS,
    progress: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """One row per arm: its median run over the bare spin's, with a bootstrapped 95 %
    interval over the rounds' pairs."""
    names = ("bare", *ARMS)
    makers = {"bare": _plain(cpu.spin), **{arm: make for arm, (_, make) in ARMS.items()}}
    for name in names:  # warm each arm (its code specialised) before any is timed
        timed_run(makers[name](min(size, 20_000), 1))
    walls: dict[str, list[int]] = {name: [] for name in names}
    for round_ in range(rounds):
        if round_ % 20 == 0:
            progress(f"one process {round_ + 1}/{rounds}")
        for name in names if round_ % 2 == 0 else reversed(names):
            walls[name].append(timed_run(makers[name](size, threads)))
    rows = []
    for arm, (what, _) in ARMS.items():
        ratio = median_ratio_interval(walls[arm], walls["bare"])
        rows.append(
            {
                "arm": arm,
                "what": what,
                **ratio.as_dict("ratio", 3),
                "run_ms_median": round(statistics.median(walls[arm]) / 1e6, 1),
                "threads": threads,
                "size": size,
                "rounds": rounds,
            }
        )
    return rows


def to_markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The table: every arm's ratio to the bare spin, and how it was measured."""
    first = rows[0] if rows else {"threads": 0, "size": 0, "rounds": 0}
    lines = [
        "### What the workbench's code costs a CPU-bound run: one process, arms in turn",
        "",
        f"Runs of {first['threads']} thread{'s' if first['threads'] != 1 else ''} of "
        f"{first['size']:,} iterations each, every arm in one process in turn ({first['rounds']}",
        "rounds, the order reversed every round); each arm's median run over the bare spin's, 95 %",
        "interval bootstrapped over the rounds' pairs. The copy's row is the method's own",
        "resolution: the same bytecode, placed elsewhere in memory.",
        "",
    ]
    return lines + table(
        ["arm", "what it is", "ratio to bare", "95 % interval", "run ms"],
        [
            [
                r["arm"],
                r["what"],
                fmt(r["ratio"]),
                interval(r, "ratio", 3),
                f"{r['run_ms_median']:.1f}",
            ]
            for r in rows
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.one_process")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads a run")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="runs of every arm")
    parser.add_argument("--size", type=int, default=SIZE, help="iterations a thread")
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error("--rounds must be at least 2: an interval needs two pairs")
    if args.threads < 1 or args.size < 1:
        parser.error("--threads and --size must be at least 1")
    rows = measure_one_process(
        args.rounds, args.size, args.threads, lambda message: print(message, file=sys.stderr)
    )
    print("\n".join(to_markdown(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
