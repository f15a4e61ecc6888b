"""The wire protocol: every message survives the trip; anything else is a ProtocolError."""

from __future__ import annotations

import io
import json
import os
import struct
import threading
from array import array
from typing import Any

import pytest

from workbench.core import protocol
from workbench.core.protocol import (
    BEGIN,
    END,
    LAST_STEP,
    MAIN_WORKER,
    NOT_ENDED,
    STEP,
    Done,
    Events,
    Failed,
    ProtocolError,
    RunRequest,
    Started,
    TaskAddresses,
)
from workbench.core.protocol.frames import (
    FRAME,
    MAX_PAYLOAD,
    pack_words,
    read_messages,
    unframe,
)

MESSAGES = [
    RunRequest("async-gather", "sleep", {"duration": 0.5}, 10, 2, "http://127.0.0.1:1", 0.02),
    Started(123_456_789_012, 4242, 4243),
    Events(
        [BEGIN, END, LAST_STEP],
        [0, 0, 1],
        [10, 10, 30],
        [NOT_ENDED, 20, 40],
        [4250, 4250, MAIN_WORKER],
        errors={1: "ValueError: ünïcode"},
        heartbeats={0: [12, 1, 15, 0]},
        lag=[50, 3],
        thread_pids={4250: 4249},
    ),
    TaskAddresses(16_384, [0x7F3A_0000_1000, 0x7F3A_0000_2F50]),
    Done(ok=False, error="pool worker (pid 7) died", wall_ns=99, cpu_ns=5, startup_ns=1),
    Failed("No module named 'aiofiles'"),
]


def _header(line: bytes) -> dict[str, Any]:
    """A frame's JSON line (its columns named in ``packed``, their words after it)."""
    assert line.startswith(FRAME)
    header: dict[str, Any] = json.loads(line[line.index(b" ") + 1 : line.index(b"\n")])
    return header


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.TYPE)
def test_every_message_survives_encoding_as_one_line_or_one_frame(
    message: protocol.Message,
) -> None:
    line = protocol.encode(message)
    if isinstance(message, Events | TaskAddresses):
        assert "packed" in _header(line)  # its columns as words after its line
        assert list(read_messages(io.BytesIO(line + line))) == [line, line]
    else:
        assert line.endswith(b"\n")
        assert line.count(b"\n") == 1
    assert protocol.decode(line) == message


def test_field_names_on_the_wire_are_readable() -> None:
    header = _header(protocol.encode(MESSAGES[2]))
    assert set(header) == {"type", "packed", "errors", "heartbeats", "lag", "thread_pids"}
    assert header["packed"] == ["kinds", "task_ids", "starts", "ends", "workers"]


def test_a_batch_run_by_one_worker_sends_it_once_not_as_a_column() -> None:
    steps = Events([LAST_STEP] * 3, [0, 1, 2], [1, 2, 3], [4, 5, 6], [MAIN_WORKER] * 3)
    line = protocol.encode(steps)
    assert _header(line)["workers"] == MAIN_WORKER
    assert "workers" not in _header(line)["packed"]
    assert protocol.decode(line) == steps


def test_the_child_accepts_only_a_request_as_its_first_line() -> None:
    assert protocol.decode_request(protocol.encode(MESSAGES[0])) == MESSAGES[0]
    with pytest.raises(ProtocolError, match="expected a run request"):
        protocol.decode_request(protocol.encode(MESSAGES[1]))


def _events(**changes: object) -> bytes:
    """The batch as one plain JSON line (its columns as lists), changed: read the same."""
    wire = unframe(protocol.encode(MESSAGES[2]))
    wire.update(changes)
    return json.dumps(wire).encode()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"Traceback (most recent call last):", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"t0_ns": 1}', "unknown message type None"),
        (b'{"type": "teleport"}', "unknown message type 'teleport'"),
        (b'{"type": ["started"]}', "unknown message type"),
        (b'{"type": "started", "t0_ns": 1, "pid": 2}', "without 'native_id'"),
        (b'{"type": "started", "t0_ns": "1", "pid": 2, "native_id": 3}', "expected an integer"),
        (b'{"type": "failed", "error": 3}', "expected text"),
        (b'{"type": "done", "ok": 1, "error": null, "wall_ns": 1, "cpu_ns": 1, "startup_ns": 1}',
         "expected true or false"),
        (_events(starts=[1, 2]), "columns of different lengths"),
        (_events(ends=[1, 2, "3"]), "malformed events"),
        (_events(ends=[1, 2, 3.5]), "malformed events"),
        (_events(workers=[1, 2, None]), "expected a list of integers"),
        (_events(workers="main"), "expected a list of integers"),
        (_events(errors=[[1]]), "expected a list of pairs"),
        (_events(errors=[["1", "x"]]), "expected an integer"),
        (_events(lag=None), "expected a list of integers"),
    ],
)  # fmt: skip
def test_anything_else_is_a_protocol_error_saying_what_is_wrong(line: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        protocol.decode(line)


def test_a_protocol_error_is_a_value_error() -> None:
    assert issubclass(ProtocolError, ValueError)


@pytest.mark.parametrize(
    "column", [[], [0], [-1, 2**63 - 1, -(2**63)], list(range(1_024))], ids=len
)
def test_event_columns_travel_as_words_and_come_back_whole(column: list[int]) -> None:
    """The child packs each column as 64-bit words (cheap to write while the run is measured);
    the parent gets back the very integers, whatever their size or sign."""
    n = len(column)
    workers = [4250, MAIN_WORKER] * (n // 2) + [4250] * (n % 2)  # a column, not one number
    message = Events([LAST_STEP] * n, list(range(n)), column, column, workers)
    line = protocol.encode(message)
    assert {"kinds", "task_ids", "starts", "ends"} <= set(_header(line)["packed"])
    assert n < 2 or "workers" in _header(line)["packed"]
    assert len(line) - line.index(b"\n") - 1 == 8 * n * len(_header(line)["packed"])
    assert protocol.decode(line) == message


def _frame(size: bytes, header: bytes, payload: bytes) -> bytes:
    return FRAME + size + b" " + header + b"\n" + payload


_KINDS_ONLY = b'{"type":"events","packed":["kinds","task_ids"]}'


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_frame(b"16", _KINDS_ONLY, b"\0" * 8), "announcing '16' bytes came with 8"),
        (_frame(b"8", _KINDS_ONLY, b"\0" * 8), "8 bytes are not 2 columns of 64-bit words"),
        (_frame(b"x", _KINDS_ONLY, b""), "announcing 'x' bytes"),
        (_frame(b"0", b'{"type":"events"}', b""), "does not name its packed columns"),
        (_frame(b"0", b'{"type":"events","packed":[]}', b""), "does not name"),
        (_frame(b"0", b"{not json", b""), "header is not JSON"),
        (_frame(b"0", b"[1]", b""), "header is not a JSON object"),
        (FRAME + b"0", "without its size and header line"),
        (_frame(b"16", _KINDS_ONLY, b"\0" * 16), "without 'starts'"),
    ],
)
def test_a_frame_that_is_not_whole_and_right_is_a_protocol_error(
    frame: bytes, message: str
) -> None:
    with pytest.raises(ProtocolError, match=message):
        protocol.decode(frame)


def test_a_frame_comes_whole_even_with_newlines_in_its_words_and_lines_pass_as_they_are() -> None:
    batch = Events([STEP], [0x0A0A], [0x0A], [0x0A0A0A0A], [MAIN_WORKER])  # newline bytes
    stream = b"port 8080\n" + protocol.encode(batch) + protocol.encode(MESSAGES[-2])
    assert [protocol.decode(m) for m in list(read_messages(io.BytesIO(stream)))[1:]] == [
        batch,
        MESSAGES[-2],
    ]
    assert next(read_messages(io.BytesIO(stream))) == b"port 8080\n"


def test_a_frame_cut_short_by_the_end_of_the_stream_is_a_protocol_error_not_a_wait() -> None:
    line = protocol.encode(MESSAGES[2])
    (cut,) = read_messages(io.BytesIO(line[:-5]))
    with pytest.raises(ProtocolError, match="came with"):
        protocol.decode(cut)


def test_a_garbled_size_is_not_read_up_front() -> None:
    huge = _frame(str(MAX_PAYLOAD + 1).encode(), _KINDS_ONLY, b"") + b'{"type":"done"}\n'
    messages = list(read_messages(io.BytesIO(huge)))
    assert len(messages) == 2  # the frame's line alone, then the next line as it is
    with pytest.raises(ProtocolError, match="came with 0"):
        protocol.decode(messages[0])


def test_words_are_little_endian_64_bit_whatever_the_host_packs_them_with() -> None:
    """Words are packed the cheapest way the host allows (``n`` where it is a little-endian
    64-bit word): the bytes are those of ``<q`` all the same, and a number out of a word's
    range is refused as ``<q`` refuses it."""
    numbers = [0, 1, -1, 2**30, 1_733_000_000_123_456_789, 0x7F3A_0000_1000, 2**63 - 1, -(2**63)]
    assert pack_words(len(numbers), iter(numbers)) == struct.pack("<8q", *numbers)
    for out_of_range in (2**63, -(2**63) - 1):
        with pytest.raises(struct.error):
            pack_words(1, [out_of_range])


def test_task_addresses_go_packed_straight_from_the_array_the_clock_keeps() -> None:
    """The step clock sends its tasks' addresses as an array (no int object per task): they
    travel as packed words and come back as the same numbers."""
    addresses = array("q", [0x7F3A_0000_1000 + 80 * i for i in range(1_000)])
    line = protocol.encode(TaskAddresses(0, addresses))
    assert _header(line)["packed"] == ["addresses"]
    assert line.endswith(struct.pack("<1000q", *addresses))  # little-endian words
    assert protocol.decode(line) == TaskAddresses(0, addresses.tolist())


@pytest.mark.parametrize(
    "line", [b"[" * 100_000, _frame(b"0", b"[" * 100_000, b"")], ids=["line", "frame"]
)
def test_json_nested_too_deep_is_a_protocol_error_not_a_crash(line: bytes) -> None:
    with pytest.raises(ProtocolError, match="JSON"):
        protocol.decode(line)


def test_a_frame_larger_than_a_pipe_holds_comes_whole_through_a_real_pipe() -> None:
    addresses = TaskAddresses(0, list(range(0x7F00_0000_0000, 0x7F00_0000_0000 + 16_384)))
    stream = protocol.encode(addresses) + protocol.encode(MESSAGES[-2])
    assert len(stream) > 128_000  # twice what a Linux pipe buffers
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as out:
            for lo in range(0, len(stream), 4_096):  # in pieces, as a child's writes arrive
                out.write(stream[lo : lo + 4_096])

    writer = threading.Thread(target=write)
    writer.start()
    with os.fdopen(read_end, "rb") as reader:
        messages = [protocol.decode(m) for m in read_messages(reader)]
    writer.join(timeout=30)
    assert messages == [addresses, MESSAGES[-2]]
