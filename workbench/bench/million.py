"""``workbench bench --million``: a 1,000,000-task gathered sleep, end to end — the engine's
and the run process's peak memory, the results file (bytes per task, save and load per
100,000 tasks), and the window holding it live and reopened (peak memory, timer lateness,
redraw). Opt-in: it takes a few minutes and a few GB of memory.

Each part runs in an interpreter of its own, so each peak-memory figure is that part's alone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from workbench.bench.probes import probe_json

MILLION = 1_000_000
TARGET_BYTES_PER_TASK = 40.0
TARGET_S_PER_100K = 1.0


def _window(tasks: int, progress: Callable[[str], None]) -> dict[str, Any]:
    try:
        import PySide6  # noqa: F401
    except ImportError as exc:
        progress(f"window figures skipped: {exc}")
        return {}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "results.wbr")
        progress(f"million: the window runs {tasks:,} tasks live")
        live = probe_json(
            "workbench.bench.window_big_probe", "live", str(tasks), path, timeout_s=1800
        )
        progress("million: a fresh window reopens them")
        reopened = probe_json("workbench.bench.window_big_probe", "open", path, timeout_s=1800)
    return {"window_live": live, "window_reopened": reopened}


def measure_million(
    progress: Callable[[str], None], tasks: int = MILLION, *, with_json: bool = True
) -> dict[str, Any]:
    progress(f"million: {tasks:,} gathered tasks, the engine and the results file")
    engine = probe_json(
        "workbench.bench.scale_probe",
        str(tasks),
        *([] if with_json else ["--no-json"]),
        timeout_s=1800,
    )
    engine["target_bytes_per_task"] = TARGET_BYTES_PER_TASK
    engine["target_s_per_100k"] = TARGET_S_PER_100K
    engine["file_within_target"] = (
        engine["wbr_bytes_per_task"] <= TARGET_BYTES_PER_TASK
        and engine["wbr_save_s_per_100k"] <= TARGET_S_PER_100K
        and engine["wbr_load_s_per_100k"] <= TARGET_S_PER_100K
    )
    return {"engine": engine, **_window(tasks, progress)}


def _rows(section: dict[str, Any]) -> list[str]:
    rows = [f"| {key} | {value} |" for key, value in section.items() if key != "tasks"]
    return ["| figure | value |", "| --- | --- |", *rows, ""]


def to_markdown(figures: dict[str, Any]) -> list[str]:
    """The section's lines: one table per part (engine and file, window live, reopened)."""
    lines = [f"## Scale: {figures['engine']['tasks']:,} gathered tasks (`--million`)", ""]
    titles = {
        "engine": "The engine (the CLI's process) and the results file, JSON and compact",
        "window_live": "The window running it live (its process holds the engine too)",
        "window_reopened": "A fresh window reopening the compact file",
    }
    for key, title in titles.items():
        if key in figures:
            lines += [f"{title}:", "", *_rows(figures[key])]
    return lines
