"""The results file's text → Results: checked against the results schema first (one sentence
naming the place of a problem), then converted; nothing read is ever evaluated."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

from workbench.core.clock import to_ns
from workbench.core.exports.threads_io import (
    ThreadKey,
    outline_threads,
    threads_from,
)
from workbench.core.results import (
    READABLE_SCHEMAS,
    Cluster,
    ClusterWorker,
    Config,
    CpuSample,
    Interference,
    LagSample,
    Machine,
    MemoryPeak,
    Results,
    Run,
    RunInterpreter,
    TaskSpan,
    WorkerCpuSample,
)
from workbench.core.schemas import RESULTS, location, problem
from workbench.core.usercode.model import CodeFunction, UserCode


class ResultsFileError(ValueError):
    """A results file that cannot be read, said plainly."""


def _ns(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number of seconds")
    return to_ns(value)


_MACHINE_FIELDS = tuple(field.name for field in fields(Machine))
_BAD_ITEM = (KeyError, TypeError, ValueError, AttributeError)
T = TypeVar("T")


def _task_from(workers: dict[str, ThreadKey], t: dict[str, Any]) -> TaskSpan:
    pid, native_id = workers.get(t["worker"], (None, None))
    return TaskSpan(
        int(t["id"]),
        _ns(t["start_s"]),
        _ns(t["end_s"]),
        str(t["worker"]),
        bool(t["ok"]),
        t["error"],
        tuple((_ns(a), _ns(b)) for a, b in t.get("running", ())),
        tuple(int(c) for c in t.get("cores", ())),
        attempt_of=None if t.get("attempt_of") is None else int(t["attempt_of"]),
        traceback=t.get("traceback"),
        pid=pid,
        native_id=native_id,
    )


def _cpu_sample_from(s: dict[str, Any]) -> CpuSample:
    return CpuSample(_ns(s["t_s"]), tuple(float(p) for p in s["per_core"]))


def _lag_sample_from(s: dict[str, Any]) -> LagSample:
    return LagSample(_ns(s["t_s"]), _ns(s["lag_s"]))


def _cluster_from(c: dict[str, Any] | None) -> Cluster | None:
    if c is None:
        return None
    workers = tuple(
        ClusterWorker(
            str(w["label"]),
            str(w["address"]),
            str(w["host"]),
            int(w["pid"]),
            _ns(w["clock_offset_s"]),
            _ns(w["clock_uncertainty_s"]),
            bool(w["shared_clock"]),
        )
        for w in c["workers"]
    )
    return Cluster(str(c["scheduler"]), bool(c["local"]), workers)


def _worker_cpu_from(s: dict[str, Any]) -> WorkerCpuSample:
    return WorkerCpuSample(_ns(s["t_s"]), str(s["worker"]), float(s["cpu"]))


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


def _interpreter_from(i: dict[str, Any]) -> RunInterpreter:
    return RunInterpreter(
        path=str(i["path"]),
        version=str(i["version"]),
        implementation=str(i["implementation"]),
        free_threaded=bool(i["free_threaded"]),
        gil_enabled=bool(i["gil_enabled"]),
        label=str(i["label"]),
    )


def _run_from(r: dict[str, Any], at: list[Any]) -> Run:
    threads, sampling, workers = threads_from(r, at)
    task_from = functools.partial(_task_from, workers)
    return Run(
        strategy=str(r["strategy"]),
        repeat_index=int(r["repeat_index"]),
        ok=bool(r["ok"]),
        error=r["error"],
        wall_ns=_ns(r["wall_s"]),
        cpu_ns=_ns(r["cpu_s"]),
        startup_ns=_ns(r["startup_s"]),
        tasks=_each(r["tasks"], task_from, "task", [*at, "tasks"]),
        cpu_samples=_each(r["cpu_samples"], _cpu_sample_from, "cpu_sample", [*at, "cpu_samples"]),
        loop_lag=_each(r.get("loop_lag", []), _lag_sample_from, "lag_sample", [*at, "loop_lag"]),
        interference=_interference_from(r.get("interference")),
        peak_memory=_memory_from(r.get("peak_memory")),
        cluster=_cluster_from(r.get("cluster")),
        worker_cpu=_each(
            r.get("worker_cpu", []), _worker_cpu_from, "worker_cpu", [*at, "worker_cpu"]
        ),
        output=str(r.get("output", "")),
        output_bytes=int(r.get("output_bytes", 0)),
        output_truncated=bool(r.get("output_truncated", False)),
        traceback=r.get("traceback"),
        interpreter=_interpreter_from(r["interpreter"]) if r.get("interpreter") else None,
        threads=threads,
        thread_sampling=sampling,
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


def _code_from(c: dict[str, Any]) -> UserCode:
    return UserCode(
        path=str(c["path"]),
        label=str(c["label"]),
        source=str(c["source"]),
        sha256=str(c["sha256"]),
        functions=tuple(
            CodeFunction(str(f["name"]), bool(f["async"]), bool(f["index"])) for f in c["functions"]
        ),
        kwargs=dict(c.get("kwargs", {})),
        has_setup=bool(c.get("setup", False)),
    )


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
        scheduler=None if c.get("scheduler") is None else str(c["scheduler"]),
        code=_code_from(c["code"]) if c.get("code") is not None else None,
        interpreters=tuple(_interpreter_from(i) for i in c.get("interpreters", ())),
    )
    runs = tuple(_run_from(r, ["runs", index]) for index, r in enumerate(data["runs"]))
    return Results(machine, config, runs, bool(data.get("interrupted", False)))


_BULK = ("tasks", "cpu_samples", "loop_lag", "worker_cpu", "threads")
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
            outline_threads(
                {k: v[:SAMPLED] if k in _BULK and isinstance(v, list) else v for k, v in r.items()},
                SAMPLED,
            )
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
