"""The tests' qasync loop: a task step scheduled as an awaited future completes still runs
with its loop running (qasync runs it in a last pass of Qt's events after its loop stopped)."""

from __future__ import annotations

import asyncio

import qasync


def test_a_step_in_the_last_pass_of_a_run_sees_its_loop_running(loop: qasync.QEventLoop) -> None:
    seen: list[asyncio.AbstractEventLoop | None] = []

    def record() -> None:
        seen.append(asyncio.events._get_running_loop())

    async def awaited() -> None:
        task = asyncio.current_task()
        assert task is not None
        # Added after run_until_complete's own "stop": scheduled as the loop stops.
        task.add_done_callback(lambda _: loop.call_soon(record))

    loop.run_until_complete(awaited())
    assert seen == [loop]
    assert asyncio.events._get_running_loop() is None  # and none once the run is over
