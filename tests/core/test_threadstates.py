"""Thread states, the pure part: classifying readings, splitting intervals, task accounting."""

from __future__ import annotations

import itertools

import pytest

from workbench.core.threadstates import (
    ThreadState,
    ThreadTimeline,
    classify,
    index_timelines,
    on_run_axis,
    share,
    shares,
    split_interval,
    states_between,
    states_by_task,
    states_seconds,
    syscall_table,
    task_states,
    timeline_from_readings,
    together_ns,
)
from workbench.core.threadstates.fallback import timeline_from_cpu_times
from workbench.core.threadstates.split import STALE_NS, ThreadTimelineBuilder
from workbench.core.threadstates.syscalls import state_from_wchan, syscall_number

RUN, READY, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO, OTHER = ThreadState.LOCK, ThreadState.IO, ThreadState.OTHER
MS = 1_000_000
X86, ARM = syscall_table("x86_64"), syscall_table("aarch64")


def totals(intervals: tuple[tuple[int, int, ThreadState], ...]) -> dict[ThreadState, int]:
    return states_between(intervals, intervals[0][0], intervals[-1][1])


def assert_contiguous(intervals: tuple[tuple[int, int, ThreadState], ...]) -> None:
    for (_, end, state), (start, _, following) in itertools.pairwise(intervals):
        assert end == start, "no gaps, no overlaps"
        assert state != following, "neighbours of the same state are merged"


# --- classifying one reading ------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter", "syscall", "wchan", "table", "expected"),
    [
        ("R", None, None, X86, READY),
        ("", "running", None, X86, READY),
        ("S", "202 0x55 0x189 0x0 0x0 0x0 0xffffffff 0x7f 0x7f", None, X86, LOCK),
        ("S", "230 0x1 0x1 0x7f 0x0 0x0 0x0 0x7f 0x7f", None, X86, IO),  # clock_nanosleep
        ("S", "0 0x3 0x7f 0x1 0x0 0x0 0x0 0x7f 0x7f", None, X86, IO),  # read
        ("S", "270 0x4 0x7f 0x0 0x0 0x7f 0x0 0x7f 0x7f", None, X86, IO),  # pselect6
        ("S", "98 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", None, ARM, LOCK),  # futex on aarch64
        ("S", "115 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", None, ARM, IO),  # clock_nanosleep there
        ("S", "202 0x3 0x0 0x0 0x0 0x0 0x0 0x0 0x0", None, ARM, IO),  # 202 is accept there
        ("S", "61 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", None, X86, OTHER),  # wait4: not listed
        ("D", "4 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", None, X86, IO),  # stat on a slow disk
        ("S", None, "futex_wait_queue", X86, LOCK),  # no right to read syscall
        ("S", None, "hrtimer_nanosleep", None, IO),
        ("S", None, "ep_poll", None, IO),
        ("S", None, "anon_pipe_read", None, IO),
        ("S", None, "poll_schedule_timeout.constprop.0", None, IO),
        ("S", None, "do_wait", None, OTHER),
        ("S", None, "0", None, OTHER),  # wchan hidden from us
        ("D", None, "0", None, IO),
        ("T", None, None, None, OTHER),
    ],
)
def test_a_reading_is_classified_by_syscall_then_wait_channel_then_letter(
    letter: str,
    syscall: str | None,
    wchan: str | None,
    table: dict[int, ThreadState] | None,
    expected: ThreadState,
) -> None:
    assert classify(letter, syscall, wchan, table) is expected


def test_syscall_tables_exist_for_x86_64_and_aarch64_only_where_known() -> None:
    assert X86 is not None and ARM is not None
    assert X86[202] is LOCK and ARM[98] is LOCK
    assert syscall_table("AMD64") is X86
    assert syscall_table("sparc64") is None
    assert syscall_number("running") is None
    assert syscall_number("-1 0x0 0x0") == -1
    assert state_from_wchan("") is OTHER


# --- splitting an interval between two readings -----------------------------------------


def test_blocked_at_both_ends_the_counters_time_sits_between_halves_of_the_wait() -> None:
    pieces = split_interval(0, 10 * MS, 1 * MS, 1 * MS, LOCK, IO)
    assert pieces == [
        (0, 4 * MS, LOCK),
        (4 * MS, 5 * MS, RUNNABLE),
        (5 * MS, 6 * MS, RUN),
        (6 * MS, 10 * MS, IO),
    ]


def test_woken_in_the_interval_it_first_sleeps_then_waits_then_runs() -> None:
    pieces = split_interval(0, 10 * MS, 6 * MS, 1 * MS, IO, READY)
    assert pieces == [(0, 3 * MS, IO), (3 * MS, 4 * MS, RUNNABLE), (4 * MS, 10 * MS, RUN)]


def test_blocking_in_the_interval_it_runs_then_sleeps_in_the_state_seen_after() -> None:
    pieces = split_interval(0, 10 * MS, 4 * MS, 0, READY, LOCK)
    assert pieces == [(0, 4 * MS, RUN), (4 * MS, 10 * MS, LOCK)]


def test_counters_claiming_more_than_the_interval_are_scaled_to_fit() -> None:
    pieces = split_interval(0, 10 * MS, 15 * MS, 5 * MS, READY, READY)
    assert pieces == [(0, int(2.5 * MS), RUNNABLE), (int(2.5 * MS), 10 * MS, RUN)]
    assert split_interval(5, 5, 1, 1, READY, READY) == []


# --- a thread's readings → its timeline -------------------------------------------------


def test_a_sleeping_thread_is_one_interval() -> None:
    readings = [(t * MS, IO, 50_000, 1_000) for t in range(100)]
    assert timeline_from_readings(readings) == ((0, 99 * MS, IO),)


def test_two_threads_taking_turns_on_the_gil_show_running_and_lock_exactly() -> None:
    """5 ms on the GIL, 5 ms waiting for it, read every ms (half a ms off the switches).
    The run counter moves only at a 4 ms tick or when the thread blocks, yet the picture
    comes out exact."""
    readings = []
    for k in range(100):
        t = k * MS + MS // 2
        period, within = divmod(t, 10 * MS)
        if within < 5 * MS:  # holding the GIL: counted at its first tick, 4 ms in
            readings.append((t, READY, period * 5 * MS + (4 * MS if within >= 4 * MS else 0), 0))
        else:  # waiting for it: the switch counted the whole run
            readings.append((t, LOCK, (period + 1) * 5 * MS, 0))
    intervals = timeline_from_readings(readings)
    assert_contiguous(intervals)
    assert intervals[2:6] == (
        (10 * MS, 15 * MS, RUN),
        (15 * MS, 20 * MS, LOCK),
        (20 * MS, 25 * MS, RUN),
        (25 * MS, 30 * MS, LOCK),
    )
    # the counters' total is kept to the ns (the first reading's own lag included)
    assert totals(intervals) == {RUN: 50 * MS, LOCK: 49 * MS}


def test_waiting_for_a_core_is_placed_back_where_it_happened() -> None:
    """The run-queue wait appears in the counters only once the thread gets a core: the
    3 ms it waited are labelled runnable when it runs, where they were, not later."""
    readings = [
        (0, READY, 0, 0),
        (1 * MS, READY, 1 * MS, 0),  # running
        (2 * MS, READY, 1 * MS, 0),  # preempted at 1 ms: nothing moves while it waits
        (3 * MS, READY, 1 * MS, 0),
        (4 * MS, READY, 1 * MS, 0),
        (5 * MS, READY, 2 * MS, 3 * MS),  # got a core at 4 ms: the wait arrives at once
        (6 * MS, LOCK, 3 * MS, 3 * MS),
    ]
    assert timeline_from_readings(readings) == (
        (0, 1 * MS, RUN),
        (1 * MS, 4 * MS, RUNNABLE),
        (4 * MS, 6 * MS, RUN),
    )


def test_a_sleeper_woken_between_readings_waited_for_a_core_before_it_ran() -> None:
    """Asleep at both readings, yet the counters grew by more than the interval: it woke
    earlier and queued for a core; that wait is carved out of the sleep already recorded."""
    readings = [(t * MS, IO, 0, 0) for t in range(11)]
    readings += [(11 * MS, IO, MS // 10, 4 * MS), (12 * MS, IO, MS // 10, 4 * MS)]
    assert timeline_from_readings(readings) == (
        (0, 69 * MS // 10, IO),
        (69 * MS // 10, 109 * MS // 10, RUNNABLE),
        (109 * MS // 10, 11 * MS, RUN),
        (11 * MS, 12 * MS, IO),
    )


def test_ready_time_nothing_explains_for_long_is_waiting_for_a_core_and_not_counted_twice() -> None:
    builder = ThreadTimelineBuilder()
    long_wait = STALE_NS + 50 * MS
    for ms in range(long_wait // MS + 1):
        builder.add(ms * MS, READY, 0, 0)
    stale = builder.close()
    assert totals(stale)[RUNNABLE] == long_wait - STALE_NS
    builder = ThreadTimelineBuilder()
    for ms in range(long_wait // MS + 1):
        builder.add(ms * MS, READY, 0, 0)
    # the core comes at last: the whole wait arrives, then 10 ms of running, then a block
    builder.add(long_wait + 10 * MS, READY, 10 * MS, long_wait)
    builder.add(long_wait + 11 * MS, IO, 11 * MS, long_wait)
    intervals = builder.close()
    assert_contiguous(intervals)
    assert totals(intervals) == {RUNNABLE: long_wait, RUN: 11 * MS}


def test_a_thread_found_late_gets_its_counted_time_just_before_it_was_found() -> None:
    builder = ThreadTimelineBuilder()
    builder.add(10 * MS, READY, 3 * MS, 1 * MS, born_after_ns=2 * MS)
    builder.add(11 * MS, IO, 4 * MS, 1 * MS)
    assert builder.close() == (
        (6 * MS, 7 * MS, RUNNABLE),
        (7 * MS, 11 * MS, RUN),
    )


def test_ready_time_open_at_the_end_is_running_and_readings_out_of_order_are_ignored() -> None:
    builder = ThreadTimelineBuilder()
    builder.add(0, IO, 0, 0)
    builder.add(2 * MS, READY, 0, 0)
    builder.add(1 * MS, LOCK, 0, 0)  # out of order: dropped
    builder.add(4 * MS, READY, 1 * MS, 0)
    intervals = builder.close()
    assert totals(intervals)[RUN] >= 2 * MS
    assert intervals[-1] == (intervals[-1][0], 4 * MS, RUN)


# --- a task's share of each state -------------------------------------------------------

GIL_THREAD = ThreadTimeline(
    10,
    11,
    "worker",
    ((0, 5, RUN), (5, 10, LOCK), (10, 15, RUN), (15, 20, LOCK), (20, 30, IO)),
)
OTHER_THREAD = ThreadTimeline(10, 12, "other", ((0, 5, LOCK), (5, 10, RUN), (10, 30, RUN)))


def test_a_tasks_states_are_its_threads_cut_to_its_life() -> None:
    assert task_states(3, 22, 10, 11, [GIL_THREAD, OTHER_THREAD]) == {RUN: 7, LOCK: 10, IO: 2}
    index = index_timelines([GIL_THREAD, OTHER_THREAD])
    assert task_states(3, 22, 10, 12, index) == {LOCK: 2, RUN: 17}
    assert task_states(0, 10, 99, 99, index) == {}
    assert task_states(8, 8, 10, 11, index) == {}


def test_tasks_run_one_after_another_on_a_pool_worker_each_get_their_own_span() -> None:
    split = states_by_task([("a", 0, 10), ("b", 10, 20), ("c", 20, 40)], GIL_THREAD)
    assert split == {"a": {RUN: 5, LOCK: 5}, "b": {RUN: 5, LOCK: 5}, "c": {IO: 10}}


def test_shares_of_the_time_observed_or_of_a_whole_life() -> None:
    times = {RUN: 30, LOCK: 50, IO: 20}
    assert shares(times) == {RUN: 0.3, LOCK: 0.5, IO: 0.2}
    assert share(times, LOCK, of_ns=200) == 0.25
    assert share(times, RUNNABLE) == 0.0
    assert shares({}) == {}


def test_seconds_for_results_name_every_state_this_os_can_tell() -> None:
    assert states_seconds({RUN: 1_500_000_000}) == {
        "running": 1.5,
        "runnable": 0.0,
        "lock": 0.0,
        "io": 0.0,
        "other": 0.0,
    }
    assert states_seconds({RUN: 2_000_000_000}, known=(RUN, OTHER)) == {
        "running": 2.0,
        "other": 0.0,
    }


def test_time_two_threads_ran_at_once() -> None:
    assert together_ns([GIL_THREAD, OTHER_THREAD], RUN) == 5
    assert together_ns([GIL_THREAD, OTHER_THREAD], RUN, at_least=1) == 30
    assert together_ns([GIL_THREAD, OTHER_THREAD], RUN, start_ns=12, end_ns=14) == 2


def test_timelines_on_a_runs_axis_are_shifted_and_cut_at_its_start() -> None:
    early = ThreadTimeline(1, 1, "gone before t0", ((0, 10, IO),))
    shifted = on_run_axis([GIL_THREAD, early], t0_ns=12)
    assert shifted == (ThreadTimeline(10, 11, "worker", ((0, 3, RUN), (3, 8, LOCK), (8, 18, IO))),)
    assert GIL_THREAD.shifted(100).intervals[0] == (100, 105, RUN)
    assert GIL_THREAD.start_ns == 0 and GIL_THREAD.end_ns == 30


# --- the portable fallback: running or not, from CPU times ------------------------------


def test_cpu_time_polls_give_running_and_not_running_with_ticks_carried() -> None:
    busy = timeline_from_cpu_times([(t * 20 * MS, t * 20 * MS // 10 * 10) for t in range(6)])
    assert totals(busy) == {RUN: 100 * MS}
    lumpy = timeline_from_cpu_times([(0, 0), (20 * MS, 30 * MS), (40 * MS, 30 * MS)])
    assert totals(lumpy) == {RUN: 30 * MS, OTHER: 10 * MS}
    idle = timeline_from_cpu_times([(0, 5), (20 * MS, 5), (40 * MS, 5)])
    assert idle == ((0, 40 * MS, OTHER),)
