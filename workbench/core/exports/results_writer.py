"""Results → the results file's text: plain data, then JSON encoded a chunk at a time (see
:func:`to_json`), so writing a 100,000-task file never holds the GIL for long."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from workbench.core.clock import to_seconds
from workbench.core.exports.threads_io import (
    run_record,
    task_state_adder,
)
from workbench.core.results import (
    SCHEMA,
    Cluster,
    Results,
    Run,
    RunInterpreter,
    TaskSpan,
)
from workbench.core.summary import summarize
from workbench.core.usercode.model import UserCode


def _seconds(ns: int | None) -> float | None:
    return None if ns is None else round(to_seconds(ns), 9)


def _span(span: TaskSpan) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": span.id,
        "start_s": _seconds(span.start_ns),
        "end_s": _seconds(span.end_ns),
        "worker": span.worker,
        "ok": span.ok,
        "error": span.error,
        "running": [[_seconds(a), _seconds(b)] for a, b in span.running],
    }
    if span.cores:
        record["cores"] = list(span.cores)
    if span.attempt_of is not None:
        record["attempt_of"] = span.attempt_of
    if span.traceback is not None:
        record["traceback"] = span.traceback
    return record


class _Spans:
    """A run's tasks, turned into JSON a chunk at a time by :func:`_encode`."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.spans = run.tasks
        self.add_states: Callable[[dict[str, Any]], None] | None = None
        """Worked out at the first chunk: the compact file never writes tasks as records."""

    def records(self, spans: Sequence[TaskSpan]) -> list[dict[str, Any]]:
        if self.add_states is None:
            self.add_states = task_state_adder(self.run)
        records = [_span(span) for span in spans]
        for record in records:
            self.add_states(record)
        return records


def _cluster(cluster: Cluster) -> dict[str, Any]:
    return {
        "scheduler": cluster.scheduler,
        "local": cluster.local,
        "workers": [
            {
                "label": w.label,
                "address": w.address,
                "host": w.host,
                "pid": w.pid,
                "clock_offset_s": _seconds(w.clock_offset_ns),
                "clock_uncertainty_s": _seconds(w.clock_uncertainty_ns),
                "shared_clock": w.shared_clock,
            }
            for w in cluster.workers
        ],
    }


def _interpreter(interpreter: RunInterpreter) -> dict[str, Any]:
    return asdict(interpreter)


def _run(run: Run, *, lazy: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "strategy": run.strategy,
        "repeat_index": run.repeat_index,
        "ok": run.ok,
        "error": run.error,
        "wall_s": _seconds(run.wall_ns),
        "cpu_s": _seconds(run.cpu_ns),
        "startup_s": _seconds(run.startup_ns),
        "tasks": _Spans(run) if lazy else _Spans(run).records(run.tasks),
        "cpu_samples": [
            {"t_s": _seconds(s.t_ns), "per_core": list(s.per_core)} for s in run.cpu_samples
        ],
        "loop_lag": [{"t_s": _seconds(s.t_ns), "lag_s": _seconds(s.lag_ns)} for s in run.loop_lag],
        **run_record(run),
        **_tree_figures(run),
    }
    if run.cluster is not None:
        record["cluster"] = _cluster(run.cluster)
        record["worker_cpu"] = [
            {"t_s": _seconds(s.t_ns), "worker": s.worker, "cpu": s.percent} for s in run.worker_cpu
        ]
    if run.output_bytes:
        record.update(
            output=run.output, output_bytes=run.output_bytes, output_truncated=run.output_truncated
        )
    if run.traceback is not None:
        record["traceback"] = run.traceback
    if run.interpreter is not None:
        record["interpreter"] = _interpreter(run.interpreter)
    return record


def _tree_figures(run: Run) -> dict[str, Any]:
    """The optional ``interference`` and ``peak_memory`` of a run (absent when unknown)."""
    figures: dict[str, Any] = {}
    if run.interference is not None:
        figures["interference"] = asdict(run.interference)
    if run.peak_memory is not None:
        figures["peak_memory"] = asdict(run.peak_memory)
    return figures


def _code(code: UserCode) -> dict[str, Any]:
    return {
        "path": code.path,
        "label": code.label,
        "sha256": code.sha256,
        "functions": [
            {"name": f.name, "async": f.is_async, "index": f.takes_index} for f in code.functions
        ],
        "kwargs": dict(code.kwargs),
        "setup": code.has_setup,
        "source": code.source,
    }


def to_dict(results: Results, *, lazy: bool = False) -> dict[str, Any]:
    """The results file as plain data (``lazy``: the task spans left for :func:`_encode`)."""
    config = results.config
    return {
        "schema": SCHEMA,
        "interrupted": results.interrupted,
        "machine": asdict(results.machine),
        "config": {
            "workload": config.workload,
            "params": dict(config.params),
            "tasks": config.tasks,
            "workers": config.workers,
            "repeat": config.repeat,
            "strategies": list(config.strategies),
            **({} if config.scheduler is None else {"scheduler": config.scheduler}),
            **({"code": _code(config.code)} if config.code is not None else {}),
            **(
                {"interpreters": [_interpreter(i) for i in config.interpreters]}
                if config.interpreters
                else {}
            ),
        },
        "runs": [_run(run, lazy=lazy) for run in results.runs],
        "summary": [
            {
                "strategy": s.strategy,
                **({"interpreter": s.interpreter} if s.interpreter else {}),
                "wall_s_median": _seconds(s.wall_ns_median),
                "wall_s_min": _seconds(s.wall_ns_min),
                "wall_s_max": _seconds(s.wall_ns_max),
                "speedup": None if s.speedup is None else round(s.speedup, 4),
                "cpu_s_median": _seconds(s.cpu_ns_median),
                "startup_s_median": _seconds(s.startup_ns_median),
                "failed_runs": s.failed_runs,
                "failed_tasks": s.failed_tasks,
            }
            for s in summarize(results)
        ],
    }


ENCODE_CHUNK = 1_000
"""Task spans turned into dicts and encoded per call to the C encoder (see :func:`to_json`)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _encode(value: Any) -> str:
    """``json.dumps(value, separators=(",", ":"))``, character for character, in short steps.

    Why not one call: the C encoder holds the GIL for the whole of it, and a 100,000-task
    file's dicts — millions of objects alive at once — make the collector walk them all in
    full collections. Either stalled every other thread (the window's, while the history
    records on a worker) for most of a second. So task spans become dicts a chunk at a time,
    each chunk encoded in one short call and dropped before the next.
    """
    if isinstance(value, _Spans):
        return _chunked(value.spans, value.records)
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return "{" + ",".join(f"{_dumps(k)}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list) and any(_holds_spans(item) for item in value):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    if isinstance(value, list) and len(value) > ENCODE_CHUNK:  # loop-lag samples, say
        return _chunked(value, list)
    return _dumps(value)


def _holds_spans(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(v, _Spans) for v in value.values())


def _chunked(items: Sequence[Any], as_data: Callable[[Sequence[Any]], list[Any]]) -> str:
    """A JSON array of ``items``, ``ENCODE_CHUNK`` of them made data and encoded at a time."""
    chunks = (items[i : i + ENCODE_CHUNK] for i in range(0, len(items), ENCODE_CHUNK))
    return "[" + ",".join(_dumps(as_data(chunk))[1:-1] for chunk in chunks) + "]"


def to_json(results: Results) -> str:
    return _encode(to_dict(results, lazy=True))
