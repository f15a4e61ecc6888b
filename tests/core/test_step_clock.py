"""The step clock: a gathered task's steps timed from the loop's side, with no wrapper per task."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import sys
import types
import weakref
from collections import defaultdict
from collections.abc import Coroutine, Generator
from typing import Any

import pytest

from workbench.core import step_clock
from workbench.core.protocol import FAILED_STEP, LAST_STEP, MAIN_WORKER, STEP, TaskAddresses
from workbench.core.recording import Recorder
from workbench.core.step_clock import StepClock

_STOCK_RUN = asyncio.Handle._run


def _addresses(recorder: Recorder) -> dict[int, int]:
    """Task address → task id, as the parent learns it from the clock's messages."""
    table: dict[int, int] = {}
    for note in recorder.take_notes():
        assert isinstance(note, TaskAddresses)
        ids = range(note.first, note.first + len(note.addresses))
        table.update(zip(note.addresses, ids, strict=True))
    return table


def _by_task(recorder: Recorder) -> dict[int, list[tuple[int, int, int]]]:
    """The run's tasks' steps by task id; steps of other tasks left out, as the parent does."""
    table = _addresses(recorder)
    kinds, addresses, starts, ends, workers = recorder.take()
    assert set(workers) <= {MAIN_WORKER}
    events: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for kind, address, start, end in zip(kinds, addresses, starts, ends, strict=True):
        if address in table:
            events[table[address]].append((kind, start, end))
    return dict(events)


async def _steps(count: int) -> None:
    for _ in range(count - 1):
        await asyncio.sleep(0)


def _gather(clock: StepClock, *coroutines: Coroutine[Any, Any, None]) -> list[object]:
    async def main() -> list[object]:
        with clock:
            return await asyncio.gather(*clock.start(coroutines), return_exceptions=True)

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


def test_the_parent_is_told_each_tasks_address_in_task_order_in_small_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(step_clock, "ADDRESSES_PER_MESSAGE", 2)
    recorder = Recorder()
    clock = StepClock(recorder)

    async def main() -> list[int]:
        with clock:
            tasks = clock.start(_steps(1) for _ in range(5))
            await asyncio.gather(*tasks)
            return [id(task) for task in tasks]

    addresses = asyncio.run(main())
    notes = recorder.take_notes()
    assert all(isinstance(note, TaskAddresses) for note in notes)
    told = [note for note in notes if isinstance(note, TaskAddresses)]
    assert [(note.first, len(note.addresses)) for note in told] == [(0, 2), (2, 2), (4, 1)]
    assert [address for note in told for address in note.addresses] == addresses


def test_the_clock_keeps_no_task_alive_the_gather_has_let_go() -> None:
    """The gather holds the run's tasks until the last is done, as a plain one does; the clock
    holds none of them (a list of N more references for the collector to walk), so once the
    gather has let them go they are freed while the clock is still entered."""
    recorder = Recorder()

    async def main() -> list[weakref.ref[asyncio.Future[None]]]:
        with StepClock(recorder) as clock:
            tasks = clock.start(_steps(2) for _ in range(3))
            refs = [weakref.ref(task) for task in tasks]
            await asyncio.gather(*tasks)
            del tasks
            await asyncio.sleep(0)  # the step that took the gather's result (and held it) ends
            gc.collect()
            assert [ref() for ref in refs] == [None, None, None]
        return refs

    asyncio.run(main())
    assert sorted(len(steps) for steps in _by_task(recorder).values()) == [2, 2, 2]


def test_tasks_named_otherwise_are_recorded_all_the_same() -> None:
    recorder = Recorder()
    names = iter(["alpha", "beta", "Task-x"])

    def naming(loop: asyncio.AbstractEventLoop, coroutine: Any, **kwargs: Any) -> Any:
        return asyncio.Task(coroutine, loop=loop, name=next(names, None), **kwargs)

    clock = StepClock(recorder)

    async def main() -> None:
        asyncio.get_running_loop().set_task_factory(naming)
        with clock:
            await asyncio.gather(*clock.start([_steps(2), _steps(1), _steps(3)]))

    asyncio.run(main())
    events = _by_task(recorder)
    assert {task: [kind for kind, _, _ in steps] for task, steps in events.items()} == {
        0: [STEP, LAST_STEP],
        1: [LAST_STEP],
        2: [STEP, STEP, LAST_STEP],
    }


def test_a_failing_task_is_recorded_with_why_and_the_others_go_on() -> None:
    recorder = Recorder()

    async def fail() -> None:
        await asyncio.sleep(0)
        raise ValueError("no luck")

    _gather(StepClock(recorder), _steps(2), fail(), _steps(2))
    task_at = {task: address for address, task in _addresses(recorder).items()}
    recorder.post(TaskAddresses(0, list(task_at.values())))  # read again below
    events = _by_task(recorder)
    assert [kind for kind, _, _ in events[1]] == [STEP, FAILED_STEP]
    assert recorder.errors == {task_at[1]: "ValueError: no luck"}  # named as its steps are
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
        await asyncio.create_task(_steps(2), name="Task-1")  # a name like the loop's own

    _gather(StepClock(recorder), parent())
    assert list(_by_task(recorder)) == [0]


def test_a_cancelled_task_records_its_steps_but_no_end() -> None:
    recorder = Recorder()

    async def main() -> None:
        with StepClock(recorder) as clock:
            (task,) = clock.start([asyncio.sleep(3600)])
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


def test_a_second_clock_is_refused_while_one_is_timing_the_process() -> None:
    async def main() -> None:
        with StepClock(Recorder()), StepClock(Recorder()):
            pass

    with pytest.raises(RuntimeError, match="already timing"):
        asyncio.run(main())
    assert asyncio.Handle._run is _STOCK_RUN  # the first one still put the loop back


def test_each_task_steps_in_its_own_context_as_on_the_stock_loop() -> None:
    seen: dict[str, list[str]] = {}
    name = contextvars.ContextVar("name", default="unset")

    async def keep(label: str) -> None:
        name.set(label)
        await asyncio.sleep(0)  # the next step is run by the loop again, in the task's context
        seen[label] = [name.get()]

    _gather(StepClock(Recorder()), keep("a"), keep("b"))
    assert seen == {"a": ["a"], "b": ["b"]}
    assert name.get() == "unset"


def test_keyboard_interrupt_in_a_task_stops_the_loop_as_on_the_stock_loop() -> None:
    async def interrupt() -> None:
        await asyncio.sleep(0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _gather(StepClock(Recorder()), interrupt(), _steps(3))


def test_an_awaitable_that_is_not_a_native_coroutine_is_started_and_timed_too() -> None:
    recorder = Recorder()

    @types.coroutine
    def old_style() -> Generator[None, None, None]:
        yield  # one bare yield: the task's step ends here and the loop runs it again

    async def main() -> None:
        with StepClock(recorder) as clock:
            await asyncio.gather(*clock.start([old_style(), _steps(2)]))

    asyncio.run(main())
    events = _by_task(recorder)
    assert [kind for kind, _, _ in events[0]] == [STEP, LAST_STEP]
    assert [kind for kind, _, _ in events[1]] == [STEP, LAST_STEP]


def test_steps_of_a_loop_the_code_runs_in_another_thread_are_not_recorded() -> None:
    """``Handle._run`` is the whole process's: a loop in another thread goes through the clock
    too. Its steps are not the run's, and that thread must not add to the recorder's steps
    (a ``bytearray``: not thread-safe on a free-threaded 3.13). (Not "nothing recorded while
    that loop ran": the run's own task's step ends, and is recorded, after it has handed the
    other loop to its thread — which may already be running.)"""
    recorder = Recorder()
    inner_task: list[int] = []

    async def inner() -> None:
        inner_task.append(id(asyncio.current_task()))
        await _steps(50)

    async def in_a_thread() -> None:
        await asyncio.to_thread(asyncio.run, inner())

    _gather(StepClock(recorder), in_a_thread())
    table = _addresses(recorder)
    kinds, addresses, _, _, _ = recorder.take()
    assert inner_task and inner_task[0] not in addresses  # none of the other loop's 50
    assert len(kinds) < 50
    ours = [kind for kind, address in zip(kinds, addresses, strict=True) if table.get(address) == 0]
    assert ours[-1] == LAST_STEP


def _callback_reports(clocked: bool, debug: bool) -> list[dict[str, Any]]:
    """What the loop's exception handler hears of callbacks that fail (a function, a bound
    method, a partial), with the clock entered or not; and that a callback's context is its own."""
    import functools

    heard: list[dict[str, Any]] = []
    name: contextvars.ContextVar[str] = contextvars.ContextVar("name", default="unset")

    class Source:
        def fail(self) -> None:
            raise ValueError("from a method")

    def fail(why: str) -> None:
        raise ValueError(why)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: heard.append(context))
        context = contextvars.copy_context()
        context.run(name.set, "its own")
        done = loop.create_future()
        loop.call_soon(fail, "from a function")
        loop.call_soon(Source().fail)
        loop.call_soon(functools.partial(fail, "from a partial"))
        loop.call_soon(lambda: done.set_result(name.get()), context=context)
        assert await done == "its own"

    async def clocked_main() -> None:
        with StepClock(Recorder()) as clock:
            await asyncio.gather(*clock.start([main()]), return_exceptions=True)

    asyncio.run(clocked_main() if clocked else main(), debug=debug)
    return heard


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_failing_callback_that_is_no_tasks_step_is_reported_as_on_the_stock_loop(
    debug: bool,
) -> None:
    """Other callbacks run in the clock rather than through ``Handle._run`` (one frame less on
    each), so the clock reports their exceptions itself: it must say what the stock loop says,
    in debug mode too (3.13+ show the callback's arguments only there, and debug mode adds
    where the callback was scheduled)."""
    stock = _callback_reports(clocked=False, debug=debug)
    clocked = _callback_reports(clocked=True, debug=debug)
    assert [str(c["exception"]) for c in clocked] == [
        "from a function",
        "from a method",
        "from a partial",
    ]
    assert [c["message"] for c in clocked] == [c["message"] for c in stock]
    assert all(isinstance(c["handle"], asyncio.Handle) for c in clocked)
    assert ["source_traceback" in c for c in clocked] == ["source_traceback" in c for c in stock]
    assert asyncio.Handle._run is _STOCK_RUN
