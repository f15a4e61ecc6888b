"""Fidelity: the workbench's wall time over a bare script's, per reference experiment.

Bare and workbench runs alternate (bare, workbench, workbench, bare, …) so slow drifts in the
machine's load hit both sides alike. The figure is the workbench's median wall time over the
bare script's, with a 95 % interval bootstrapped from the pairs, and how busy the machine was
meanwhile (``/proc/stat``: a case outside the target on a busy machine says little).
Target: ratio ≤ 1.02 for every case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from workbench.bench.machine_load import load_since, machine_load
from workbench.bench.reference import CASES, Case, run_bare, run_engine
from workbench.bench.stats import Spread, median_ratio_interval
from workbench.core.httpserver_client import local_http_server

TARGET_RATIO = 1.02


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
