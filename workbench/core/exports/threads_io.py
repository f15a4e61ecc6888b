"""The thread states in a results file: each run's ``threads`` and ``thread_sampling``, and
each task's ``states_s`` (see docs/results-schema.md, ``workbench.results/3``).

``json_io`` calls these with one line each, so the format's thread part reads in one place.
A file's ``threads`` also tie its tasks back to the OS threads that ran them: a thread that
ran tasks carries their ``worker`` label, which gives each task its ``pid`` and ``native_id``
on loading (the tasks themselves stay as small as before). ``states_s`` is derived from the
threads and the tasks' spans, like the file's ``summary``: written for other tools,
recomputed on loading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from workbench.core.exports import results_values as v
from workbench.core.results import Run, ThreadSampling
from workbench.core.schemas import RESULTS, problem
from workbench.core.task_shares import CODE, task_states, timeline_arrays
from workbench.core.threadstates.model import ALL_STATES, Interval, ThreadState, ThreadTimeline

DIGITS = 6
"""Seconds to the microsecond: the timelines' own resolution (see run_threads)."""
ThreadKey = tuple[int, int]


def _s(ns: int) -> float:
    return round(ns / 1e9, DIGITS)


def worker_labels(run: Run) -> dict[ThreadKey, str]:
    """Each thread that ran a task → that task's worker label."""
    return {
        (span.pid, span.native_id): span.worker
        for span in run.tasks
        if span.pid is not None and span.native_id is not None
    }


def _states(timeline: ThreadTimeline) -> list[list[Any]]:
    """``[[start_s, end_s, state], …]``. The times are whole µs (see run_threads), so a plain
    division already gives the shortest decimal (5_397_000 ns → 0.005397): no rounding."""
    starts, ends, codes = timeline_arrays(timeline)
    names = [str(state) for state in ALL_STATES]
    return [
        [a, b, names[c]]
        for a, b, c in zip(
            (starts / 1e9).tolist(), (ends / 1e9).tolist(), codes.tolist(), strict=True
        )
    ]


def run_record(run: Run) -> dict[str, Any]:
    """The run's ``threads`` and ``thread_sampling`` fields ({} when not sampled)."""
    sampling = run.thread_sampling
    if sampling is None:
        return {}
    workers = worker_labels(run)
    threads = []
    for timeline in run.threads:
        record: dict[str, Any] = {
            "native_id": timeline.native_id,
            "pid": timeline.pid,
            "name": timeline.name,
        }
        worker = workers.get(timeline.key)
        if worker is not None:
            record["worker"] = worker
        record["states"] = _states(timeline)
        threads.append(record)
    return {
        "thread_sampling": {
            "source": sampling.source,
            "states": [str(state) for state in sampling.known],
            "cpu_s": _s(sampling.cpu_ns),
            "interval_s": _s(sampling.interval_ns),
            "error": sampling.error,
        },
        "threads": threads,
    }


def task_state_adder(run: Run) -> Callable[[dict[str, Any]], None]:
    """What gives a task record of ``run`` its ``states_s`` (seconds in each state the OS can
    tell, over the task's life; states with none left out), where its thread was seen —
    worked out once for the run, then applied record by record (a chunk at a time, when a
    big file is written in steps)."""
    states = task_states(run)
    if not len(states):
        return lambda record: None
    rows = dict(zip(states.ids.tolist(), range(len(states)), strict=True))
    seconds = np.round(states.ns / 1e9, DIGITS)
    columns = [(str(state), seconds[CODE[state]].tolist()) for state in states.known]

    def add(record: dict[str, Any]) -> None:
        row = rows.get(record["id"])
        if row is not None:
            record["states_s"] = {name: s[row] for name, s in columns if s[row] > 0}

    return add


def add_task_states(tasks: list[dict[str, Any]], run: Run) -> None:
    """Give each task record of ``run`` its ``states_s`` (see :func:`task_state_adder`)."""
    add = task_state_adder(run)
    for record in tasks:
        add(record)


def _sampling_from(record: Mapping[str, Any]) -> ThreadSampling:
    return ThreadSampling(
        source=v.field(record, "source", v.text),
        known=v.field(record, "states", v.each(_state)),
        cpu_ns=v.optional(record, "cpu_s", v.seconds, 0),
        interval_ns=v.optional(record, "interval_s", v.seconds, 0),
        error=v.optional(record, "error", v.text, None),
    )


_STATES = {str(state): state for state in ThreadState}


def _state(value: Any) -> ThreadState:
    state = _STATES.get(value) if isinstance(value, str) else None
    if state is None:
        raise v.BadValue(f"unknown thread state {v.shown(value)} (allowed: {', '.join(_STATES)})")
    return state


def _interval(value: Any) -> Interval:
    item = v.items(value)
    if len(item) != 3:
        raise v.BadValue(f"expected [start, end, state], got {len(item)} items")
    start, end = v.span(v.at(0, v.seconds, item[0]), v.at(1, v.seconds, item[1]))
    return start, end, v.at(2, _state, item[2])


def _thread_from(record: Mapping[str, Any]) -> ThreadTimeline:
    return ThreadTimeline(
        v.field(record, "pid", v.count),
        v.field(record, "native_id", v.count),
        v.field(record, "name", v.text),
        v.field(record, "states", v.each(_interval)),
    )


_BAD = (KeyError, TypeError, ValueError, AttributeError)


def threads_from(
    run: Mapping[str, Any], at: list[Any]
) -> tuple[tuple[ThreadTimeline, ...], ThreadSampling | None, dict[str, ThreadKey]]:
    """A run record's threads, how they were read, and each worker label's thread (for the
    tasks' ``pid`` and ``native_id``). ValueError names the place of a damaged item."""
    if "thread_sampling" not in run:
        return (), None, {}
    try:
        sampling = _sampling_from(run["thread_sampling"])
    except _BAD as exc:
        raise ValueError(
            _where(run["thread_sampling"], "thread_sampling", [*at, "thread_sampling"], exc)
        ) from None
    threads = []
    workers: dict[str, ThreadKey] = {}
    threads_found: Sequence[Any] = v.optional(run, "threads", v.items, ())
    for index, record in enumerate(threads_found):
        try:
            timeline = _thread_from(record)
        except _BAD as exc:
            raise ValueError(_where(record, "thread", [*at, "threads", index], exc)) from None
        threads.append(timeline)
        if isinstance(record.get("worker"), str):
            workers[record["worker"]] = timeline.key
    return tuple(threads), sampling, workers


def outline_threads(run: dict[str, Any], items: int) -> dict[str, Any]:
    """A run record whose threads' state lists are cut to their first ``items`` (the rest is
    checked by converting it: jsonschema takes ~35 µs an interval)."""
    threads = run.get("threads")
    if not isinstance(threads, list):
        return run
    cut = [
        {**t, "states": t["states"][:items]}
        if isinstance(t, dict) and isinstance(t.get("states"), list)
        else t
        for t in threads
    ]
    return {**run, "threads": cut}


def _where(item: Any, definition: str, place: list[Any], exc: Exception) -> str:
    return problem(RESULTS, item, definition=definition, at=place) or v.placed(place, exc)
