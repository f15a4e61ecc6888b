"""Regression guard for the Qt pin: PySide6 6.12.0 aborts qasync's timer callbacks on Python
3.11 ("Fatal Python error: none_dealloc") once a few thousand timers are live. A future bump
that brings it back fails here instead of on a projector."""

from __future__ import annotations

import asyncio

import qasync

TIMERS = 3_000


def test_thousands_of_timers_on_the_qasync_loop(loop: qasync.QEventLoop) -> None:
    async def many() -> list[int]:
        return await asyncio.gather(
            *(asyncio.sleep(0.001 * (i % 50), result=i) for i in range(TIMERS))
        )

    assert loop.run_until_complete(many()) == list(range(TIMERS))
