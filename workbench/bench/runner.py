"""``workbench bench``: run every benchmark section, print the markdown report, and write it
and the JSON figures only where ``--markdown`` and ``--out`` say (never into a checkout by
default: the committed docs/benchmarks.md changes only when asked to)."""

from __future__ import annotations

import datetime
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.bench.collector_share import measure_collector_share
from workbench.bench.fidelity import measure_fidelity
from workbench.bench.fidelity_parts import CPU_CASES, measure_fidelity_parts
from workbench.bench.http_instructions import measure_counted_http
from workbench.bench.inside import NAMES, measure_inside_overhead
from workbench.bench.instructions import measure_all
from workbench.bench.open_file import TASKS, measure_opening
from workbench.bench.overhead import (
    DEFAULT_LARGEST,
    SAMPLER_PAIRS,
    SAMPLER_TASKS,
    SIZES,
    measure_overhead,
    measure_sampler_share,
)
from workbench.bench.reference import CASES
from workbench.bench.report import to_markdown
from workbench.bench.scale import measure_scale
from workbench.bench.startup import measure_child_startup
from workbench.bench.task_instructions import measure_counted_overhead
from workbench.bench.thread_states import NAMES as STATE_CASES
from workbench.bench.thread_states import measure_thread_states_cost
from workbench.bench.tracer import measure_tracer, viztracer_available
from workbench.core.atomic import write_atomically
from workbench.core.machine import this_machine

COLLECTOR_SIZES = (1_000, 10_000, 100_000)
"""In-process, three interpreters a size: the curve's largest sizes would add minutes."""
FIDELITY_PAIRS = 11
"""Bare/workbench pairs per fidelity case, ~15 s a round of the seven cases here: with 7, two
runs of the bench gave sleep-10000 intervals that did not meet (1.005-1.019, 1.023-1.080)."""

CPU_FIDELITY_PAIRS = 33
"""The two CPU cases that run on more than one thread of execution, which take 0.5-1 s a run:
their pairs spread ±5-10 % (one fresh process to the next), so 11 pairs left intervals
~15 % wide; three times as many cost ~2 minutes."""

SPREAD_CASES = ("http-500x0.2s-gather",)
"""Cases given ``CPU_FIDELITY_PAIRS`` too: 500 HTTP requests through a local server spread
their pairs over 0.96-1.18 (11 pairs), and its intervals ran 0.93-1.10 and 0.97-1.06 in two
runs — too wide to tell 1.02 from 1.05; 33 pairs cost ~20 s."""

SHORT_FIDELITY_PAIRS = 99
SHORT_CASES = ("file-100x1MiB-thread-pool",)
"""Cases of ~20 ms a run: a fresh process alone moves one by ±20 % (pair ratios 0.83-1.45
over 11 pairs, intervals 0.88-1.31), so a 2 % target needs many pairs; 99 cost ~40 s."""

FIDELITY_PARTS_ROUNDS = 16
"""Rounds of the CPU cases taken apart: ~10 s a round of both here."""


def _more_pairs() -> dict[str, int]:
    """Pairs for the cases whose runs spread most, by name (the rest get ``FIDELITY_PAIRS``)."""
    return {
        **{case.name: CPU_FIDELITY_PAIRS for case in CPU_CASES},
        **dict.fromkeys(SPREAD_CASES, CPU_FIDELITY_PAIRS),
        **dict.fromkeys(SHORT_CASES, SHORT_FIDELITY_PAIRS),
    }


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run_bench(
    *, quick: bool = False, million: bool = False, overhead_up_to: int = DEFAULT_LARGEST
) -> dict[str, Any]:
    """Every section; ``quick`` trims repeats and sizes to a smoke test of the machinery;
    ``million`` adds the 1,000,000-task run (see :mod:`workbench.bench.million`); the per-task
    overhead curve goes up to ``overhead_up_to`` tasks."""
    started = time.perf_counter()
    cases = CASES[:1] if quick else CASES
    figures: dict[str, Any] = {
        "schema": "workbench.bench/1",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": asdict(this_machine()),
        "fidelity": measure_fidelity(
            1 if quick else FIDELITY_PAIRS,
            cases,
            _progress,
            more_pairs=None if quick else _more_pairs(),
        ),
        "overhead": measure_overhead(
            SIZES[:1] if quick else tuple(n for n in SIZES if n <= overhead_up_to),
            min_pairs=2 if quick else 5,
            progress=_progress,
        ),
    }
    figures["fidelity_parts"] = measure_fidelity_parts(
        2 if quick else FIDELITY_PARTS_ROUNDS, CPU_CASES[-1:] if quick else CPU_CASES, _progress
    )
    if not quick:  # minutes under valgrind, and exact: nothing a quick run needs to check
        figures["instructions"] = measure_all(_progress)
        largest = max(point["tasks"] for point in figures["overhead"])
        figures["overhead_counted"] = measure_counted_overhead(largest, _progress)
        figures["http_instructions"] = measure_counted_http(_progress)
    figures["sampler_share"] = measure_sampler_share(
        SIZES[0] if quick else SAMPLER_TASKS, 2 if quick else SAMPLER_PAIRS, _progress
    )
    figures["collector_share"] = measure_collector_share(
        SIZES[:1] if quick else COLLECTOR_SIZES, 1 if quick else 3, _progress
    )
    figures["inside"] = measure_inside_overhead(
        1 if quick else 5, _progress, NAMES[:1] if quick else NAMES
    )
    from workbench.bench.usercode import measure_user_code

    figures["usercode"] = measure_user_code(quick=quick, progress=_progress)
    figures["thread_states"] = measure_thread_states_cost(
        1 if quick else 5,
        _progress,
        STATE_CASES[:1] if quick else STATE_CASES,
        seconds=0.5 if quick else 3.0,
    )
    _progress("scale")
    figures["scale"] = measure_scale(1_000 if quick else 100_000)
    _progress("opening a big results file")
    figures["opening"] = measure_opening(5_000 if quick else TASKS)
    _progress("start-up")
    figures["startup"] = measure_child_startup(3 if quick else 10)
    if viztracer_available():
        figures["tracer"] = measure_tracer(1 if quick else 3, cases, _progress)
    else:
        _progress("VizTracer is not installed (pip install viztracer): tracer skipped")
    try:
        from workbench.bench.window import measure_window
    except ImportError as exc:  # the window's libraries are missing: say so, keep the rest
        _progress(f"window figures skipped: {exc}")
    else:
        figures.update(measure_window(quick=quick, progress=_progress))
    if million:
        from workbench.bench.million import measure_million

        figures["million"] = measure_million(_progress)
    figures["bench_wall_s"] = round(time.perf_counter() - started, 1)
    return figures


def main(
    out: Path | None,
    markdown: Path | None,
    *,
    quick: bool,
    million: bool = False,
    overhead_up_to: int = DEFAULT_LARGEST,
) -> int:
    figures = run_bench(quick=quick, million=million, overhead_up_to=overhead_up_to)
    if out is not None:
        write_atomically(out, json.dumps(figures, indent=2))
    text = to_markdown(figures)
    if markdown is not None:
        write_atomically(markdown, text + "\n")
    print(text)
    fidelity = [*figures["fidelity"], *figures["usercode"]["fidelity"]]
    missed = [f["name"] for f in fidelity if not f["within_target"]]
    if missed:
        _progress(f"fidelity outside target: {', '.join(missed)}")
    return 0
