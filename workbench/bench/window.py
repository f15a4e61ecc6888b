"""The window's figures: responsiveness under the heaviest runs, redraw, memory, start-up.

Measured in a separate interpreter (:mod:`workbench.bench.window_probe`) with Qt's offscreen
platform unless a display is set, so Qt never loads into the benchmark's own process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import PySide6  # noqa: F401 - ImportError here tells the runner to skip the window figures

from workbench.bench.probes import probe_json

TARGET_LATENESS_P99_MS = 16.0
TARGET_REDRAW_MS = 100.0
TARGET_STARTUP_S = 1.5


def _probe(*args: str) -> dict[str, Any]:
    return probe_json("workbench.bench.window_probe", *args)


def _startup_s() -> float:
    launched = time.perf_counter_ns()
    painted = int(_probe("startup")["first_paint_ns"])
    return (painted - launched) / 1e9


def measure_window(*, quick: bool, progress: Callable[[str], None]) -> dict[str, Any]:
    progress("window: launch to first paint")
    startups = [_startup_s() for _ in range(1 if quick else 5)]
    progress("window: responsiveness under the heaviest runs")
    load = _probe("responsiveness", *(["--quick"] if quick else []))
    responsiveness: dict[str, Any] = {}
    for case in load["cases"]:
        # The whole experiment (click to outcome on screen) is what the target reads; the
        # run alone shows how much of the worst is the run's start and end.
        name, several = case["name"], case.get("experiments", 1) > 1
        pooled = f" ({case['experiments']} experiments, their ticks pooled)" if several else ""
        responsiveness[f"{name}: p99 ms{pooled}"] = case["lateness_ms_p99"]
        if several:
            each = ", ".join(f"{p99:.1f}" for p99 in case["lateness_ms_p99_each"])
            responsiveness[f"{name}: p99 ms of each experiment"] = each
        responsiveness[f"{name}: max ms"] = case["lateness_ms_max"]
        responsiveness[f"{name}: during the run, p99 ms"] = case["run_lateness_ms_p99"]
        responsiveness[f"{name}: during the run, max ms"] = case["run_lateness_ms_max"]
    # The target's case: the big gather (the cases before it show the other heavy runs).
    target_case = load["cases"][-1]
    responsiveness["target p99 ms (the gather, whole experiment)"] = TARGET_LATENESS_P99_MS
    responsiveness["within_target"] = target_case["lateness_ms_p99"] <= TARGET_LATENESS_P99_MS
    big = load["big_run"]
    window = {
        "launch_to_first_paint_s_median": round(statistics.median(startups), 3),
        "launch_target_s": TARGET_STARTUP_S,
        "launch_within_target": statistics.median(startups) <= TARGET_STARTUP_S,
        f"redraw_ms_{big['tasks']}_tasks": big["redraw_ms"],
        "redraw_target_ms": TARGET_REDRAW_MS,
        "redraw_within_target": big["redraw_ms"] <= TARGET_REDRAW_MS,
        "window_rss_mb_holding_result": big["window_rss_mb"],
        "window_rss_growth_mb": big["window_rss_growth_mb"],
    }
    return {"window": window, "responsiveness": responsiveness, "window_raw": load}
