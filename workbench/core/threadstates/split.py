"""From readings of one thread to its timeline: where the time between two readings went.

Each reading holds the thread's state (ready, or blocked in lock / io / other) and the two
counters of ``…/schedstat``: ns it has spent on a core and ns it has waited on the run queue.
Between two readings, the counters' growth says how much of the interval the thread ran and
how much it waited for a core; the rest of the interval it was blocked, in the state seen.

The counters lag. The kernel adds a thread's run time at each scheduler tick (every 4 ms at
HZ=250) and when it leaves the core, and its run-queue wait only when it *gets* a core: a
thread that waits 10 ms shows no wait until the end of those 10 ms. So ready time is not
labelled reading by reading: it is held as a *stretch* and labelled as the counters explain
it, and the whole stretch settles when the thread blocks, when both counters are exact.
Totals come out exact; the picture is right to a tick or so.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.threadstates.model import Interval, IntervalMerger, ThreadState

READY = ThreadState.RUNNING
"""A reading can only tell *ready* (state R): running or runnable is the counters' call."""

STALE_NS = 20_000_000
"""Ready time the counters still have not explained after this long is waiting for a core:
a running thread's time is counted within a tick (10 ms at the slowest, HZ=100), but a
queued one's only once it runs — and on a virtual machine, time the hypervisor stole from
the core is never counted."""

Reading = tuple[int, ThreadState, int, int]
"""(t_ns, state, run_ns, wait_ns): a state (RUNNING meaning ready) and the schedstat
counters, read at ``t_ns``."""


def _fit(run_ns: int, wait_ns: int, length: int) -> tuple[int, int]:
    """Counters that claim more than the interval (the counters' clock and ours differ by
    a little) are scaled down to fit it."""
    run_ns, wait_ns = max(0, run_ns), max(0, wait_ns)
    total = run_ns + wait_ns
    if total <= length:
        return run_ns, wait_ns
    run_fit = run_ns * length // total
    return run_fit, length - run_fit


def split_interval(
    start_ns: int,
    end_ns: int,
    ran_ns: int,
    waited_ns: int,
    before: ThreadState,
    after: ThreadState,
    *,
    before_max_ns: int | None = None,
) -> list[Interval]:
    """Lay out an interval between two readings: ``ran_ns`` on a core, ``waited_ns`` on the
    run queue, the rest blocked in the state seen at either end.

    The layout is [before][runnable][running][after]: a thread that was blocked wakes up,
    waits for a core, runs, and blocks again. Blocked at both ends, the rest is shared half
    and half (at most ``before_max_ns`` before); blocked at one end, it all goes there;
    ready at both ends (``before``/``after`` RUNNING), it is running the counters have not
    caught up with yet.
    """
    length = end_ns - start_ns
    if length <= 0:
        return []
    ran, waited = _fit(ran_ns, waited_ns, length)
    rest = length - ran - waited
    before_blocked, after_blocked = before is not READY, after is not READY
    if before_blocked and after_blocked:
        lead = rest - rest // 2
    elif before_blocked:
        lead = rest
    else:
        lead = 0
    if before_max_ns is not None:
        lead = min(lead, max(0, before_max_ns))
    pieces = (
        (lead, before),
        (waited, ThreadState.RUNNABLE),
        (ran, ThreadState.RUNNING),
        (rest - lead, after if after_blocked else ThreadState.RUNNING),
    )
    out: list[Interval] = []
    t = start_ns
    for width, state in pieces:
        if width > 0:
            out.append((t, t + width, state))
            t += width
    return out


class ThreadTimelineBuilder:
    """Readings of one thread, in time order → its merged intervals (see the module doc).

    Not thread-safe: one sampler thread feeds it; :meth:`close` gives the result.
    """

    __slots__ = (
        "_lead_max",
        "_lead_state",
        "_merger",
        "_owed_wait",
        "_pool_run",
        "_pool_wait",
        "_stretch",
        "last",
    )

    def __init__(self) -> None:
        self._merger = IntervalMerger()
        self.last: Reading | None = None
        self._stretch: int | None = None
        """Start of the ready time not yet labelled (None: the thread is blocked)."""
        self._lead_state: ThreadState | None = None
        self._lead_max = 0
        self._pool_run = self._pool_wait = 0
        self._owed_wait = 0

    def add(
        self,
        t_ns: int,
        state: ThreadState,
        run_ns: int,
        wait_ns: int,
        *,
        born_after_ns: int | None = None,
    ) -> None:
        """One reading. ``born_after_ns`` (first reading only): the thread did not exist at
        that time, so the counters it shows now were all spent since — placed just before
        this reading instead of lost."""
        last = self.last
        self.last = (t_ns, state, run_ns, wait_ns)
        if last is None:
            self._first(t_ns, state, run_ns, wait_ns, born_after_ns)
            return
        last_t, last_state, last_run, last_wait = last
        if t_ns <= last_t:
            self.last = last
            return
        ran, waited = max(0, run_ns - last_run), max(0, wait_ns - last_wait)
        if self._owed_wait:
            paid = min(self._owed_wait, waited)
            self._owed_wait -= paid
            waited -= paid
        if self._stretch is None:
            if state is last_state and not (ran or waited):  # still asleep: the common case
                self._merger.add(last_t, t_ns, state)
                return
            early = ran + waited - (t_ns - last_t)
            if early > 0:  # it woke before the last reading and waited for a core since
                waited -= self._merger.relabel_tail(
                    min(early, waited), ThreadState.RUNNABLE, last_state
                )
            if state is not READY:
                for piece in split_interval(last_t, t_ns, ran, waited, last_state, state):
                    self._merger.add(*piece)
                return
            self._stretch, self._lead_state, self._lead_max = last_t, last_state, t_ns - last_t
        self._pool_run += ran
        self._pool_wait += waited
        if state is READY:
            self._settle_part(t_ns)
        else:
            self._settle(t_ns, state)

    def _first(
        self, t_ns: int, state: ThreadState, run_ns: int, wait_ns: int, born_after: int | None
    ) -> None:
        if born_after is not None and born_after < t_ns:
            ran, waited = _fit(run_ns, wait_ns, t_ns - born_after)
            start = t_ns - ran - waited
            self._merger.add(start, start + waited, ThreadState.RUNNABLE)
            self._merger.add(start + waited, t_ns, ThreadState.RUNNING)
        if state is READY:
            self._stretch, self._lead_state = t_ns, None

    def _settle_part(self, t_ns: int) -> None:
        """Label the part of the stretch the counters explain so far; keep the rest open."""
        start = self._stretch
        assert start is not None
        pending = t_ns - start
        waited = min(self._pool_wait, pending)
        ran = min(self._pool_run, pending - waited)
        explained = waited + ran
        if explained:
            lead = 0
            if self._lead_state is not None:
                unexplained = pending - explained
                lead = min(self._lead_max, unexplained - unexplained // 2)
                self._merger.add(start, start + lead, self._lead_state)
                self._lead_state = None
            t = start + lead
            self._merger.add(t, t + waited, ThreadState.RUNNABLE)
            self._merger.add(t + waited, t + explained, ThreadState.RUNNING)
            self._pool_wait -= waited
            self._pool_run -= ran
            start = self._stretch = t + explained
        self._settle_stale(t_ns)

    def _settle_stale(self, t_ns: int) -> None:
        """Ready time older than :data:`STALE_NS` that the counters do not explain yet was
        spent waiting for a core; the wait that arrives later pays for it."""
        start = self._stretch
        assert start is not None
        stale = t_ns - start - STALE_NS
        if stale > 0:
            self._lead_state = None
            self._merger.add(start, start + stale, ThreadState.RUNNABLE)
            self._owed_wait += stale
            self._stretch = start + stale

    def _settle(self, t_ns: int, after: ThreadState) -> None:
        """The thread is blocked now, so the counters are exact: label the whole stretch."""
        start = self._stretch
        assert start is not None
        before = self._lead_state if self._lead_state is not None else READY
        pieces = split_interval(
            start,
            t_ns,
            self._pool_run,
            self._pool_wait,
            before,
            after,
            before_max_ns=self._lead_max if self._lead_state is not None else None,
        )
        for piece in pieces:
            self._merger.add(*piece)
        self._stretch, self._lead_state = None, None
        self._pool_run = self._pool_wait = 0

    @property
    def settled(self) -> list[Interval]:
        """The intervals labelled so far (the live list: read it where the feeding thread
        cannot add meanwhile); ready time the counters have not explained yet is not in it."""
        return self._merger.intervals

    def close(self) -> tuple[Interval, ...]:
        """The intervals up to the last reading; ready time still open is settled: waiting
        for a core where it is older than :data:`STALE_NS`, else running (the kernel owes a
        running thread at most a tick's time)."""
        if self._stretch is not None and self.last is not None:
            self._settle_stale(self.last[0])
            self._settle(self.last[0], READY)
        return tuple(self._merger.intervals)


def timeline_from_readings(readings: Iterable[Reading]) -> tuple[Interval, ...]:
    """Readings of one thread, in time order → its merged intervals."""
    builder = ThreadTimelineBuilder()
    for t_ns, state, run_ns, wait_ns in readings:
        builder.add(t_ns, state, run_ns, wait_ns)
    return builder.close()
