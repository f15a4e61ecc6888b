"""The CPU chart's intervals: a sample over a few ms is mostly the kernel's 10 ms rounding, so
it is merged with its neighbour before it is drawn (a 42 ms interval read 0 % on both cores
while 32 threads sent their first requests)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.gui.timeline.cpu import _even_columns, readable_intervals

# A thread-pool run of 500 http requests as the engine sampled it: at the run's start (its
# interval mostly the process starting), 42 ms on, every 0.2 s, at the run's end and as the
# sampler stopped.
TIMES = np.array([0.000437, 0.042195, 0.243475, 0.378695, 0.381020])
BUSY = np.array([[100.0, 0.0], [0.0, 0.0], [30.0, 35.0], [30.6, 28.6], [38.5, 9.1]])


def test_short_intervals_join_a_neighbour_weighted_by_length() -> None:
    edges, busy = readable_intervals(TIMES, BUSY)

    assert edges.tolist() == [0.0, TIMES[2], TIMES[4]]
    first = (100 * 0.000437 + 30.0 * (TIMES[2] - TIMES[1])) / TIMES[2]
    assert busy[0, 0] == pytest.approx(first)
    assert 20 < busy[0, 1] < 35  # no longer 0 % over the run's first 42 ms
    assert busy[1, 0] == pytest.approx((30.6 * 0.13522 + 38.5 * 0.002325) / 0.137545, rel=1e-3)


def test_the_busy_time_drawn_is_the_busy_time_sampled() -> None:
    edges, busy = readable_intervals(TIMES, BUSY)
    sampled = np.diff(np.concatenate([[0.0], TIMES])) @ BUSY
    assert np.diff(edges) @ busy == pytest.approx(sampled)


def test_regular_samples_and_a_lone_one_are_drawn_as_they_are() -> None:
    times = np.array([0.2, 0.4, 0.6])
    busy = np.array([[10.0], [20.0], [30.0]])
    edges, drawn = readable_intervals(times, busy)
    assert edges.tolist() == [0.0, 0.2, 0.4, 0.6] and drawn.tolist() == busy.tolist()

    lone = np.array([[100.0]])  # live, the run's first sample before the next arrives
    edges, drawn = readable_intervals(np.array([0.0004]), lone)
    assert edges.tolist() == [0.0, 0.0004] and drawn.tolist() == [[100.0]]


def test_a_heatmaps_columns_show_each_interval_for_its_length() -> None:
    edges = np.array([0.0, 0.2, 0.6])
    assert _even_columns(edges).tolist() == [0, 1, 1]  # the second interval is twice as long


def test_samples_handed_on_out_of_order_are_put_in_time_order() -> None:
    times = np.array([0.2, 0.6, 0.4])  # the sampler's thread and the engine's may swap two
    busy = np.array([[10.0], [30.0], [20.0]])
    edges, drawn = readable_intervals(times, busy)
    assert edges.tolist() == [0.0, 0.2, 0.4, 0.6] and drawn.tolist() == [[10.0], [20.0], [30.0]]


def test_a_regular_sample_a_hair_early_is_drawn_as_it_is() -> None:
    times = np.array([0.2, 0.2999, 0.5])  # 0.0999 s: the sampler's 0.1 s, woken early
    edges, _ = readable_intervals(times, np.array([[1.0], [2.0], [3.0]]))
    assert edges.tolist() == [0.0, *times.tolist()]


def test_every_interval_gets_a_heatmap_column() -> None:
    rng = np.random.default_rng(3)
    for _ in range(500):
        edges = np.concatenate([[0.0], np.cumsum(rng.uniform(0.1, 0.25, rng.integers(1, 30)))])
        assert set(_even_columns(edges).tolist()) == set(range(edges.size - 1))
