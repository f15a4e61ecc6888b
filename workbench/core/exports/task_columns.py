"""A run's task spans ↔ columns of integers (the compact results file's tasks).

Each column is chosen so that a big run's values are small and alike, which is what the
compression then feeds on: ids and start times as differences from the task before, end
times as durations, each running interval as its gap after the previous one (the task's
start, for the first) and its length. Labels, errors and tracebacks are indexes into string
tables (a million tasks share a few worker labels, and failures share their message).
:meth:`TaskColumns.problem` checks decoded columns before a single span is built from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import ClassVar

import numpy as np

from workbench.core.exports.columns import Ints
from workbench.core.results import TaskSpan

NONE = -1
"""In the error, traceback and attempt_of columns: there is none."""

_SUMMED = ("id_step", "start_step", "duration", "running_gap", "running_length")
"""The columns that are added up: checked in floating point, so that a damaged file cannot
wrap a sum of int64 around into a value that looks right."""


@dataclass(frozen=True)
class Limits:
    """What a run's decoded tasks must stay within: the same bounds as the JSON file's
    (see :mod:`~workbench.core.exports.results_reader`)."""

    last_id: int
    cpus: int
    max_ns: int


@dataclass(frozen=True)
class TaskColumns:
    workers: list[str]
    texts: list[str]
    id_step: Ints
    start_step: Ints
    duration: Ints
    worker: Ints
    ok: Ints
    error: Ints
    traceback: Ints
    attempt_of: Ints
    running_count: Ints
    running_gap: Ints
    running_length: Ints
    cores_count: Ints
    cores: Ints

    NAMES: ClassVar[tuple[str, ...]] = (
        "id_step",
        "start_step",
        "duration",
        "worker",
        "ok",
        "error",
        "traceback",
        "attempt_of",
        "running_count",
        "running_gap",
        "running_length",
        "cores_count",
        "cores",
    )
    _PER_TASK: ClassVar[tuple[str, ...]] = (*NAMES[:9], "cores_count")

    def ints(self) -> list[tuple[str, Ints]]:
        return [(name, getattr(self, name)) for name in self.NAMES]

    def problem(self, tasks: object, limits: Limits) -> str | None:
        """What is wrong with these columns as a run's tasks, in a few words; None if nothing."""
        if isinstance(tasks, bool) or not isinstance(tasks, int) or tasks < 0:
            return f"bad task count {tasks!r}"
        for name in self._PER_TASK:
            if len(getattr(self, name)) != tasks:
                return f"{name} holds {len(getattr(self, name)):,} values for {tasks:,} tasks"
        for counts, names in (
            (self.running_count, ("running_gap", "running_length")),
            (self.cores_count, ("cores",)),
        ):
            if len(counts) and counts.min() < 0:
                return "a negative count"
            total = int(counts.sum())
            if any(len(getattr(self, name)) != total for name in names):
                return f"{names[0]} does not hold the {total:,} values its counts say"
        return _range_problem(self, limits)


def _range_problem(c: TaskColumns, limits: Limits) -> str | None:
    f = replace(c, **{name: getattr(c, name).astype(np.float64) for name in _SUMMED})
    starts = np.cumsum(f.start_step)
    a, b = _running(f, starts)
    checks = (
        (np.cumsum(f.id_step), 0, limits.last_id, "task id"),
        (starts, 0, limits.max_ns, "start time"),
        (f.duration, 0, None, "duration (end before start)"),
        (starts + f.duration, 0, limits.max_ns, "end time"),
        (c.worker, 0, len(c.workers) - 1, "worker index"),
        (c.ok, 0, 1, "ok flag"),
        (c.error, NONE, len(c.texts) - 1, "error index"),
        (c.traceback, NONE, len(c.texts) - 1, "traceback index"),
        (c.attempt_of, NONE, limits.last_id, "attempt_of"),
        (a, 0, None, "running interval start"),
        (f.running_length, 0, None, "running interval (end before start)"),
        (b, 0, limits.max_ns, "running interval end"),
        (c.cores, NONE, limits.cpus - 1, "core"),
    )
    for values, low, high, what in checks:
        if not len(values):
            continue
        if int(values.min()) < low or (high is not None and int(values.max()) > high):
            return f"a {what} out of range"
    return None


def _firsts(counts: Ints) -> Ints:
    """The position of each task's first item in a flat column (for tasks with any)."""
    firsts: Ints = np.cumsum(counts) - counts
    return firsts[counts > 0]


def _running(c: TaskColumns, starts: Ints) -> tuple[Ints, Ints]:
    """Every running interval's start and end, from gaps and lengths (flat, in task order)."""
    advance = c.running_gap + c.running_length
    total = np.cumsum(advance)
    before = np.concatenate([[0], total])[np.cumsum(c.running_count) - c.running_count]
    base = np.repeat(starts - before, c.running_count)
    ends: Ints = base + total
    return ends - c.running_length, ends


def _table(values: Sequence[str | None], table: dict[str, int]) -> Ints:
    return np.fromiter(
        (NONE if v is None else table.setdefault(v, len(table)) for v in values),
        np.int64,
        len(values),
    )


def columns_of(spans: Sequence[TaskSpan]) -> TaskColumns:
    n = len(spans)

    def column(values: object) -> Ints:
        return np.fromiter(values, np.int64, n)  # type: ignore[call-overload, no-any-return]

    ids = column(s.id for s in spans)
    starts = column(s.start_ns for s in spans)
    ends = column(s.end_ns for s in spans)
    workers: dict[str, int] = {}
    texts: dict[str, int] = {}
    running_count = column(len(s.running) for s in spans)
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(s.running for s in spans)), np.int64
    ).reshape(-1, 2)
    a, b = flat[:, 0], flat[:, 1]
    previous = np.empty_like(b)
    previous[1:] = b[:-1]
    previous[_firsts(running_count)] = starts[running_count > 0]
    worker = _table([s.worker for s in spans], workers)
    error = _table([s.error for s in spans], texts)
    traceback = _table([s.traceback for s in spans], texts)
    return TaskColumns(
        workers=list(workers),
        texts=list(texts),
        id_step=np.diff(ids, prepend=0),
        start_step=np.diff(starts, prepend=0),
        duration=ends - starts,
        worker=worker,
        ok=column(s.ok for s in spans),
        error=error,
        traceback=traceback,
        attempt_of=column(NONE if s.attempt_of is None else s.attempt_of for s in spans),
        running_count=running_count,
        running_gap=a - previous,
        running_length=b - a,
        cores_count=column(len(s.cores) for s in spans),
        cores=np.fromiter(chain.from_iterable(s.cores for s in spans), np.int64),
    )


def spans_from(c: TaskColumns, owners: Mapping[str, tuple[int, int]]) -> tuple[TaskSpan, ...]:
    """The spans the columns describe (checked first: see :meth:`TaskColumns.problem`)."""
    starts = np.cumsum(c.start_step)
    a, b = _running(c, starts)
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    running_at = np.concatenate([[0], np.cumsum(c.running_count)]).tolist()
    cores = c.cores.tolist()
    cores_at = np.concatenate([[0], np.cumsum(c.cores_count)]).tolist()
    texts: list[str | None] = [*c.texts, None]  # index -1 is None
    labels = c.workers
    unknown = (None, None)
    spans = []
    for i, (task_id, start, end, worker, ok, error, traceback, attempt_of) in enumerate(
        zip(
            np.cumsum(c.id_step).tolist(),
            starts.tolist(),
            (starts + c.duration).tolist(),
            c.worker.tolist(),
            c.ok.tolist(),
            c.error.tolist(),
            c.traceback.tolist(),
            c.attempt_of.tolist(),
            strict=True,
        )
    ):
        label = labels[worker]
        pid, native_id = owners.get(label, unknown)
        spans.append(
            TaskSpan(
                task_id,
                start,
                end,
                label,
                bool(ok),
                texts[error],
                tuple(pairs[running_at[i] : running_at[i + 1]]),
                tuple(cores[cores_at[i] : cores_at[i + 1]]),
                pid,
                native_id,
                None if attempt_of == NONE else attempt_of,
                texts[traceback],
            )
        )
    return tuple(spans)
