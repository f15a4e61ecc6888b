"""A task's running slices, read from outside: its thread's *running* time within its life.

The inside-the-task view draws when each task really ran — on a core, not waiting for the
GIL, for a core or for IO. A heartbeat every few thousand iterations inside the task's loop
can tell (:mod:`workbench.core.heartbeat`), but it costs the measured run a point or two of
its time; the thread-state sampler already reads each thread from the engine's process, so
where it can (``/proc``), a sync task's slices are its thread's running intervals over
[start, end), and the loop runs as the user wrote it. The slices are as fine as the
sampler's readings (about a millisecond while a core is free, coarser while the run keeps
every core busy); each one's core is the one its thread was last seen on when the reading
after the slice's end was taken.

Between two readings the scheduler's counters say how long a thread ran, not when, so a task
shorter than the interval between readings gets no slices (it keeps a plain bar, as a task
with no heartbeats does): of 100,000 sequential ``sleep(0)`` tasks of ~60 µs, read every few
milliseconds, a fifth would have been given their whole life as running and the rest nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from workbench.core.heartbeat import NO_CORE
from workbench.core.threadstates.model import Interval, ThreadState

Slices = tuple[tuple[int, int], ...]


def _end(interval: Interval) -> int:
    return interval[1]


def running_within(
    intervals: Sequence[Interval],
    start_ns: int,
    end_ns: int,
    ends: Sequence[int] | None = None,
) -> Slices:
    """The running intervals of one thread's time-ordered ``intervals``, cut to [start, end).
    ``ends``: the intervals' ends, for a caller asking about many tasks of one thread."""
    slices: list[tuple[int, int]] = []
    if end_ns <= start_ns:
        return ()
    if ends is None:
        first = bisect.bisect_right(intervals, start_ns, key=_end)
    else:
        first = bisect.bisect_right(ends, start_ns)
    for index in range(first, len(intervals)):
        begin, end, state = intervals[index]
        if begin >= end_ns:
            break
        if state is ThreadState.RUNNING:
            low, high = max(begin, start_ns), min(end, end_ns)
            if high > low:
                slices.append((low, high))
    return tuple(slices)


def core_after(times: Sequence[int], cores: Sequence[int], t_ns: int) -> int:
    """The core seen at the first reading at or after ``t_ns`` (the one that saw the thread's
    running up to then), else at the last one; :data:`NO_CORE` when there are none.
    ``times`` and ``cores``: the readings, in time order."""
    if not times:
        return NO_CORE
    return cores[min(bisect.bisect_left(times, t_ns), len(times) - 1)]


def running_slices(
    intervals: Sequence[Interval],
    times: Sequence[int],
    cores: Sequence[int],
    start_ns: int,
    end_ns: int,
    ends: Sequence[int] | None = None,
) -> tuple[Slices, tuple[int, ...]]:
    """A task's running slices on its thread over [start, end), and the core of each (none
    when the thread's cores were not read: ``times`` empty); ``ends`` as for
    :func:`running_within`."""
    slices = running_within(intervals, start_ns, end_ns, ends)
    if not times or not slices:
        return slices, ()
    return slices, tuple(core_after(times, cores, end) for _, end in slices)
