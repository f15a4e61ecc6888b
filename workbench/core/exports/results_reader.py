"""The results file's text → Results: checked against the results schema first (one sentence
naming the place of a problem), then converted; nothing read is ever evaluated."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from workbench.core.config import MAX_REPEAT
from workbench.core.exports import results_values as v
from workbench.core.exports.results_outline import outline
from workbench.core.exports.threads_io import (
    ThreadKey,
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
from workbench.core.strategies.base import MAX_TASKS
from workbench.core.usercode.model import CodeFunction, Scalar, UserCode


class ResultsFileError(ValueError):
    """A results file that cannot be read, said plainly."""


_BAD_ITEM = (KeyError, TypeError, ValueError, AttributeError, IndexError)
T = TypeVar("T")
_intervals = v.each(v.interval)


@dataclass(frozen=True)
class _Bounds:
    """What a run's items are checked against: the machine's CPUs, and the ids its tasks
    may have (the run's task ids, plus one more for every span: a Dask attempt has an id of
    its own beyond them). The window keeps a row per id, so an id is never far past them."""

    cpus: int
    last_id: int

    def task_id(self, value: Any) -> int:
        return v.whole(value, 0, self.last_id)

    def cores(self, value: Any) -> tuple[int, ...]:
        cpus = self.cpus
        return v.each(lambda c: v.core(c, cpus))(value)

    def per_core(self, value: Any) -> tuple[float, ...]:
        return v.per_core(value, self.cpus)


def _task_from(workers: dict[str, ThreadKey], bounds: _Bounds, t: Any) -> TaskSpan:
    start, end = v.field(t, "start_s", v.seconds), v.field(t, "end_s", v.seconds)
    v.span(start, end)
    worker = v.field(t, "worker", v.text)
    pid, native_id = workers.get(worker, (None, None))
    return TaskSpan(
        v.field(t, "id", bounds.task_id),
        start,
        end,
        worker,
        v.field(t, "ok", v.flag),
        v.field(t, "error", v.optional_text),
        v.optional(t, "running", _intervals, ()),
        v.optional(t, "cores", bounds.cores, ()),
        attempt_of=v.optional(t, "attempt_of", bounds.task_id, None),
        traceback=v.optional(t, "traceback", v.text, None),
        pid=pid,
        native_id=native_id,
    )


def _cpu_sample_from(bounds: _Bounds, s: Any) -> CpuSample:
    return CpuSample(v.field(s, "t_s", v.seconds), v.field(s, "per_core", bounds.per_core))


def _lag_sample_from(s: Any) -> LagSample:
    return LagSample(v.field(s, "t_s", v.seconds), v.field(s, "lag_s", v.seconds))


def _cluster_worker_from(w: Any) -> ClusterWorker:
    return ClusterWorker(
        v.field(w, "label", v.text),
        v.field(w, "address", v.text),
        v.field(w, "host", v.text),
        v.field(w, "pid", v.count),
        v.field(w, "clock_offset_s", v.offset),
        v.field(w, "clock_uncertainty_s", v.seconds),
        v.field(w, "shared_clock", v.flag),
    )


def _cluster_from(c: Any) -> Cluster:
    return Cluster(
        v.field(c, "scheduler", v.text),
        v.field(c, "local", v.flag),
        v.field(c, "workers", v.each(_cluster_worker_from)),
    )


def _worker_cpu_from(s: Any) -> WorkerCpuSample:
    return WorkerCpuSample(
        v.field(s, "t_s", v.seconds),
        v.field(s, "worker", v.text),
        v.field(s, "cpu", lambda n: v.number(n, 0.0)),
    )


def _each(items: Any, convert: Callable[[Any], T], definition: str, at: list[Any]) -> tuple[T, ...]:
    """Every item converted; a bad one is named by its place and, in the schema's words
    where the schema says what is wrong with it, what is.

    One pass, converting in place: each parsed item is dropped as soon as its record exists,
    so a 100,000-task file never holds both forms of every task at once (the parsed form is
    the larger)."""
    if not isinstance(items, list):
        raise ResultsFileError(f"{location(at)}: expected a list, got {v.shown(items)}")
    index = 0
    try:
        for index, item in enumerate(items):
            items[index] = convert(item)
    except (v.BadValue, *_BAD_ITEM) as exc:
        place = [*at, index]
        found = problem(RESULTS, items[index], definition=definition, at=place)
        raise ResultsFileError(found or v.placed(place, exc)) from None
    converted = tuple(items)
    items.clear()
    return converted


def _interpreter_from(i: Any) -> RunInterpreter:
    return RunInterpreter(
        path=v.field(i, "path", v.text),
        version=v.field(i, "version", v.text),
        implementation=v.field(i, "implementation", v.text),
        free_threaded=v.field(i, "free_threaded", v.flag),
        gil_enabled=v.field(i, "gil_enabled", v.flag),
        label=v.field(i, "label", v.text),
    )


def _run_from(r: Any, config: Config, cpus: int, at: list[Any]) -> Run:
    threads, sampling, workers = threads_from(v.record(r), at)
    tasks = v.field(r, "tasks", v.items)
    bounds = _Bounds(cpus, config.tasks + len(tasks) - 1)
    task_from = functools.partial(_task_from, workers, bounds)
    cpu_sample_from = functools.partial(_cpu_sample_from, bounds)
    return Run(
        strategy=v.field(r, "strategy", v.text),
        repeat_index=v.field(r, "repeat_index", lambda n: v.whole(n, 0, config.repeat - 1)),
        ok=v.field(r, "ok", v.flag),
        error=v.field(r, "error", v.optional_text),
        wall_ns=v.field(r, "wall_s", v.seconds),
        cpu_ns=v.field(r, "cpu_s", v.seconds),
        startup_ns=v.field(r, "startup_s", v.seconds),
        tasks=_each(tasks, task_from, "task", [*at, "tasks"]),
        cpu_samples=_each(r["cpu_samples"], cpu_sample_from, "cpu_sample", [*at, "cpu_samples"]),
        loop_lag=_each(r.get("loop_lag", []), _lag_sample_from, "lag_sample", [*at, "loop_lag"]),
        interference=v.optional(r, "interference", _interference_from, None),
        peak_memory=v.optional(r, "peak_memory", _memory_from, None),
        cluster=v.optional(r, "cluster", _cluster_from, None),
        worker_cpu=_each(
            r.get("worker_cpu", []), _worker_cpu_from, "worker_cpu", [*at, "worker_cpu"]
        ),
        output=v.optional(r, "output", v.text, ""),
        output_bytes=v.optional(r, "output_bytes", v.count, 0),
        output_truncated=v.optional(r, "output_truncated", v.flag, False),
        traceback=v.optional(r, "traceback", v.text, None),
        interpreter=v.optional(r, "interpreter", _interpreter_from, None),
        threads=threads,
        thread_sampling=sampling,
    )


def _share(value: Any) -> float:
    return v.number(value, 0.0, 1.0)


def _cores(value: Any) -> float:
    return v.number(value, 0.0, v.MAX_CPUS)


def _interference_from(data: Any) -> Interference:
    return Interference(
        other_cores=v.optional(data, "other_cores", _cores, None),
        runqueue_share=v.optional(data, "runqueue_share", _share, None),
        samples=v.optional(data, "samples", v.count, 0),
    )


def _measure(value: Any) -> str:
    if value not in ("pss", "rss"):
        raise v.BadValue(f"unknown memory measure {v.shown(value)} (allowed: pss, rss)")
    return str(value)


def _memory_from(data: Any) -> MemoryPeak:
    return MemoryPeak(v.field(data, "bytes", v.count), v.field(data, "measure", _measure))


def _function_from(f: Any) -> CodeFunction:
    return CodeFunction(
        v.field(f, "name", v.text), v.field(f, "async", v.flag), v.field(f, "index", v.flag)
    )


def _scalar(value: Any) -> Scalar:
    if value is None or isinstance(value, str | bool):
        return value
    return v.number(value) if isinstance(value, float) else v.whole(value, -v.MAX_ID)


def _kwargs(value: Any) -> dict[str, Scalar]:
    return {v.at(k, v.text, k): v.at(k, _scalar, x) for k, x in v.record(value).items()}


def _code_from(c: Any) -> UserCode:
    return UserCode(
        path=v.field(c, "path", v.text),
        label=v.field(c, "label", v.text),
        source=v.field(c, "source", v.text),
        sha256=v.field(c, "sha256", v.text),
        functions=v.field(c, "functions", v.each(_function_from)),
        kwargs=v.optional(c, "kwargs", _kwargs, {}),
        has_setup=v.optional(c, "setup", v.flag, False),
    )


def _cpus(value: Any) -> int:
    return v.whole(value, 1, v.MAX_CPUS)


def _machine_from(m: Any) -> Machine:
    return Machine(
        logical_cpus=v.field(m, "logical_cpus", _cpus),
        physical_cpus=v.optional(m, "physical_cpus", _cpus, None),
        cpu_model=v.field(m, "cpu_model", v.text),
        os=v.field(m, "os", v.text),
        python=v.field(m, "python", v.text),
        implementation=v.field(m, "implementation", v.text),
        gil_enabled=v.field(m, "gil_enabled", v.flag),
        mp_start_method=v.optional(m, "mp_start_method", v.text, "unknown"),
    )


def _params(value: Any) -> dict[str, float]:
    return {v.at(k, v.text, k): v.at(k, v.number, x) for k, x in v.record(value).items()}


def _config_from(c: Any) -> Config:
    return Config(
        workload=v.field(c, "workload", v.text),
        params=v.field(c, "params", _params),
        tasks=v.field(c, "tasks", lambda n: v.whole(n, 1, MAX_TASKS)),
        workers=v.field(c, "workers", lambda n: v.whole(n, 1, MAX_TASKS)),
        repeat=v.field(c, "repeat", lambda n: v.whole(n, 1, MAX_REPEAT)),
        strategies=v.field(c, "strategies", v.each(v.text)),
        scheduler=v.optional(c, "scheduler", v.text, None),
        code=v.optional(c, "code", _code_from, None),
        interpreters=v.optional(c, "interpreters", v.each(_interpreter_from), ()),
    )


def _from_dict(data: dict[str, Any]) -> Results:
    machine = v.at("machine", _machine_from, data["machine"])
    config = v.at("config", _config_from, data["config"])
    runs = []
    for index, r in enumerate(v.field(data, "runs", v.items)):
        try:
            runs.append(_run_from(r, config, machine.logical_cpus, ["runs", index]))
        except v.BadValue as exc:
            raise ResultsFileError(v.placed(["runs", index], exc)) from None
    interrupted = v.optional(data, "interrupted", v.flag, False)
    return Results(machine, config, tuple(runs), interrupted)


MAX_FILE_BYTES = 512 * 2**20
"""The largest results file opened (512 MiB). A file from the largest run the workbench
allows (a million tasks) is about a third of that; opening takes several bytes of memory
per byte of file (``workbench bench`` reports how many), so a bigger one is refused with
this limit named rather than left to exhaust the memory."""


def too_big(size: int) -> str | None:
    """Why a file of ``size`` bytes is not opened, or None if it may be."""
    if size <= MAX_FILE_BYTES:
        return None
    return f"too big to open ({size / 2**20:,.0f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)"


NESTED_TOO_DEEPLY = "nested too deeply (a results file is a few levels deep)"
"""Python's reader gives up on deep nesting with a RecursionError: said plainly instead."""


def parsed(text: str) -> Any:
    try:
        return json.loads(text)  # NaN and Infinity parse; the checks refuse them, by field
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"not a JSON file ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise ResultsFileError(NESTED_TOO_DEEPLY) from None
    except ValueError:  # not a decoding error: a whole number of thousands of digits
        raise ResultsFileError("not a results file: a number has too many digits") from None


def from_json(text: str) -> Results:
    """Parse a results file's text; :class:`ResultsFileError` says what is wrong, and where.

    The file is checked against ``schemas/results.schema.json`` in two steps, so that opening
    100,000 tasks stays as fast as converting them: everything but the long lists (tasks, CPU
    samples, lag samples), plus their first few items, goes through the schema up front
    (jsonschema would take ~10 s over every task); then every value is checked as it is
    converted (:mod:`~workbench.core.exports.results_values`: finite, in range, ends after
    starts, a figure per CPU), and an item that does not convert is checked against the schema
    alone, for the message. Nothing else can fail: a bad file never half-loads.
    """
    problem_size = too_big(len(text))
    if problem_size is not None:
        raise ResultsFileError(problem_size)
    data = parsed(text)
    del text  # the caller's reference is gone too when it passed a temporary (see load)
    return from_parsed(data)


def from_parsed(data: Any) -> Results:
    """:func:`from_json` for text ``json`` has already parsed (the compact reader's skeleton,
    whose threads it reads too). Its long lists are emptied as they are converted."""
    if not isinstance(data, dict) or "schema" not in data:
        raise ResultsFileError("not a workbench results file (no schema field)")
    if data["schema"] not in READABLE_SCHEMAS:
        readable = ", ".join(READABLE_SCHEMAS)
        raise ResultsFileError(
            f"unsupported results schema {v.shown(data['schema'])}; this version reads {readable}"
        )
    try:
        found = problem(RESULTS, outline(data))
        if found is not None:
            raise ResultsFileError(found)
        return _from_dict(data)
    except ResultsFileError as exc:
        raise ResultsFileError(f"damaged results file: {exc}") from None
    except v.BadValue as exc:
        raise ResultsFileError(f"damaged results file: {v.placed([], exc)}") from None
    except _BAD_ITEM as exc:  # what the checks do not name (threads_io's placed messages)
        raise ResultsFileError(f"damaged results file: {v.detail(exc)}") from None
    except RecursionError:
        raise ResultsFileError(NESTED_TOO_DEEPLY) from None
