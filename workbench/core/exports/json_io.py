"""The results file (``workbench.results/2``; ``/1`` files still load): save, load, validate.

See docs/results-schema.md for the format. Loading checks structure and types and reports a
bad file in one sentence; it never evaluates anything it reads.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.core.clock import to_ns, to_seconds
from workbench.core.results import (
    READABLE_SCHEMAS,
    SCHEMA,
    Config,
    CpuSample,
    LagSample,
    Machine,
    Results,
    Run,
    TaskSpan,
)
from workbench.core.summary import summarize


class ResultsFileError(ValueError):
    """A results file that cannot be read, said plainly."""


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
    return record


def _run(run: Run) -> dict[str, Any]:
    return {
        "strategy": run.strategy,
        "repeat_index": run.repeat_index,
        "ok": run.ok,
        "error": run.error,
        "wall_s": _seconds(run.wall_ns),
        "cpu_s": _seconds(run.cpu_ns),
        "startup_s": _seconds(run.startup_ns),
        "tasks": [_span(span) for span in run.tasks],
        "cpu_samples": [
            {"t_s": _seconds(s.t_ns), "per_core": list(s.per_core)} for s in run.cpu_samples
        ],
        "loop_lag": [{"t_s": _seconds(s.t_ns), "lag_s": _seconds(s.lag_ns)} for s in run.loop_lag],
    }


def to_dict(results: Results) -> dict[str, Any]:
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
        },
        "runs": [_run(run) for run in results.runs],
        "summary": [
            {
                "strategy": s.strategy,
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


def to_json(results: Results) -> str:
    return json.dumps(to_dict(results), separators=(",", ":"))


def _ns(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number of seconds")
    return to_ns(value)


def _from_dict(data: dict[str, Any]) -> Results:
    machine = Machine(**data["machine"])
    c = data["config"]
    config = Config(
        workload=str(c["workload"]),
        params={str(k): float(v) for k, v in c["params"].items()},
        tasks=int(c["tasks"]),
        workers=int(c["workers"]),
        repeat=int(c["repeat"]),
        strategies=tuple(str(s) for s in c["strategies"]),
    )
    runs = tuple(
        Run(
            strategy=str(r["strategy"]),
            repeat_index=int(r["repeat_index"]),
            ok=bool(r["ok"]),
            error=r["error"],
            wall_ns=_ns(r["wall_s"]),
            cpu_ns=_ns(r["cpu_s"]),
            startup_ns=_ns(r["startup_s"]),
            tasks=tuple(
                TaskSpan(
                    int(t["id"]),
                    _ns(t["start_s"]),
                    _ns(t["end_s"]),
                    str(t["worker"]),
                    bool(t["ok"]),
                    t["error"],
                    tuple((_ns(a), _ns(b)) for a, b in t.get("running", ())),
                    tuple(int(c) for c in t.get("cores", ())),
                )
                for t in r["tasks"]
            ),
            cpu_samples=tuple(
                CpuSample(_ns(s["t_s"]), tuple(float(p) for p in s["per_core"]))
                for s in r["cpu_samples"]
            ),
            loop_lag=tuple(
                LagSample(_ns(s["t_s"]), _ns(s["lag_s"])) for s in r.get("loop_lag", ())
            ),
        )
        for r in data["runs"]
    )
    return Results(machine, config, runs, bool(data.get("interrupted", False)))


def from_json(text: str) -> Results:
    """Parse a results file's text; :class:`ResultsFileError` says what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"not a JSON file ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or "schema" not in data:
        raise ResultsFileError("not a workbench results file (no schema field)")
    if data["schema"] not in READABLE_SCHEMAS:
        readable = " and ".join(READABLE_SCHEMAS)
        raise ResultsFileError(
            f"unsupported results schema {data['schema']!r}; this version reads {readable}"
        )
    try:
        return _from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ResultsFileError(f"damaged results file: {detail}") from None


def save(results: Results, path: str | os.PathLike[str]) -> None:
    """Write atomically (temp file, then rename): a crash never leaves half a results file."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(to_json(results))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load(path: str | os.PathLike[str]) -> Results:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ResultsFileError("not a text file") from None
    except OSError as exc:
        raise ResultsFileError(exc.strerror or str(exc)) from None
    return from_json(text)
