"""How long a task spent in each state: its thread's timeline cut to the task's life.

A task runs on one OS thread (a thread of its own, a pool's thread, a pool worker's main
thread, or the event loop's thread shared by every coroutine). Given which thread ran it
and when, its states are the thread's intervals over [start, end) — so the results can say
"each thread waited for the GIL about half its life".
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from workbench.core.clock import to_seconds
from workbench.core.threadstates.model import (
    ALL_STATES,
    Interval,
    ThreadKey,
    ThreadState,
    ThreadTimeline,
)

StateTimes = dict[ThreadState, int]
"""ns in each state; a state the sampler never saw for this stretch is absent."""

TaskId = TypeVar("TaskId")


def _end(interval: Interval) -> int:
    return interval[1]


def states_between(intervals: Sequence[Interval], start_ns: int, end_ns: int) -> StateTimes:
    """ns in each state over [start, end) of one thread's time-ordered intervals."""
    times: StateTimes = {}
    if end_ns <= start_ns:
        return times
    first = bisect.bisect_right(intervals, start_ns, key=_end)
    for index in range(first, len(intervals)):
        begin, end, state = intervals[index]
        if begin >= end_ns:
            break
        overlap = min(end, end_ns) - max(begin, start_ns)
        if overlap > 0:
            times[state] = times.get(state, 0) + overlap
    return times


def index_timelines(timelines: Iterable[ThreadTimeline]) -> dict[ThreadKey, ThreadTimeline]:
    return {timeline.key: timeline for timeline in timelines}


def task_states(
    start_ns: int,
    end_ns: int,
    pid: int,
    native_id: int,
    timelines: Mapping[ThreadKey, ThreadTimeline] | Iterable[ThreadTimeline],
) -> StateTimes:
    """A task's ns in each state over its life, given the thread that ran it.

    Pass :func:`index_timelines`'s mapping when asking for many tasks. An unknown thread
    (never sampled: it lived between two looks, or the OS hides it) gives an empty dict.
    """
    if isinstance(timelines, Mapping):
        timeline = timelines.get((pid, native_id))
    else:
        timeline = next((t for t in timelines if t.key == (pid, native_id)), None)
    return {} if timeline is None else states_between(timeline.intervals, start_ns, end_ns)


def states_by_task(
    spans: Iterable[tuple[TaskId, int, int]], timeline: ThreadTimeline
) -> dict[TaskId, StateTimes]:
    """Tasks that ran on one thread one after another (a pool worker's tasks), each as
    (task id, start, end): each task's states over its own span.

    Spans that overlap (coroutines sharing the loop's thread) each get the thread's states
    over their whole life: the thread was in them while the task was alive.
    """
    return {task: states_between(timeline.intervals, start, end) for task, start, end in spans}


def total(times: Mapping[ThreadState, int]) -> int:
    return sum(times.values())


def shares(times: Mapping[ThreadState, int], of_ns: int | None = None) -> dict[ThreadState, float]:
    """Each state's share (0–1) of the time observed, or of ``of_ns`` (e.g. the task's life:
    then the shares add up to less than 1 where the sampler did not see the thread)."""
    whole = total(times) if of_ns is None else of_ns
    if whole <= 0:
        return {}
    return {state: ns / whole for state, ns in times.items()}


def share(times: Mapping[ThreadState, int], state: ThreadState, of_ns: int | None = None) -> float:
    """One state's share (0–1) of the time observed (or of ``of_ns``); 0 if none was."""
    return shares(times, of_ns).get(state, 0.0)


def states_seconds(
    times: Mapping[ThreadState, int], known: Iterable[ThreadState] = ALL_STATES
) -> dict[str, float]:
    """``{"running": 1.2, "runnable": 0.0, …}`` for a results file: every state this OS can
    tell (``known``; 0 where none was seen), none it cannot."""
    return {str(state): to_seconds(times.get(state, 0)) for state in known}


def together_ns(
    timelines: Iterable[ThreadTimeline],
    state: ThreadState,
    at_least: int = 2,
    start_ns: int | None = None,
    end_ns: int | None = None,
) -> int:
    """ns during which ``at_least`` of these threads were in ``state`` at once (within
    [start, end) if given): e.g. two GIL-bound threads *running* together."""
    edges: list[tuple[int, int]] = []
    for timeline in timelines:
        for begin, end, seen in timeline.intervals:
            if seen is not state:
                continue
            low = begin if start_ns is None else max(begin, start_ns)
            high = end if end_ns is None else min(end, end_ns)
            if high > low:
                edges.append((low, 1))
                edges.append((high, -1))
    edges.sort()
    inside = 0
    since = 0
    together = 0
    for t, step in edges:
        if inside >= at_least:
            together += t - since
        inside += step
        since = t
    return together


def merge_states(parts: Iterable[Mapping[ThreadState, int]]) -> StateTimes:
    """Sum several tasks' (or threads') state times."""
    summed: StateTimes = {}
    for part in parts:
        for state, ns in part.items():
            summed[state] = summed.get(state, 0) + ns
    return summed


def busiest(times: Mapping[ThreadState, int]) -> ThreadState | None:
    """The state with the most time (None if nothing was observed)."""
    top = max(times.items(), key=lambda item: item[1], default=None)
    return top[0] if top is not None and top[1] > 0 else None
