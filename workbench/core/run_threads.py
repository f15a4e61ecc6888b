"""A run's threads, watched from the engine: the thread-state sampler around one child.

The engine is the parent of the run's process (and so of its pool workers), which lets it
read their threads' states from outside while they run (see :mod:`workbench.core.threadstates`):
the measured code carries no probe. This module is the engine's side of that, kept apart so
the engine only starts, stops and attaches.

**When sampling starts.** The sampler starts on the child's pid the moment the child is
spawned, *before* the run request is sent: the child cannot take its ``t0`` before it has
read that request (and its interpreter needs tens of milliseconds to start), so the sampler
is already reading every thread when the run's clock starts, and nothing of the run's first
milliseconds (threads starting, a pool forking) is lost. What it reads before ``t0`` — the
child importing and preparing — is not the run's and is cut off (:func:`on_run_axis`); its
cost then falls on the child's start-up, which no figure includes. Starting at the
``started`` message instead would miss the first ~1-5 ms (the message crosses a pipe and the
engine's loop first), exactly when a ``threads`` run starts its threads.

**What is kept.** Every thread's intervals on the run's axis, from ``t0`` to the end of the
run (``wall``), rounded to the microsecond and merged: a reading every millisecond or so
cannot place an edge closer than that, and a thread's timeline then costs its real changes
of state, not its readings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from workbench.core.results import ThreadSampling
from workbench.core.threadstates.model import (
    ALL_STATES,
    IntervalMerger,
    ThreadCores,
    ThreadKey,
    ThreadTimeline,
    on_run_axis,
)
from workbench.core.threadstates.sampler import SourceName, ThreadStateSampler
from workbench.core.threadstates.slices import Slices

RESOLUTION_NS = 1_000
"""Timelines are kept to the microsecond (the sampler reads every ≥ 1 ms)."""


def _rounded(ns: int) -> int:
    return round(ns / RESOLUTION_NS) * RESOLUTION_NS


def compact(timeline: ThreadTimeline, end_ns: int | None = None) -> ThreadTimeline:
    """The timeline rounded to :data:`RESOLUTION_NS`, merged, and cut at ``end_ns`` (at the
    whole µs before it, so nothing reaches past the run)."""
    merger = IntervalMerger()
    limit = None if end_ns is None else end_ns // RESOLUTION_NS * RESOLUTION_NS
    for start, end, state in timeline.intervals:
        low, high = _rounded(start), _rounded(end)
        if limit is not None:
            if low >= limit:
                break
            high = min(high, limit)
        merger.add(low, high, state)
    return ThreadTimeline(timeline.pid, timeline.native_id, timeline.name, tuple(merger.intervals))


def run_timelines(
    timelines: Iterable[ThreadTimeline], t0_ns: int, end_ns: int | None = None
) -> tuple[ThreadTimeline, ...]:
    """The sampler's timelines (engine clock) → the run's: relative to ``t0``, from 0 to
    ``end_ns``, compacted; threads with nothing left are dropped."""
    kept = (compact(timeline, end_ns) for timeline in on_run_axis(timelines, t0_ns))
    return tuple(timeline for timeline in kept if timeline.intervals)


class RunThreadWatch:
    """The thread-state sampler for one run's process tree (a no-op when ``enabled`` is
    False: the benchmark prices the sampler by switching it off)."""

    def __init__(
        self,
        pid: int,
        *,
        enabled: bool = True,
        source: SourceName = "auto",
        read_cores: bool = False,
    ) -> None:
        self._sampler = (
            ThreadStateSampler(pid, source=source, read_cores=read_cores) if enabled else None
        )
        self._timelines: tuple[ThreadTimeline, ...] = ()

    @property
    def reads_running(self) -> bool:
        """Whether it can give the run's sync tasks their running slices, cores and all
        (``read_cores`` asked, and ``/proc`` read)."""
        return self._sampler is not None and self._sampler.reads_cores

    def running_now(
        self, pid: int, native_id: int, start_ns: int, end_ns: int
    ) -> tuple[Slices, tuple[int, ...]] | None:
        """A thread's running slices over [start, end) (engine clock) as read so far, for a
        task that just ended (see :meth:`ThreadStateSampler.running_slices`)."""
        if self._sampler is None:
            return None
        return self._sampler.running_slices(pid, native_id, start_ns, end_ns)

    def start(self) -> None:
        if self._sampler is not None:
            self._sampler.start()

    async def stop(self) -> None:
        """Stop sampling; ``stop`` waits up to one tick (≤ 50 ms), so off the loop."""
        if self._sampler is not None:
            loop = asyncio.get_running_loop()
            self._timelines = await loop.run_in_executor(None, self._sampler.stop)

    def result(
        self, t0_ns: int | None, end_ns: int | None
    ) -> tuple[tuple[ThreadTimeline, ...], ThreadSampling | None]:
        """The run's thread timelines and how they were read (after :meth:`stop`); nothing
        when sampling was off or the run never started its clock."""
        sampler = self._sampler
        if sampler is None or t0_ns is None:
            return (), None
        cost = sampler.cost
        sampling = ThreadSampling(
            source=sampler.source,
            known=tuple(state for state in ALL_STATES if state in sampler.known_states),
            cpu_ns=_rounded(cost.cpu_ns),
            interval_ns=_rounded(cost.mean_interval_ns),
            error=sampler.error,
        )
        return run_timelines(self._timelines, t0_ns, end_ns), sampling

    def cores(self, t0_ns: int | None) -> dict[ThreadKey, ThreadCores]:
        """Each thread's core readings on the run's axis (after :meth:`stop`), their times
        rounded as the timelines' are (a slice ending at a reading still finds it)."""
        if self._sampler is None or t0_ns is None:
            return {}
        return {
            read.key: ThreadCores(
                read.pid, read.native_id, tuple(_rounded(t - t0_ns) for t in read.times), read.cores
            )
            for read in self._sampler.cores()
        }
