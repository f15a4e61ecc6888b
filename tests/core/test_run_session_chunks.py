"""A line of many events is handed to observers in chunks, the engine's loop given a turn
between them: a window sharing the loop paints and serves its timers meanwhile."""

from __future__ import annotations

import asyncio
import sys
import textwrap

from workbench.core import protocol
from workbench.core.engine import run_strategy
from workbench.core.launch import Interpreter
from workbench.core.observer import Observer
from workbench.core.results import Config, LagSample
from workbench.core.run_session import FEED_CHUNK, RunSession
from workbench.core.timeline import TaskEvent

T0 = 1_000
EVENTS = 2 * FEED_CHUNK + 100


def _line_of_begins(n: int) -> protocol.Events:
    """``n`` tasks begun on the main worker, and two lag samples."""
    return protocol.Events(
        [protocol.BEGIN] * n,
        list(range(n)),
        [T0 + i for i in range(n)],
        [T0 + i for i in range(n)],
        [protocol.MAIN_WORKER] * n,
        lag=[T0 + 5, 7, T0 + 9, 11],
    )


class Recorder(Observer):
    def __init__(self, turns: list[int] | None = None) -> None:
        self.calls: list[list[TaskEvent]] = []
        self.turns_at_call: list[int] = []
        self.lag: list[LagSample] = []
        self._turns = turns

    def task_events(self, strategy: str, repeat_index: int, events: list[TaskEvent]) -> None:
        self.calls.append(list(events))
        if self._turns is not None:
            self.turns_at_call.append(self._turns[0])

    def loop_lagged(self, strategy: str, repeat_index: int, samples: list[LagSample]) -> None:
        self.lag.extend(samples)


def test_a_line_is_handed_on_in_chunks_in_order_and_nothing_is_lost() -> None:
    observer = Recorder()
    session = RunSession("async-gather", 0, observer)
    assert session.on_line(protocol.encode(protocol.Started(T0, 1, 2)))
    assert session.on_line(protocol.encode(_line_of_begins(EVENTS)))

    assert [len(call) for call in observer.calls] == [FEED_CHUNK]  # the first chunk at once
    assert session.unfed
    assert session.feed_more() and len(observer.calls) == 2
    session.result(0, None, [])  # the rest is handed on when the run ends, not dropped
    assert not session.unfed and not session.feed_more()
    assert [len(call) for call in observer.calls] == [FEED_CHUNK, FEED_CHUNK, 100]
    assert [e.task_id for call in observer.calls for e in call] == list(range(EVENTS))
    assert [(s.t_ns, s.lag_ns) for s in observer.lag] == [(5, 7), (9, 11)]  # once


def test_the_engine_gives_its_loop_a_turn_between_a_lines_chunks() -> None:
    lines = [
        protocol.encode(protocol.Started(T0, 1, 2)),
        protocol.encode(_line_of_begins(EVENTS)),
    ]
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.stdin.buffer.readline()
        for line in {lines!r}:
            os.write(1, line)
        """
    )
    fake = Interpreter(sys.executable, ("-c", script))
    config = Config("sleep", {"duration": 0.0}, EVENTS, 1, 1, ("async-gather",))
    turns = [0]
    observer = Recorder(turns)

    async def main() -> None:
        async def count_turns() -> None:
            while True:
                turns[0] += 1
                await asyncio.sleep(0)

        counting = asyncio.create_task(count_turns())
        await run_strategy(config, "async-gather", 0, observer=observer, interpreter=fake)
        counting.cancel()

    asyncio.run(main())

    assert [len(call) for call in observer.calls] == [FEED_CHUNK, FEED_CHUNK, 100]
    first, *rest = observer.turns_at_call
    assert all(b > a for a, b in zip([first, *rest], rest, strict=False)), observer.turns_at_call
