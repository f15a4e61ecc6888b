"""The results file (``workbench.results/3``; ``/1`` and ``/2`` files still load): save, load,
validate.

See docs/results-schema.md for the format (and ``schemas/results.schema.json`` in the package
data for the same as a JSON Schema). Loading checks the file against the schema and reports a
bad one in one sentence naming the place; it never evaluates anything it reads.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

from workbench.core.clock import to_ns, to_seconds
from workbench.core.exports.threads_io import (
    ThreadKey,
    outline_threads,
    run_record,
    task_state_adder,
    threads_from,
)
from workbench.core.results import (
    READABLE_SCHEMAS,
    SCHEMA,
    Cluster,
    ClusterWorker,
    Config,
    CpuSample,
    LagSample,
    Machine,
    Results,
    Run,
    RunInterpreter,
    TaskSpan,
    WorkerCpuSample,
)
from workbench.core.schemas import RESULTS, location, problem
from workbench.core.summary import summarize
from workbench.core.usercode.model import CodeFunction, UserCode


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
    if span.attempt_of is not None:
        record["attempt_of"] = span.attempt_of
    if span.traceback is not None:
        record["traceback"] = span.traceback
    return record


class _Spans:
    """A run's tasks, turned into JSON a chunk at a time by :func:`_encode`."""

    def __init__(self, run: Run) -> None:
        self.spans = run.tasks
        self.add_states = task_state_adder(run)

    def records(self, spans: Sequence[TaskSpan]) -> list[dict[str, Any]]:
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
        readable = " and ".join(READABLE_SCHEMAS)
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
