"""What each OS thread was doing, over time: the records the thread-state sampler produces.

A thread is always in one of five states. The split is the one a class needs to see the GIL:
*running* (on a core), *runnable* (ready, but every core is busy: waiting for a core), *lock*
(asleep on a futex: the GIL, or any other lock), *io* (asleep on a file, a socket, a pipe, a
poll or a timer) and *other* (asleep for any other reason, or for a reason the OS does not
tell). Times are integer nanoseconds on the engine's clock (``perf_counter_ns``); a timeline
is re-timed onto a run's axis with :meth:`ThreadTimeline.shifted`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ThreadState(StrEnum):
    RUNNING = "running"
    RUNNABLE = "runnable"
    """Ready to run, waiting for a core (on the scheduler's run queue)."""
    LOCK = "lock"
    """Blocked on a futex: the GIL or another lock (or a condition, an event, a join)."""
    IO = "io"
    """Blocked on IO or a timer: read/write/recv/send, poll/select/epoll, sleep, accept…"""
    OTHER = "other"
    """Not running for another reason, or for one the OS cannot tell."""


ALL_STATES: tuple[ThreadState, ...] = tuple(ThreadState)

Interval = tuple[int, int, ThreadState]
"""(start_ns, end_ns, state): the thread was in ``state`` over [start, end)."""

ThreadKey = tuple[int, int]
"""(pid, native_id): an OS thread, unique while it lives (and in practice over a run)."""


@dataclass(frozen=True, slots=True)
class ThreadTimeline:
    """One OS thread's states, as merged intervals in time order, with no overlaps.

    Gaps are stretches the sampler did not see the thread (before it was found, or when a
    state could not be told on this OS): they belong to no state.
    """

    pid: int
    native_id: int
    name: str
    intervals: tuple[Interval, ...]

    @property
    def key(self) -> ThreadKey:
        return self.pid, self.native_id

    @property
    def start_ns(self) -> int | None:
        return self.intervals[0][0] if self.intervals else None

    @property
    def end_ns(self) -> int | None:
        return self.intervals[-1][1] if self.intervals else None

    def shifted(self, by_ns: int, *, from_ns: int | None = None) -> ThreadTimeline:
        """The same timeline moved by ``by_ns`` (e.g. ``-t0``), cut to start at ``from_ns``."""
        moved: list[Interval] = []
        floor = from_ns
        for start, end, state in self.intervals:
            low, high = start + by_ns, end + by_ns
            if floor is not None:
                if high <= floor:
                    continue
                low = max(low, floor)
            moved.append((low, high, state))
        return ThreadTimeline(self.pid, self.native_id, self.name, tuple(moved))


@dataclass(frozen=True, slots=True)
class ThreadCores:
    """The cores one OS thread ran on, read now and then after it had run (the core it ran
    on last): at ``times[i]``, ``cores[i]``. Kept by the engine to give tasks' running slices
    their cores; not part of a run's record."""

    pid: int
    native_id: int
    times: tuple[int, ...]
    cores: tuple[int, ...]

    @property
    def key(self) -> ThreadKey:
        return self.pid, self.native_id


def on_run_axis(timelines: Iterable[ThreadTimeline], t0_ns: int) -> tuple[ThreadTimeline, ...]:
    """Timelines re-timed relative to a run's start, cut at it (what came before is not the
    run's); threads seen only before the start are dropped."""
    shifted = (timeline.shifted(-t0_ns, from_ns=0) for timeline in timelines)
    return tuple(timeline for timeline in shifted if timeline.intervals)


class IntervalMerger:
    """Collects intervals in time order, merging a piece into the previous one when both
    have the same state and touch: a thread that stays in one state for a second costs one
    interval, not a thousand samples."""

    __slots__ = ("intervals",)

    def __init__(self) -> None:
        self.intervals: list[Interval] = []

    def add(self, start: int, end: int, state: ThreadState) -> None:
        if end <= start:
            return
        intervals = self.intervals
        if intervals:
            last_start, last_end, last_state = intervals[-1]
            if last_state == state and last_end == start:
                intervals[-1] = (last_start, end, state)
                return
        intervals.append((start, end, state))

    def relabel_tail(self, duration: int, state: ThreadState, only: ThreadState) -> int:
        """Relabel up to ``duration`` ns at the end of the last interval as ``state``, if
        that interval is in state ``only``; returns how much was relabelled. (A sleeping
        thread's wake-up shows in the counters only once it has run: the wait for a core
        that came before is found after it was labelled asleep.)"""
        intervals = self.intervals
        if duration <= 0 or not intervals or intervals[-1][2] != only:
            return 0
        start, end, _ = intervals[-1]
        taken = min(duration, end - start)
        if taken == end - start:
            intervals.pop()
        else:
            intervals[-1] = (start, end - taken, only)
        self.add(end - taken, end, state)
        return taken

    @property
    def end_ns(self) -> int | None:
        return self.intervals[-1][1] if self.intervals else None
