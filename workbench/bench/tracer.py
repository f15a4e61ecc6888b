"""Against a tracer: the same reference experiments recorded by VizTracer instead.

VizTracer (a benchmark-only extra: ``pip install viztracer``) records every function entry
and exit; the workbench records two timestamps per task. The tracer's overhead ratio
(traced / bare wall time) is set beside the workbench's from the fidelity figures.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from workbench.bench.reference import CASES, Case, run_bare
from workbench.bench.stats import Spread
from workbench.core.httpserver_client import local_http_server


def viztracer_available() -> bool:
    return importlib.util.find_spec("viztracer") is not None


async def _measure(
    cases: tuple[Case, ...], repeats: int, progress: Callable[[str], None]
) -> list[dict[str, Any]]:
    loop = asyncio.get_running_loop()
    figures = []
    async with local_http_server() as url:
        for case in cases:
            ratios = []
            for repeat in range(repeats):
                progress(f"tracer {repeat + 1}/{repeats}: {case.name}")
                command = case.bare_command(url)
                bare = await loop.run_in_executor(None, run_bare, command)
                with tempfile.TemporaryDirectory() as folder:
                    traced_command = [
                        sys.executable,
                        "-m",
                        "viztracer",
                        "--quiet",
                        "-o",
                        os.path.join(folder, "trace.json"),
                        *command[1:],
                    ]
                    traced = await loop.run_in_executor(None, run_bare, traced_command)
                ratios.append(traced / bare)
            figures.append({"name": case.name, **Spread.of(ratios).as_dict("tracer_ratio")})
    return figures


def measure_tracer(
    repeats: int = 3, cases: tuple[Case, ...] = CASES, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    return asyncio.run(_measure(cases, repeats, progress))
