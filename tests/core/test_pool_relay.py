"""The pool's event queue and relay: events cross processes, the relay sleeps until one comes,
streams what it relayed, and drains the queue when told to stop."""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

import pytest

from workbench.core.event_queue import EventQueue
from workbench.core.protocol import BEGIN, END, NOT_ENDED
from workbench.core.recording import Recorder
from workbench.core.strategies.processes import _Relay

WAIT_S = 30.0


def _put_events(queue: EventQueue, count: int) -> None:
    for task_id in range(count):
        queue.put((END, task_id, 1, 2, 7, os.getpid(), None, [1, 0], None))


@pytest.mark.usefixtures("no_resource_tracker_left")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_events_put_by_other_processes_arrive_whole_and_in_order(method: str) -> None:
    context = multiprocessing.get_context(method)
    queue = EventQueue(context)
    writer = context.Process(target=_put_events, args=(queue, 3))
    writer.start()
    got = [queue.get() for _ in range(3)]
    writer.join(WAIT_S)
    assert [event[1] for event in got] == [0, 1, 2]
    assert {event[5] for event in got} == {writer.pid}
    assert queue.empty()


def test_wait_returns_for_an_event_or_for_the_other_connection() -> None:
    queue = EventQueue(multiprocessing.get_context())
    wake_read, wake_write = multiprocessing.Pipe(duplex=False)
    with wake_read, wake_write:
        queue.put("event")
        queue.wait(wake_read, WAIT_S)  # at once: an event waits
        assert queue.get() == "event"
        wake_write.send_bytes(b"stop")
        queue.wait(wake_read, WAIT_S)  # at once: the other connection is readable
        assert queue.empty()


class _WatchedQueue(EventQueue):
    """Says how long the relay asked to sleep each time it waited."""

    def __init__(self) -> None:
        super().__init__(multiprocessing.get_context())
        self.timeouts: list[float | None] = []
        self.waited = threading.Event()

    def wait(self, other: Connection, timeout: float | None) -> None:
        self.timeouts.append(timeout)
        self.waited.set()
        super().wait(other, timeout)


def _begin(task_id: int) -> tuple[Any, ...]:
    return (BEGIN, task_id, 10, NOT_ENDED, 7, 1234, None, None, None)


def test_the_relay_sleeps_until_an_event_comes_then_streams_it() -> None:
    queue, recorder, streamed = _WatchedQueue(), Recorder(), threading.Event()
    relay = _Relay(queue, recorder, streamed.set, stream_interval_s=0.05)
    try:
        assert queue.waited.wait(WAIT_S)
        assert queue.timeouts[0] is None  # nothing pending: no timer, no polling
        queue.put(_begin(0))
        assert streamed.wait(WAIT_S)
        assert recorder.take()[:2] == ([BEGIN], [0])
    finally:
        relay.close()
    assert queue.timeouts[0] is None
    assert all(t is None or t <= 0.05 for t in queue.timeouts)


def test_closing_relays_everything_queued_before_it() -> None:
    queue, recorder = EventQueue(multiprocessing.get_context()), Recorder()
    relay = _Relay(queue, recorder)  # no stream: the child streams what is left itself
    for task_id in range(100):
        queue.put(_begin(task_id))
    relay.close()
    relay.close()  # twice is harmless
    assert recorder.take()[1] == list(range(100))
