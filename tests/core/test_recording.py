"""The recorder: each event a row of five columns, each worker named by its native thread id."""

from __future__ import annotations

import threading
from typing import Any

from workbench.core.protocol import BEGIN, END, FAILED, MAIN_WORKER, NOT_ENDED
from workbench.core.recording import Recorder


def _rows(recorder: Recorder) -> list[tuple[int, ...]]:
    return list(zip(*recorder.take(), strict=True))


def _fail_on_odd(job: Any, task_id: int) -> None:
    if task_id % 2:
        raise ValueError(f"task {task_id}")


def test_a_sync_task_is_a_begin_row_then_an_end_row_carrying_its_start() -> None:
    recorder = Recorder()
    recorder.call(_fail_on_odd, None, 0)
    recorder.call(_fail_on_odd, None, 1)
    rows = _rows(recorder)
    assert [(kind, task, worker) for kind, task, _, _, worker in rows] == [
        (BEGIN, 0, MAIN_WORKER),
        (END, 0, MAIN_WORKER),
        (BEGIN, 1, MAIN_WORKER),
        (FAILED, 1, MAIN_WORKER),
    ]
    (_, _, began, not_ended, _), (_, _, start, end, _) = rows[:2]
    assert not_ended == NOT_ENDED
    assert start == began <= end
    assert recorder.errors == {1: "ValueError: task 1"}
    assert _rows(recorder) == []  # taken once


def test_each_thread_is_named_by_its_native_id() -> None:
    recorder = Recorder()
    native_ids: list[int] = []

    def work() -> None:
        native_ids.append(threading.get_native_id())
        for task_id in (10, 12):
            recorder.call(_fail_on_odd, None, task_id)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert {worker for *_, worker in _rows(recorder)} == set(native_ids)
    assert native_ids[0] != MAIN_WORKER


def test_a_pool_workers_thread_is_named_with_its_pid_once() -> None:
    recorder = Recorder()
    recorder.record(BEGIN, 3, 100, NOT_ENDED, 7001, 7000, None)
    recorder.record(END, 3, 100, 200, 7001, 7000, None, [150, 1])
    assert recorder.take_thread_pids() == {7001: 7000}
    assert recorder.take_thread_pids() == {}
    assert _rows(recorder) == [(BEGIN, 3, 100, NOT_ENDED, 7001), (END, 3, 100, 200, 7001)]
    assert recorder.heartbeats == {3: [150, 1]}
