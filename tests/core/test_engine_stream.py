"""What the engine makes of a child's stream that is not what it should be: the run's error."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time

import pytest

from workbench.core import protocol
from workbench.core.engine import run_strategy
from workbench.core.launch import Interpreter
from workbench.core.observer import Observer
from workbench.core.results import Config, Run

CONFIG = Config("sleep", {"duration": 0.0}, 1, 1, 1, ("sequential",))


def _run_with_fake_child(*lines: bytes, then: str = "pass") -> Run:
    """The engine, talking to a "child" that reads the request, writes ``lines`` and runs
    ``then``."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.stdin.buffer.readline()
        for line in {list(lines)!r}:
            os.write(1, line)
        {then}
        """
    )
    fake = Interpreter(sys.executable, ("-c", script))
    return asyncio.run(run_strategy(CONFIG, "sequential", 0, observer=Observer(), interpreter=fake))


STARTED = protocol.encode(protocol.Started(1, 2, 3))


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ((b"Segmentation fault\n",), "the run's process sent something unreadable (not JSON"),
        ((STARTED, b'{"type": "teleport"}\n'), "unknown message type 'teleport'"),
        ((STARTED, b'{"type": "events"}\n'), "events message without 'kinds'"),
        (
            (protocol.encode(protocol.Events([0], [0], [5], [0], [0])),),
            "the run's process sent events before starting",
        ),
        ((STARTED, protocol.encode(protocol.RunRequest("a", "b", {}, 1, 1))), "a 'run' message"),
    ],
)
def test_a_garbled_or_unexpected_message_fails_the_run_saying_so(
    lines: tuple[bytes, ...], error: str
) -> None:
    run = _run_with_fake_child(*lines)
    assert not run.ok
    assert error in (run.error or "")


def test_a_child_that_garbles_its_stream_is_ended_at_once_not_waited_for() -> None:
    began = time.monotonic()
    run = _run_with_fake_child(STARTED, b"garbage\n", then="time.sleep(600)")
    assert time.monotonic() - began < 60
    assert "sent something unreadable" in (run.error or "")


def test_tasks_seen_before_the_stream_went_bad_are_kept_as_unfinished() -> None:
    began = protocol.encode(protocol.Events([protocol.BEGIN], [0], [5], [0], [0]))
    run = _run_with_fake_child(STARTED, began, b"garbage\n")
    (span,) = run.tasks
    assert not span.ok
    assert (span.error or "").startswith("did not finish: the run's process sent something")


def test_a_run_that_cannot_start_says_why_in_one_line() -> None:
    unknown = Config("teleport", {}, 1, 1, 1, ("sequential",))
    run = asyncio.run(run_strategy(unknown, "sequential", 0, observer=Observer()))
    assert not run.ok
    assert (run.error or "").startswith("the run could not start: ")
    assert "unknown workload 'teleport'" in (run.error or "")
    assert "\n" not in (run.error or "")
