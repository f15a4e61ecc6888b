"""Chrome Trace Event JSON, for Perfetto (ui.perfetto.dev) and chrome://tracing.

Each run is a "process" in the trace (named after its strategy, its Python where the experiment
ran on several, and its repeat), each worker a "thread" lane within it, each task a complete
("X") event, and every logical CPU a counter track. Runs are laid one after another on the time
axis so they never overlap.
"""

from __future__ import annotations

import json
from typing import Any

from workbench.core.results import Results

_GAP_US = 100_000.0  # 0.1 s between consecutive runs in the trace


def _us(ns: int) -> float:
    return ns / 1_000


def to_chrome_trace(results: Results) -> str:
    events: list[dict[str, Any]] = []
    offset_us = 0.0
    several = results.several_interpreters
    for pid, run in enumerate(results.runs, start=1):
        on = f" on {run.interpreter_label}" if several else ""
        name = f"{run.strategy}{on} #{run.repeat_index + 1}"
        events.append({"ph": "M", "name": "process_name", "pid": pid, "args": {"name": name}})
        events.append(
            {"ph": "M", "name": "process_sort_index", "pid": pid, "args": {"sort_index": pid}}
        )
        lanes: dict[str, int] = {}
        for span in run.tasks:
            if span.worker not in lanes:
                lanes[span.worker] = tid = len(lanes) + 1
                events.append(
                    {
                        "ph": "M",
                        "name": "thread_name",
                        "pid": pid,
                        "tid": tid,
                        "args": {"name": span.worker},
                    }
                )
            args: dict[str, Any] = {"task": span.id, "ok": span.ok}
            if span.error:
                args["error"] = span.error
            events.append(
                {
                    "ph": "X",
                    "name": f"task {span.id}",
                    "cat": "task",
                    "pid": pid,
                    "tid": lanes[span.worker],
                    "ts": offset_us + _us(span.start_ns),
                    "dur": _us(span.duration_ns),
                    "args": args,
                }
            )
        for sample in run.cpu_samples:
            events.extend(
                {
                    "ph": "C",
                    "name": f"CPU {core} busy %",
                    "pid": pid,
                    "ts": offset_us + _us(sample.t_ns),
                    "args": {"busy": round(busy, 1)},
                }
                for core, busy in enumerate(sample.per_core)
            )
        end_ns = max([run.wall_ns, *(s.t_ns for s in run.cpu_samples)])
        offset_us += _us(end_ns) + _GAP_US
    return json.dumps({"traceEvents": events, "displayTimeUnit": "ms"})
