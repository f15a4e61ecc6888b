"""The running slices a live track keeps: arrays as they arrive, without copying what it holds."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.gui.model.inside import NO_CORE, SliceStore


def _feed(store: SliceStore, tasks: int, asked_every: int) -> list[tuple[int, int, int, int]]:
    sent = []
    for task in range(tasks):
        running = [(100 * task, 100 * task + 10), (100 * task + 50, 100 * task + 70)]
        cores = [task % 2, 1] if task % 3 else []
        store.add(task, running, cores)
        for (start, end), core in zip(running, cores or [NO_CORE, NO_CORE], strict=True):
            sent.append((task, start, end, core))
        if task % asked_every == 0:
            store.arrays()  # a live redraw between arrivals
    return sent


@pytest.mark.parametrize("capacity", [0, 7, 400, 10_000])
def test_slices_come_back_in_arrival_order_whatever_room_was_reserved(capacity: int) -> None:
    store = SliceStore(capacity)
    sent = _feed(store, 200, asked_every=13)
    task, start, end, core = store.arrays()
    columns = (task.tolist(), start.tolist(), end.tolist(), core.tolist())
    assert list(zip(*columns, strict=True)) == sent
    assert len(store) == 400 and store.traced_tasks == 200
    assert store.of_task(5)[0].tolist() == [500, 550]
    assert store.running.series()[1].max() == 1  # no two slices overlap


def test_arrays_handed_out_earlier_keep_their_slices_as_more_arrive() -> None:
    store = SliceStore(1_000)
    store.add(0, [(0, 5)])
    first = store.arrays()
    store.add(1, [(10, 15)])
    later = store.arrays()
    assert [column.tolist() for column in first] == [[0], [0], [5], [NO_CORE]]
    assert later[1].tolist() == [0, 10]


def test_a_store_with_room_writes_new_slices_after_the_old_ones_not_anew() -> None:
    store = SliceStore(1_000)
    store.add(0, [(0, 5)])
    held = store.arrays()[1]
    store.add(1, [(10, 15)])
    assert np.shares_memory(store.arrays()[1], held)  # the same buffer, not a joined copy
