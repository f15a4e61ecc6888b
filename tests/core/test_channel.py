"""The child's stream to the parent: the loop's sends never wait for a slow reader."""

from __future__ import annotations

import io
import os
import threading

from workbench.core import protocol
from workbench.core.child import MAX_BATCH, Channel, Flusher
from workbench.core.protocol import BEGIN, END, FAILED, LAST_STEP, MAIN_WORKER, NOT_ENDED, STEP
from workbench.core.protocol.frames import read_messages
from workbench.core.recording import Recorder


def test_send_nowait_returns_with_the_pipe_full_and_nothing_is_lost_or_reordered() -> None:
    read_end, write_end = os.pipe()
    channel = Channel(write_end)
    big = "x" * 200_000  # far more than a pipe holds: a blocking write would hang here
    for i in range(3):
        batch = protocol.Events([], [], [], [], [], errors={i: big})
        channel.send_nowait(batch)  # returns at once
    assert os.get_blocking(write_end)  # left as other writers expect it

    received = bytearray()

    def read_all() -> None:
        while chunk := os.read(read_end, 1 << 16):
            received.extend(chunk)

    reader = threading.Thread(target=read_all)
    reader.start()
    channel.send(protocol.Done(True, None, 1, 0, 0))  # waits until everything went out
    os.close(write_end)
    reader.join(timeout=30)
    os.close(read_end)

    messages = [protocol.decode(m) for m in read_messages(io.BytesIO(received))]
    assert len(messages) == 4
    assert [list(m.errors) for m in messages[:3] if isinstance(m, protocol.Events)] == [
        [0],
        [1],
        [2],
    ]
    assert isinstance(messages[-1], protocol.Done)


def _flusher() -> tuple[Recorder, Flusher]:
    recorder = Recorder()
    return recorder, Flusher(
        recorder, Channel(os.open(os.devnull, os.O_WRONLY)), 1.0, threaded=False
    )


def test_the_first_start_is_the_earliest_task_start_over_every_batch() -> None:
    recorder, flusher = _flusher()
    recorder._extend((BEGIN, 1, 200, NOT_ENDED, MAIN_WORKER))
    flusher.flush()
    assert flusher.first_begin_ns == 200
    # A task known only by its end (a Dask result that came back before the news that it
    # began) started earlier, and comes in a later batch with no begin in it.
    recorder._extend((END, 0, 150, 400, MAIN_WORKER))
    recorder._extend((FAILED, 2, 180, 420, MAIN_WORKER))
    flusher.flush()
    assert flusher.first_begin_ns == 150
    recorder._extend((END, 1, 200, 500, MAIN_WORKER))
    flusher.flush()
    assert flusher.first_begin_ns == 150


def test_coroutine_steps_never_make_a_first_start() -> None:
    recorder, flusher = _flusher()
    recorder._extend((STEP, 0, 100, 110, MAIN_WORKER))
    recorder._extend((LAST_STEP, 0, 120, 130, MAIN_WORKER))
    flusher.flush()
    assert flusher.first_begin_ns is None


class _Collected:
    """A channel that keeps what the flusher sends."""

    def __init__(self) -> None:
        self.sent: list[protocol.Message] = []

    def send(self, message: protocol.Message) -> None:
        self.sent.append(message)

    send_nowait = send


def test_a_flush_of_many_events_goes_in_batches_every_event_once_in_order() -> None:
    recorder, channel = Recorder(), _Collected()
    flusher = Flusher(recorder, channel, 1.0, threaded=False)  # type: ignore[arg-type]
    steps = 2 * MAX_BATCH + 6
    for task in range(steps):
        recorder._extend((STEP, task, 10 * task, 10 * task + 5, MAIN_WORKER))
    recorder._extend((BEGIN, steps, 3, NOT_ENDED, 77))  # the only begin, in the last batch
    flusher.flush()
    batches = [m for m in channel.sent if isinstance(m, protocol.Events)]
    assert [len(m.kinds) for m in batches] == [MAX_BATCH, MAX_BATCH, 7]
    assert [task for m in batches for task in m.task_ids] == list(range(steps + 1))
    for m in batches:
        assert len(m.kinds) == len(m.starts) == len(m.ends) == len(m.workers)
        for kind, task, start, end, worker in zip(
            m.kinds, m.task_ids, m.starts, m.ends, m.workers, strict=True
        ):
            expected = (STEP, 10 * task, 10 * task + 5, MAIN_WORKER)
            assert (kind, start, end, worker) == (
                expected if task < steps else (BEGIN, 3, NOT_ENDED, 77)
            )
    assert flusher.first_begin_ns == 3
