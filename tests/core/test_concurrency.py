"""Concurrency over time (alive vs running step series) and event-loop lag percentiles."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.concurrency import (
    StepCounter,
    concurrency,
    concurrency_of,
    lag_stats,
    nearest_rank,
    step_counts,
)
from workbench.core.results import LagSample, Run, TaskSpan


def test_step_counts_of_overlapping_intervals() -> None:
    edges, counts = step_counts(np.array([0, 5, 5]), np.array([10, 7, 5]))
    # [0,5): 1 · [5,7): 2 (the zero-length interval at 5 counts for no time) · [7,10): 1
    assert edges.tolist() == [0, 5, 7, 10]
    assert counts.tolist() == [1, 2, 1]


def test_touching_intervals_do_not_count_twice() -> None:
    edges, counts = step_counts(np.array([0, 10]), np.array([10, 20]))
    assert edges.tolist() == [0, 10, 20]
    assert counts.tolist() == [1, 1]


def test_empty_and_mismatched_input() -> None:
    edges, counts = step_counts(np.empty(0), np.empty(0))
    assert edges.size == 0 and counts.size == 0
    with pytest.raises(ValueError, match="differ in length"):
        step_counts(np.array([1, 2]), np.array([3]))


def test_step_counts_match_a_brute_force_count() -> None:
    rng = np.random.default_rng(5)
    starts = rng.integers(0, 1000, 300)
    ends = starts + rng.integers(0, 200, 300)
    edges, counts = step_counts(starts, ends)
    assert len(edges) == len(counts) + 1
    for left, count in zip(edges[:-1], counts, strict=True):
        assert count == np.count_nonzero((starts <= left) & (left < ends))


def test_gathered_sleeps_are_all_alive_but_run_one_at_a_time() -> None:
    spans = [
        TaskSpan(i, i, 1000 + i, "main", running=((i, i + 1), (999 + i, 1000 + i)))
        for i in range(5)
    ]
    result = concurrency(spans)
    assert result.peak_alive == 5
    assert result.peak_running == 1
    assert result.alive_t_ns[0] == 0 and result.alive_t_ns[-1] == 1004


def test_blocking_tasks_alive_and_running_one_after_another() -> None:
    spans = [
        TaskSpan(i, 100 * i, 100 * (i + 1), "main", running=((100 * i, 100 * (i + 1)),))
        for i in range(4)
    ]
    result = concurrency(spans)
    assert result.peak_alive == 1 and result.peak_running == 1


def test_unknown_running_gives_an_empty_running_series() -> None:
    result = concurrency([TaskSpan(0, 0, 10, "thread-1"), TaskSpan(1, 0, 10, "thread-2")])
    assert result.peak_alive == 2
    assert result.running.size == 0 and result.peak_running == 0


def test_lag_percentiles_pool_every_run_and_are_absent_without_samples() -> None:
    def run(lags: list[int]) -> Run:
        samples = tuple(LagSample(10 * (i + 1), lag) for i, lag in enumerate(lags))
        return Run("async-gather", 0, True, None, 1000, 0, 0, loop_lag=samples)

    stats = lag_stats([run(list(range(1, 51))), run(list(range(51, 101)))])
    assert stats is not None
    assert (stats.p50_ns, stats.p99_ns, stats.max_ns, stats.samples) == (50, 99, 100, 100)
    assert lag_stats([run([])]) is None
    assert nearest_rank([7], 0.99) == 7


@pytest.mark.parametrize("capacity", [0, 10, 1_000, 5_000])
def test_step_counter_fed_in_batches_matches_step_counts_with_open_intervals_at_now(
    capacity: int,
) -> None:
    rng = np.random.default_rng(7)
    starts = rng.integers(0, 1_000, 500)
    ends = starts + rng.integers(0, 300, 500)
    open_ = rng.random(500) < 0.3  # still running: they end at "now"
    now = int(ends.max()) + 50
    counter = StepCounter(capacity)  # none, too little (it grows), exactly, plenty
    for batch in np.array_split(rng.permutation(500), 7):  # events arrive out of order
        for i in batch:
            if open_[i]:
                counter.start(int(starts[i]))
            else:
                counter.interval(int(starts[i]), int(ends[i]))
        counter.series(now)  # asked between batches, as a live redraw does

    edges, counts = counter.series(now)

    want_edges, want_counts = step_counts(starts, np.where(open_, now, ends))
    assert edges.tolist() == want_edges.tolist()
    assert counts.tolist() == want_counts.tolist()


def test_a_step_counter_with_room_for_its_events_never_moves_them() -> None:
    # growing copies every event held at once (a freeze of the window at 100,000s)
    counter = StepCounter(capacity=2_000)
    buffers = counter._times, counter._edges
    for t in range(1_000):
        counter.interval(10 * t, 10 * t + 25)
        if t % 100 == 0:
            counter.series()
    edges, counts = counter.series()
    starts = 10 * np.arange(1_000)
    want_edges, want_counts = step_counts(starts, starts + 25)
    assert edges.tolist() == want_edges.tolist()
    assert counts.tolist() == want_counts.tolist()
    assert counter._times is buffers[0]
    assert counter._edges is buffers[1]


def test_step_counter_when_everything_has_ended_ignores_now() -> None:
    counter = StepCounter()
    counter.interval(0, 10)
    counter.interval(5, 5)  # zero length: no time
    edges, counts = counter.series(now_ns=99)
    want_edges, want_counts = step_counts(np.array([0, 5]), np.array([10, 5]))
    assert edges.tolist() == want_edges.tolist() == [0, 5, 10]
    assert counts.tolist() == want_counts.tolist() == [1, 1]


def test_the_union_and_the_overlap_of_running_slices() -> None:
    # two tasks: slices [0, 4) and [2, 6) overlap for 2 of the 6 ns something ran
    spans = (
        TaskSpan(0, 0, 10, "a", running=((0, 4),)),
        TaskSpan(1, 0, 10, "b", running=((2, 6),)),
    )
    result = concurrency(spans)
    assert result.running_ns == 6
    assert result.overlap_share == pytest.approx(2 / 6)


def test_a_runs_series_is_computed_once_and_forgotten_with_the_run() -> None:
    import gc

    from workbench.core import concurrency as module

    spans = (TaskSpan(0, 0, 10, "a", running=((0, 4),)),)
    run = Run("async-gather", 0, True, None, 10, 0, 0, spans, ())
    first = concurrency_of(run)
    assert concurrency_of(run) is first
    key = id(run)
    del run
    gc.collect()
    assert key not in module._of_run


@pytest.mark.parametrize("seed", range(6))
def test_step_counter_updated_from_the_earliest_new_event_equals_a_full_recount(
    seed: int,
) -> None:
    """The counter recomputes only from the earliest event of each batch on: after every
    batch — mostly near "now" as a live run sends them, some far back, ties, zero-length
    intervals, a counter begun from a finished run's intervals — its series is exactly what
    counting everything afresh gives."""
    rng = np.random.default_rng(seed)
    n = 3_000
    starts = np.sort(rng.integers(0, 5_000, n)) // (1 + seed % 3)  # ties grow with the seed
    ends = starts + rng.integers(0, 400, n) * (rng.random(n) < 0.9)
    late = rng.random(n) < 0.05  # a few arrive long after their time
    order = np.argsort(np.where(late, ends + 2_000, ends), kind="stable")
    first = 300 if seed % 2 else 0
    counter = StepCounter.of(starts[order[:first]], ends[order[:first]])
    held = list(order[:first])
    for batch in np.array_split(order[first:], 40):
        for i in batch:
            counter.interval(int(starts[i]), int(ends[i]))
        held.extend(batch)
        now = int(ends[held].max()) + 7
        edges, counts = counter.series(now)
        want_edges, want_counts = step_counts(starts[held], ends[held])
        assert edges.tolist() == want_edges.tolist()
        assert counts.tolist() == want_counts.tolist()
    counter.start(int(ends.max()) + 1)  # one open interval: it counts up to now
    edges, counts = counter.series(int(ends.max()) + 10)
    assert edges[-1] == int(ends.max()) + 10 and counts[-1] == 1
