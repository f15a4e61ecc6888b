"""The child's stream to the parent: the loop's sends never wait for a slow reader."""

from __future__ import annotations

import os
import threading

from workbench.core import protocol
from workbench.core.child import Channel


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

    messages = [protocol.decode(line) for line in received.splitlines()]
    assert len(messages) == 4
    assert [list(m.errors) for m in messages[:3] if isinstance(m, protocol.Events)] == [
        [0],
        [1],
        [2],
    ]
    assert isinstance(messages[-1], protocol.Done)
