"""The child's stream to the parent: the loop's sends never wait for a slow reader."""

from __future__ import annotations

import json
import os
import threading

from workbench.core.child import Channel


def test_send_nowait_returns_with_the_pipe_full_and_nothing_is_lost_or_reordered() -> None:
    read_end, write_end = os.pipe()
    channel = Channel(write_end)
    big = "x" * 200_000  # far more than a pipe holds: a blocking write would hang here
    for i in range(3):
        channel.send_nowait({"type": "events", "i": i, "pad": big})  # returns at once
    assert os.get_blocking(write_end)  # left as other writers expect it

    received = bytearray()

    def read_all() -> None:
        while chunk := os.read(read_end, 1 << 16):
            received.extend(chunk)

    reader = threading.Thread(target=read_all)
    reader.start()
    channel.send({"type": "done"})  # blocks until everything before it went out
    os.close(write_end)
    reader.join(timeout=30)
    os.close(read_end)

    messages = [json.loads(line) for line in received.splitlines()]
    assert [m.get("i") for m in messages] == [0, 1, 2, None]
    assert messages[-1]["type"] == "done"
