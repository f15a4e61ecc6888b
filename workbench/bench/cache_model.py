"""The CPU cases' arms in a model of the caches and the branch predictor: misses per iteration.

The instruction counts (:mod:`workbench.bench.instructions`) leave most of the CPU cases' wall
gap unexplained: the run's process executes ~0.2 % more instructions an iteration than the bare
script's code does in the same process, yet takes 3-7 % longer. Same instructions, more time
means more cycles an instruction, and this guest has no hardware counters to say where they
go. Cachegrind can also *simulate* a cache hierarchy (first-level instruction and data caches,
a last-level cache, the machine's sizes) and a branch predictor, and count each arm's misses
the same repeatable way it counts instructions: what the model shows is not the cause; what
it does not show narrows the search to what it leaves out (a real predictor's history, the
order in which memory is touched beside other processes, the hardware the guest shares).

Each arm at the instruction count's two sizes; the difference over the iterations added, per
iteration, is what one iteration of the work misses in that arm. ``python -m
workbench.bench.cache_model [--case NAME]`` prints the table (about ten minutes: the model
makes valgrind two to three times slower). Not part of ``workbench bench``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workbench.bench.fidelity_parts import CPU_CASES
from workbench.bench.instructions import (
    IN_PROCESS_ARMS,
    SIZES,
    arm_argv,
    cachegrind_files,
    merged,
    valgrind,
)
from workbench.bench.reference import BenchError, Case

Events = Mapping[str, int]
"""A process tree's totals by cachegrind event name (``Ir``, ``D1mr``, ``Bcm``…)."""

MEASURES: dict[str, tuple[str, ...]] = {
    "instructions": ("Ir",),
    "instruction cache misses": ("I1mr",),
    "data cache misses": ("D1mr", "D1mw"),
    "last-level misses": ("ILmr", "DLmr", "DLmw"),
    "mispredicted branches": ("Bcm", "Bim"),
}
"""What the table shows, each the sum of cachegrind's events: first-level misses (reads and
writes), last-level misses (instructions and data), conditional and indirect mispredictions."""


def parse_summary(text: str) -> dict[str, int]:
    """A cachegrind out file's totals by event: its ``events:`` line names the columns of
    its ``summary:`` line."""
    names: list[str] = []
    for line in text.splitlines():
        if line.startswith("events:"):
            names = line.split()[1:]
        elif line.startswith("summary:"):
            return dict(zip(names, (int(value) for value in line.split()[1:]), strict=True))
    raise BenchError("a cachegrind file without its summary line")


def per_iteration(small: Events, large: Events, iterations: int) -> dict[str, float]:
    """Each measure of the iterations the large run did beyond the small one, per iteration."""
    return {
        measure: sum(large.get(name, 0) - small.get(name, 0) for name in names) / iterations
        for measure, names in MEASURES.items()
    }


def simulate(argv: Sequence[str]) -> dict[str, int]:
    """The totals of ``python <argv>`` and every process it forks, in cachegrind's model."""
    files = cachegrind_files(argv, "--cache-sim=yes", "--branch-sim=yes")
    return merged(parse_summary(text) for text in files)


def measure(
    cases: Sequence[Case] = CPU_CASES,
    sizes: tuple[int, int] = SIZES,
    progress: Callable[[str], None] = print,
    arms: Sequence[str] = IN_PROCESS_ARMS,
) -> list[dict[str, Any]]:
    """One row per case and arm (the bare script first): each measure per iteration."""
    small, large = sizes
    rows: list[dict[str, Any]] = []
    for case in cases:
        for arm in ("bare", *arms):
            progress(f"cache model: {case.name} {arm}")
            argv_at = functools.partial(arm_argv, case, arm)
            iterations = (large - small) * case.tasks
            costs = per_iteration(simulate(argv_at(small)), simulate(argv_at(large)), iterations)
            rows.append({"case": case.name, "arm": arm, **costs})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.cache_model")
    parser.add_argument(
        "--case",
        choices=[case.name for case in CPU_CASES],
        help="one of the two cases (default: both)",
    )
    args = parser.parse_args(argv)
    from workbench.bench.report import cache_model_markdown

    cases = tuple(case for case in CPU_CASES if args.case in (None, case.name))
    try:
        valgrind()
        rows = measure(cases, progress=lambda message: print(message, file=sys.stderr))
    except BenchError as error:
        print(f"workbench.bench.cache_model: {error}", file=sys.stderr)
        return 2
    print("\n".join(cache_model_markdown(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
