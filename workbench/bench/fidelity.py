"""Fidelity: the workbench's wall time over a bare script's, per reference experiment.

Bare and workbench runs alternate (bare, workbench, bare, …) so slow drifts in the
machine's load hit both sides alike. Target: ratio ≤ 1.05 for every case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from workbench.bench.reference import CASES, Case, run_bare, run_engine
from workbench.bench.stats import Spread
from workbench.core.httpserver_client import local_http_server

TARGET_RATIO = 1.05


async def _measure(
    cases: tuple[Case, ...], repeats: int, progress: Callable[[str], None]
) -> list[dict[str, Any]]:
    bare: dict[str, list[float]] = {c.name: [] for c in cases}
    engine: dict[str, list[float]] = {c.name: [] for c in cases}
    loop = asyncio.get_running_loop()
    async with local_http_server() as url:
        for repeat in range(repeats):
            for case in cases:
                progress(f"fidelity {repeat + 1}/{repeats}: {case.name}")
                command = case.bare_command(url)
                bare[case.name].append(await loop.run_in_executor(None, run_bare, command))
                run = await run_engine(case, url)
                engine[case.name].append(run.wall_ns / 1e9)
    figures = []
    for case in cases:
        ratios = [w / b for w, b in zip(engine[case.name], bare[case.name], strict=True)]
        spread = Spread.of(ratios)
        figures.append(
            {
                "name": case.name,
                **spread.as_dict("ratio"),
                **Spread.of(bare[case.name]).as_dict("bare_wall_s"),
                **Spread.of(engine[case.name]).as_dict("workbench_wall_s"),
                "repeats": repeats,
                "target": TARGET_RATIO,
                "within_target": spread.median <= TARGET_RATIO,
            }
        )
    return figures


def measure_fidelity(
    repeats: int = 5, cases: tuple[Case, ...] = CASES, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    return asyncio.run(_measure(cases, repeats, progress))
