"""The results file (``workbench.results/3``; ``/1`` and ``/2`` still load): save, load, validate.

See docs/results-schema.md for the format (and ``schemas/results.schema.json`` in the package
data for the same as a JSON Schema). Loading checks the file against the schema and reports a
bad one in one sentence naming the place; it never evaluates anything it reads.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

from workbench.core.clock import to_ns, to_seconds
from workbench.core.results import (
    READABLE_SCHEMAS,
    SCHEMA,
    Config,
    CpuSample,
    Interference,
    LagSample,
    Machine,
    MemoryPeak,
    Results,
    Run,
    TaskSpan,
)
from workbench.core.schemas import RESULTS, location, problem
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
        **_tree_figures(run),
    }


def _tree_figures(run: Run) -> dict[str, Any]:
    """The optional ``interference`` and ``peak_memory`` of a run (absent when unknown)."""
    figures: dict[str, Any] = {}
    if run.interference is not None:
        figures["interference"] = asdict(run.interference)
    if run.peak_memory is not None:
        figures["peak_memory"] = asdict(run.peak_memory)
    return figures


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


_MACHINE_FIELDS = tuple(field.name for field in fields(Machine))
_BAD_ITEM = (KeyError, TypeError, ValueError, AttributeError)
T = TypeVar("T")


def _task_from(t: dict[str, Any]) -> TaskSpan:
    return TaskSpan(
        int(t["id"]),
        _ns(t["start_s"]),
        _ns(t["end_s"]),
        str(t["worker"]),
        bool(t["ok"]),
        t["error"],
        tuple((_ns(a), _ns(b)) for a, b in t.get("running", ())),
        tuple(int(c) for c in t.get("cores", ())),
    )


def _cpu_sample_from(s: dict[str, Any]) -> CpuSample:
    return CpuSample(_ns(s["t_s"]), tuple(float(p) for p in s["per_core"]))


def _lag_sample_from(s: dict[str, Any]) -> LagSample:
    return LagSample(_ns(s["t_s"]), _ns(s["lag_s"]))


def _each(
    items: list[Any], convert: Callable[[Any], T], definition: str, at: list[Any]
) -> tuple[T, ...]:
    """Every item converted; a bad one is named by its place and, in the schema's words, what
    is wrong with it. The good path is one pass: a 100,000-task file is not walked twice."""
    try:
        return tuple(map(convert, items))
    except _BAD_ITEM:
        pass
    for index, item in enumerate(items):
        try:
            convert(item)
        except _BAD_ITEM as exc:
            place = [*at, index]
            found = problem(RESULTS, item, definition=definition, at=place)
            raise ResultsFileError(found or f"{location(place)}: {_detail(exc)}") from None
    raise AssertionError("an item failed to convert, then converted")  # pragma: no cover


def _detail(exc: Exception) -> str:
    return f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)


def _run_from(r: dict[str, Any], at: list[Any]) -> Run:
    return Run(
        strategy=str(r["strategy"]),
        repeat_index=int(r["repeat_index"]),
        ok=bool(r["ok"]),
        error=r["error"],
        wall_ns=_ns(r["wall_s"]),
        cpu_ns=_ns(r["cpu_s"]),
        startup_ns=_ns(r["startup_s"]),
        tasks=_each(r["tasks"], _task_from, "task", [*at, "tasks"]),
        cpu_samples=_each(r["cpu_samples"], _cpu_sample_from, "cpu_sample", [*at, "cpu_samples"]),
        loop_lag=_each(r.get("loop_lag", []), _lag_sample_from, "lag_sample", [*at, "loop_lag"]),
        interference=_interference_from(r.get("interference")),
        peak_memory=_memory_from(r.get("peak_memory")),
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _interference_from(data: dict[str, Any] | None) -> Interference | None:
    if data is None:
        return None
    return Interference(
        other_cores=_optional_float(data.get("other_cores")),
        runqueue_share=_optional_float(data.get("runqueue_share")),
        samples=int(data.get("samples", 0)),
    )


def _memory_from(data: dict[str, Any] | None) -> MemoryPeak | None:
    return None if data is None else MemoryPeak(int(data["bytes"]), str(data["measure"]))


def _from_dict(data: dict[str, Any]) -> Results:
    machine = Machine(**{k: v for k, v in data["machine"].items() if k in _MACHINE_FIELDS})
    c = data["config"]
    config = Config(
        workload=str(c["workload"]),
        params={str(k): float(v) for k, v in c["params"].items()},
        tasks=int(c["tasks"]),
        workers=int(c["workers"]),
        repeat=int(c["repeat"]),
        strategies=tuple(str(s) for s in c["strategies"]),
    )
    runs = tuple(_run_from(r, ["runs", index]) for index, r in enumerate(data["runs"]))
    return Results(machine, config, runs, bool(data.get("interrupted", False)))


_BULK = ("tasks", "cpu_samples", "loop_lag")
SAMPLED = 3
"""Items of each run's long lists checked against the schema up front (see :func:`from_json`)."""


def _outline(data: dict[str, Any]) -> dict[str, Any]:
    """The document with each run's long lists cut to their first few items (shallow copies)."""
    runs = data.get("runs")
    if not isinstance(runs, list):
        return data
    return {
        **data,
        "runs": [
            {k: v[:SAMPLED] if k in _BULK and isinstance(v, list) else v for k, v in r.items()}
            if isinstance(r, dict)
            else r
            for r in runs
        ],
    }


def from_json(text: str) -> Results:
    """Parse a results file's text; :class:`ResultsFileError` says what is wrong, and where.

    The file is checked against ``schemas/results.schema.json`` in two steps, so that opening
    100,000 tasks stays as fast as converting them: everything but the long lists (tasks, CPU
    samples, lag samples), plus their first few items, goes through the schema up front
    (jsonschema would take ~10 s over every task); the rest is checked by converting it, and
    an item that does not convert is then checked against the schema alone, for the message.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"not a JSON file ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or "schema" not in data:
        raise ResultsFileError("not a workbench results file (no schema field)")
    if data["schema"] not in READABLE_SCHEMAS:
        readable = ", ".join(READABLE_SCHEMAS)
        raise ResultsFileError(
            f"unsupported results schema {data['schema']!r}; this version reads {readable}"
        )
    found = problem(RESULTS, _outline(data))
    if found is not None:
        raise ResultsFileError(f"damaged results file: {found}")
    try:
        return _from_dict(data)
    except ResultsFileError as exc:
        raise ResultsFileError(f"damaged results file: {exc}") from None
    except _BAD_ITEM as exc:  # what the schema does not say (it checks form, not every value)
        raise ResultsFileError(f"damaged results file: {_detail(exc)}") from None


def save(results: Results, path: str | os.PathLike[str]) -> None:
    """Write atomically (temp file, then rename): a crash never leaves half a results file.

    A target that exists but is no regular file (``/dev/null``, a pipe) is written through
    instead: renaming over it would replace the device itself — as root, ``--out /dev/null``
    turned the machine's /dev/null into a plain file.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8") as handle:
            handle.write(to_json(results))
        return
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
