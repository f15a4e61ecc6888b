"""The child's stream to the parent: the loop's sends never wait for a slow reader."""

from __future__ import annotations

import io
import os
import threading

from workbench.core import protocol
from workbench.core.child import MAX_BATCH, Channel, Flusher
from workbench.core.protocol import BEGIN, END, FAILED, LAST_STEP, MAIN_WORKER, NOT_ENDED, STEP
from workbench.core.protocol.frames import read_messages, word_packer
from workbench.core.recording import STEP_WORDS, Recorder


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


def test_the_step_clocks_packed_steps_go_in_batches_whole_in_order_on_the_main_worker() -> None:
    recorder, channel = Recorder(), _Collected()
    flusher = Flusher(recorder, channel, 1.0, threaded=False)  # type: ignore[arg-type]
    packed = word_packer(STEP_WORDS)
    steps = MAX_BATCH + 3
    for task in range(steps):
        kind = LAST_STEP if task % 2 else STEP
        recorder.steps.extend(packed(kind, 1 << 40 | task, 10 * task, 10 * task + 5))
    recorder._extend((BEGIN, 9, 3, NOT_ENDED, 77))  # an event of the flat list beside them
    flusher.flush()
    batches = [m for m in channel.sent if isinstance(m, protocol.Events)]
    assert [len(m.kinds) for m in batches] == [1, MAX_BATCH, 3]  # the flat list's, then steps
    got = [
        (kind, task, start, end, worker)
        for m in batches
        for kind, task, start, end, worker in zip(
            m.kinds, m.task_ids, m.starts, m.ends, m.workers, strict=True
        )
    ]
    assert got[0] == (BEGIN, 9, 3, NOT_ENDED, 77)
    assert got[1:] == [
        (LAST_STEP if task % 2 else STEP, 1 << 40 | task, 10 * task, 10 * task + 5, MAIN_WORKER)
        for task in range(steps)
    ]
    assert not recorder.steps  # taken: a second flush sends nothing again
    flusher.flush()
    assert len([m for m in channel.sent if isinstance(m, protocol.Events)]) == 3


def test_take_returns_the_flat_lists_events_then_the_packed_steps_as_lists() -> None:
    recorder = Recorder()
    recorder._extend((BEGIN, 1, 5, NOT_ENDED, 2))
    recorder.steps.extend(word_packer(STEP_WORDS)(STEP, 7, 10, 20))
    assert recorder.take() == ([BEGIN, STEP], [1, 7], [5, 10], [NOT_ENDED, 20], [2, MAIN_WORKER])
    assert recorder.take() == ([], [], [], [], [])
