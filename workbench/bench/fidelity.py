"""Fidelity: the workbench's wall time over a bare script's, per reference experiment.

Bare and workbench runs alternate (bare, workbench, workbench, bare, …) so slow drifts in the
machine's load hit both sides alike. The figure is the workbench's median wall time over the
bare script's, with a 95 % interval bootstrapped from the pairs, and how busy the machine was
meanwhile (``/proc/stat``: a case outside the target on a busy machine says little).
Target: ratio ≤ 1.02 for every case.

Part of ``workbench bench``; alone, ``python -m workbench.bench.fidelity [--case NAME …]
[--pairs N]`` prints the table for the cases named (two CPU cases at 30 pairs: about seven
minutes here). Cases in one set are measured under the same conditions, so they compare with
each other: the sequential CPU case, run by the same child, launch and engine as the threads
case, prices what those alone cost.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workbench.bench.machine_load import load_since, machine_load
from workbench.bench.reference import CASES, Case, run_bare, run_engine
from workbench.bench.stats import Spread, median_ratio_interval
from workbench.core.httpserver_client import local_http_server

TARGET_RATIO = 1.02
PAIRS = 20
"""Pairs a case when run alone: enough for an interval of a few per cent on a quiet machine."""


async def _measure(
    cases: tuple[Case, ...], pairs: Mapping[str, int], progress: Callable[[str], None]
) -> list[dict[str, Any]]:
    bare: dict[str, list[float]] = {c.name: [] for c in cases}
    engine: dict[str, list[float]] = {c.name: [] for c in cases}
    loop = asyncio.get_running_loop()
    load_before = machine_load()
    async with local_http_server() as url:
        for repeat in range(max(pairs.values())):
            for case in (c for c in cases if repeat < pairs[c.name]):
                progress(f"fidelity {repeat + 1}/{pairs[case.name]}: {case.name}")
                command = case.bare_command(url)
                if repeat % 2:  # every other pair the other way round: no side always first
                    engine[case.name].append((await run_engine(case, url)).wall_ns / 1e9)
                bare[case.name].append(await loop.run_in_executor(None, run_bare, command))
                if not repeat % 2:
                    engine[case.name].append((await run_engine(case, url)).wall_ns / 1e9)
    load = load_since(load_before)
    figures = []
    for case in cases:
        repeats = pairs[case.name]
        ratios = [w / b for w, b in zip(engine[case.name], bare[case.name], strict=True)]
        spread = Spread.of(ratios)
        of_medians = (
            median_ratio_interval(engine[case.name], bare[case.name]) if repeats > 1 else None
        )
        figures.append(
            {
                "name": case.name,
                **spread.as_dict("ratio"),
                **(of_medians.as_dict("ratio_of_medians") if of_medians else {}),
                **Spread.of(bare[case.name]).as_dict("bare_wall_s"),
                **Spread.of(engine[case.name]).as_dict("workbench_wall_s"),
                "repeats": repeats,
                "target": TARGET_RATIO,
                "within_target": (of_medians.estimate if of_medians else spread.median)
                <= TARGET_RATIO,
                "machine": load,
            }
        )
    return figures


def measure_fidelity(
    repeats: int = 5,
    cases: tuple[Case, ...] = CASES,
    progress: Callable[[str], None] = print,
    more_pairs: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """``repeats`` pairs a case, or as many as ``more_pairs`` gives a case by its name: a
    short case whose pairs spread widely needs more of them for the same interval, and
    they cost little."""
    pairs = {case.name: (more_pairs or {}).get(case.name, repeats) for case in cases}
    return asyncio.run(_measure(cases, pairs, progress))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.fidelity")
    parser.add_argument(
        "--case",
        action="append",
        choices=[case.name for case in CASES],
        help="a reference case; give it again for more (default: every case)",
    )
    parser.add_argument("--pairs", type=int, default=PAIRS, help="bare and workbench pairs a case")
    args = parser.parse_args(argv)
    if args.pairs < 2:
        parser.error("--pairs must be at least 2: an interval needs two pairs")
    cases = tuple(case for case in CASES if not args.case or case.name in args.case)
    from workbench.bench.report import fidelity_markdown

    rows = measure_fidelity(args.pairs, cases, lambda message: print(message, file=sys.stderr))
    print("\n".join(fidelity_markdown(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
