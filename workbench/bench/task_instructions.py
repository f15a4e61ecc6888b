"""The per-task overhead in instructions: counted, not timed.

The overhead curve (:mod:`workbench.bench.overhead`) times N gathered ``sleep(0)`` tasks in
CPU time, bare and through the engine; on a shared VM its intervals are a microsecond wide or
more, and the figure moves with the host's speed: the same code measured 1.62 µs a task at
1,000,000 tasks on one day and 2.60 µs on a host 1.2-2× slower the next. Counted under
valgrind's cachegrind, the instructions repeat from run to run: two counts of the same pair
differ by about 1 % at most. Each program runs at two
numbers of tasks; the difference over the tasks added is what one more task costs, with
start-up and imports cancelled out:

- **bare**: the bare script (``workbench/bench/bare/sleep_gather.py``), asyncio alone;
- **workbench**: the run's process's whole work (``workbench.core.child.run``: the
  async-gather strategy, its step clock, its recorder, its lag probe, its stream encoded and
  dropped) called in one process, as :mod:`workbench.bench.fidelity_parts_probe`'s ``child``
  arm does.

What the workbench adds a task, in instructions, is the part of the overhead that does not
depend on the host; what an instruction costs in time does. The work on a timer (the lag
probe every 10 ms, the stream every 50 ms) runs on valgrind's slowed clock, more often a task
than in a real run, yet it is next to nothing of a count: with both timers thirty times
slower, the count at 10,000 -> 30,000 tasks moved by under one instruction a task (a gathered
``sleep(0)`` runs in a few passes of the loop, and timers fire only between passes).

``python -m workbench.bench.task_instructions [--sizes 1000,2000 ...]`` prints the table and
where the added instructions go (about three minutes on 2 cores). ``workbench bench`` counts
the pairs of :data:`BENCH_PAIRS` up to its curve's largest size and gives each in time at the
host's pace (:func:`in_time`): the timed curve's intervals are a microsecond wide here, the
count's conversion a tenth of that.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from workbench.bench.instructions import (
    _LAUNCH,
    GROUPS,
    Counts,
    PerIteration,
    _to_stderr,
    count,
    counted_or_why,
    per_iteration,
    print_counted,
)
from workbench.bench.overhead import TARGET_US_PER_TASK, _case
from workbench.bench.tables import table

SIZE_PAIRS = ((1_000, 2_000), (10_000, 20_000), (50_000, 100_000))
"""Each pair's tasks: the smaller run's count is taken from the larger's."""
BENCH_PAIRS = ((1_000, 3_000), (10_000, 30_000), (100_000, 300_000), (500_000, 1_000_000))
"""The pairs ``workbench bench`` counts: each one's larger size is one of the timed curve's,
whose bare asyncio CPU a task gives the host's pace at that size."""
ARMS = ("bare", "workbench")
TOP_FUNCTIONS = 12


def task_argv(arm: str, tasks: int) -> list[str]:
    """``python <argv>`` running ``arm`` with ``tasks`` gathered ``sleep(0)`` tasks."""
    if arm == "bare":
        return ["-c", _LAUNCH, "workbench.bench.bare.sleep_gather", str(tasks), "2", "0"]
    fields = json.dumps(asdict(_case(tasks)))
    return ["-c", _LAUNCH, "workbench.bench.fidelity_parts_probe", fields, "child"]


def per_function(small: Counts, large: Counts, tasks: int) -> dict[tuple[str, str], float]:
    """What each (file, function) executed for each task the large run added."""
    return {key: (large.get(key, 0) - small.get(key, 0)) / tasks for key in set(small) | set(large)}


def added_functions(
    bare: Mapping[tuple[str, str], float],
    workbench: Mapping[tuple[str, str], float],
    top: int = TOP_FUNCTIONS,
) -> list[tuple[str, float]]:
    """The functions whose instructions a task the workbench adds most to, by name (their
    files' paths depend on where the interpreter was built)."""
    added: dict[str, float] = {}
    for key in set(bare) | set(workbench):
        added[key[1]] = added.get(key[1], 0.0) + workbench.get(key, 0.0) - bare.get(key, 0.0)
    ranked = sorted(added.items(), key=lambda item: item[1], reverse=True)
    return [(name, round(value, 1)) for name, value in ranked[:top]]


def row(small: int, large: int, bare: PerIteration, workbench: PerIteration) -> dict[str, Any]:
    """One pair of sizes: each program's instructions a task, and what the workbench adds."""
    return {
        "tasks": [small, large],
        "bare": round(bare.total, 1),
        "workbench": round(workbench.total, 1),
        "added": round(workbench.total - bare.total, 1),
        **{
            f"added_{group}": round(getattr(workbench, group) - getattr(bare, group), 1)
            for group in GROUPS
        },
        "ratio": round(workbench.total / bare.total, 4),
    }


def measure_task_instructions(
    pairs: Sequence[tuple[int, int]] = SIZE_PAIRS,
    progress: Callable[[str], None] = print,
    counter: Callable[[Sequence[str]], Counts] = count,
) -> dict[str, Any]:
    """The rows, one per pair of sizes, and the functions the workbench adds most to at the
    largest pair. Two programs are counted at a time: only the work on a timer depends on how
    fast they run, and it is next to nothing of a task's count."""
    runs = [(arm, tasks) for pair in pairs for tasks in pair for arm in ARMS]

    def counted(run: tuple[str, int]) -> Counts:
        progress(f"task instructions: {run[0]}, {run[1]:,} tasks")
        return counter(task_argv(*run))

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(runs, pool.map(counted, runs), strict=True))
    rows = []
    for small, large in pairs:
        cost = {
            arm: per_iteration(counts[(arm, small)], counts[(arm, large)], large - small)
            for arm in ARMS
        }
        rows.append(row(small, large, cost["bare"], cost["workbench"]))
    small, large = pairs[-1]
    functions = {
        arm: per_function(counts[(arm, small)], counts[(arm, large)], large - small) for arm in ARMS
    }
    return {"rows": rows, "functions": added_functions(functions["bare"], functions["workbench"])}


def bench_pairs(largest: int) -> tuple[tuple[int, int], ...]:
    """:data:`BENCH_PAIRS` up to the timed curve's ``largest`` size."""
    return tuple(pair for pair in BENCH_PAIRS if pair[1] <= largest)


def measure_counted_overhead(
    largest: int, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """The count at :func:`bench_pairs`, or why it was not made (valgrind missing)."""
    return counted_or_why(lambda: measure_task_instructions(bench_pairs(largest), progress))


def in_time(row: Mapping[str, Any], curve: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """What the workbench adds a task in ``row``, in µs at the host's pace: the time a bare
    asyncio instruction took, from the timed curve's bare CPU a task at the row's larger size
    over the count's bare instructions a task, with that bare time's 95 % interval. None if
    the curve has no such size.

    The pace is bare asyncio's own, and the added instructions need not keep it: the packing
    of words runs faster an instruction, the collector's walks slower. The bare CPU a task is
    the whole gather's over N, with ``asyncio.run``'s own start in it, so at the smallest size
    the pace is overstated a little (the figure errs high)."""
    timed = next((point for point in curve if point["tasks"] == row["tasks"][1]), None)
    if timed is None:
        return None
    bare_us = "bare_cpu_us_per_task"
    added = row["added"]
    us = {
        key: round(added * timed[f"{bare_us}{suffix}"] / row["bare"], 3)
        for key, suffix in (("us", ""), ("us_ci_low", "_ci_low"), ("us_ci_high", "_ci_high"))
    }
    return {
        "tasks": row["tasks"],
        "added": added,
        "ns_per_instruction": round(1_000 * timed[bare_us] / row["bare"], 4),
        **us,
        "within_target": us["us_ci_high"] <= TARGET_US_PER_TASK,
    }


def to_markdown(figures: Mapping[str, Any]) -> list[str]:
    rows = figures["rows"]
    lines = table(
        ["tasks", "bare", "workbench", "added", *(f"added: {g}" for g in GROUPS), "ratio"],
        [
            [
                f"{r['tasks'][0]:,} → {r['tasks'][1]:,}",
                f"{r['bare']:,.1f}",
                f"{r['workbench']:,.1f}",
                f"{r['added']:,.1f}",
                *(f"{r[f'added_{g}']:,.1f}" for g in GROUPS),
                f"{r['ratio']:.4f}",
            ]
            for r in rows
        ],
    )
    small, large = rows[-1]["tasks"]
    lines += [f"Where the added instructions go ({small:,} → {large:,} tasks):", ""]
    lines += table(
        ["function", "added a task"], [[name, f"{v:,.1f}"] for name, v in figures["functions"]]
    )
    return lines


def size_pair(unit: str) -> Callable[[str], tuple[int, int]]:
    """The ``--sizes`` parser of a counting command: ``SMALL,LARGE``, two numbers of
    ``unit`` (tasks, requests), the second the larger; anything else is one line naming it."""

    def parse(text: str) -> tuple[int, int]:
        parts = text.split(",")
        if len(parts) == 2 and all(part.strip().isdigit() for part in parts):
            small, large = int(parts[0]), int(parts[1])
            if 0 < small < large:
                return small, large
        raise argparse.ArgumentTypeError(
            f"{text!r}: give two numbers of {unit}, the second the larger, e.g. 1000,2000"
        )

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.task_instructions")
    parser.add_argument(
        "--sizes",
        type=size_pair("tasks"),
        nargs="+",
        default=list(SIZE_PAIRS),
        metavar="SMALL,LARGE",
        help="pairs of task counts (default: 1000,2000 10000,20000 50000,100000)",
    )
    args = parser.parse_args(argv)
    figures = counted_or_why(lambda: measure_task_instructions(args.sizes, _to_stderr))
    return print_counted("workbench.bench.task_instructions", figures, to_markdown)


if __name__ == "__main__":
    sys.exit(main())
