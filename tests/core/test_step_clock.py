"""The step clock: a gathered task's steps timed from the loop's side, with no wrapper per task."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections import defaultdict

import pytest

from workbench.core.protocol import FAILED_STEP, LAST_STEP, MAIN_WORKER, STEP
from workbench.core.recording import Recorder
from workbench.core.step_clock import StepClock


def _by_task(recorder: Recorder) -> dict[int, list[tuple[int, int, int]]]:
    kinds, ids, starts, ends, workers = recorder.take()
    assert set(workers) <= {MAIN_WORKER}
    events: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for kind, task_id, start, end in zip(kinds, ids, starts, ends, strict=True):
        events[task_id].append((kind, start, end))
    return dict(events)


async def _steps(count: int) -> None:
    for _ in range(count - 1):
        await asyncio.sleep(0)


def _gather(clock: StepClock, *coroutines: object) -> list[object]:
    async def main() -> list[object]:
        with clock:
            return await asyncio.gather(
                *(clock.task(c, i) for i, c in enumerate(coroutines)),  # type: ignore[arg-type]
                return_exceptions=True,
            )

    return asyncio.run(main())


def test_each_step_is_one_event_and_the_last_one_ends_the_task() -> None:
    recorder = Recorder()
    _gather(StepClock(recorder), _steps(3), _steps(1), _steps(2))
    events = _by_task(recorder)
    assert {task: [kind for kind, _, _ in steps] for task, steps in events.items()} == {
        0: [STEP, STEP, LAST_STEP],
        1: [LAST_STEP],
        2: [STEP, LAST_STEP],
    }
    for steps in events.values():
        bounds = [t for _, start, end in steps for t in (start, end)]
        assert bounds == sorted(bounds)  # steps of one task never overlap


def test_the_task_runs_the_coroutine_itself_not_a_wrapper() -> None:
    recorder, seen = Recorder(), []

    async def look() -> None:
        task = asyncio.current_task()
        assert task is not None
        seen.append(task.get_coro())

    coroutine = look()
    _gather(StepClock(recorder), coroutine)
    assert seen == [coroutine]
    assert list(_by_task(recorder)) == [0]


def test_its_bookkeeping_is_plain_ints_the_collector_never_walks() -> None:
    clock = StepClock(Recorder())
    coroutine = _steps(1)
    assert clock.task(coroutine, 7) is coroutine
    assert not gc.is_tracked(clock._ids)
    coroutine.close()


def test_a_failing_task_is_recorded_with_why_and_the_others_go_on() -> None:
    recorder = Recorder()

    async def fail() -> None:
        await asyncio.sleep(0)
        raise ValueError("no luck")

    _gather(StepClock(recorder), _steps(2), fail(), _steps(2))
    events = _by_task(recorder)
    assert [kind for kind, _, _ in events[1]] == [STEP, FAILED_STEP]
    assert recorder.errors == {1: "ValueError: no luck"}
    assert events[0][-1][0] == events[2][-1][0] == LAST_STEP


def test_sys_exit_in_a_task_fails_that_task_only() -> None:
    recorder = Recorder()

    async def leave() -> None:
        sys.exit(3)

    _gather(StepClock(recorder), leave(), _steps(2))
    events = _by_task(recorder)
    assert [kind for kind, _, _ in events[0]] == [FAILED_STEP]
    assert events[1][-1][0] == LAST_STEP


def test_tasks_the_code_starts_itself_are_not_recorded() -> None:
    recorder = Recorder()

    async def parent() -> None:
        await asyncio.create_task(_steps(3))

    _gather(StepClock(recorder), parent())
    assert list(_by_task(recorder)) == [0]


def test_a_cancelled_task_records_its_steps_but_no_end() -> None:
    recorder = Recorder()

    async def main() -> None:
        with StepClock(recorder) as clock:
            task = asyncio.ensure_future(clock.task(asyncio.sleep(3600), 0))
            await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())
    kinds = [kind for kind, _, _ in _by_task(recorder)[0]]
    assert kinds == [STEP, STEP]


def test_the_loop_is_the_stock_one_again_afterwards_even_after_an_error() -> None:
    stock = asyncio.Handle._run

    async def main() -> None:
        with StepClock(Recorder()):
            assert asyncio.Handle._run is not stock
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(main())
    assert asyncio.Handle._run is stock
