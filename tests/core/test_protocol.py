"""The wire protocol: every message survives the trip; anything else is a ProtocolError."""

from __future__ import annotations

import json
from array import array

import pytest

from workbench.core import protocol
from workbench.core.protocol import (
    BEGIN,
    END,
    LAST_STEP,
    MAIN_WORKER,
    NOT_ENDED,
    Done,
    Events,
    Failed,
    ProtocolError,
    RunRequest,
    Started,
    TaskAddresses,
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


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.TYPE)
def test_every_message_survives_encoding_as_one_line(message: protocol.Message) -> None:
    line = protocol.encode(message)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert protocol.decode(line) == message


def test_field_names_on_the_wire_are_readable() -> None:
    wire = json.loads(protocol.encode(MESSAGES[2]))
    assert set(wire) == {
        "type",
        "kinds",
        "task_ids",
        "starts",
        "ends",
        "workers",
        "errors",
        "heartbeats",
        "lag",
        "thread_pids",
    }


def test_a_batch_run_by_one_worker_sends_it_once_not_as_a_column() -> None:
    steps = Events([LAST_STEP] * 3, [0, 1, 2], [1, 2, 3], [4, 5, 6], [MAIN_WORKER] * 3)
    line = protocol.encode(steps)
    assert json.loads(line)["workers"] == MAIN_WORKER
    assert protocol.decode(line) == steps


def test_the_child_accepts_only_a_request_as_its_first_line() -> None:
    assert protocol.decode_request(protocol.encode(MESSAGES[0])) == MESSAGES[0]
    with pytest.raises(ProtocolError, match="expected a run request"):
        protocol.decode_request(protocol.encode(MESSAGES[1]))


def _events(**changes: object) -> bytes:
    wire = json.loads(protocol.encode(MESSAGES[2]))
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
def test_event_columns_travel_packed_and_come_back_whole(column: list[int]) -> None:
    """The child packs each column as 64-bit words (cheap to write while the run is measured);
    the parent gets back the very integers, whatever their size or sign."""
    n = len(column)
    workers = [4250, MAIN_WORKER] * (n // 2) + [4250] * (n % 2)  # a column, not one number
    message = Events([LAST_STEP] * n, list(range(n)), column, column, workers)
    wire = json.loads(protocol.encode(message))
    assert all(isinstance(wire[name], str) for name in ("kinds", "task_ids", "starts", "ends"))
    assert n < 2 or isinstance(wire["workers"], str)
    assert protocol.decode(protocol.encode(message)) == message


@pytest.mark.parametrize("packed", ["main", "AAAA", "not base64!", "AAAAAAAAAA=="])
def test_packed_columns_that_are_not_whole_words_are_refused(packed: str) -> None:
    line = json.dumps(
        {"type": "events", "kinds": packed, "task_ids": [], "starts": [], "ends": [],
         "workers": 0, "errors": [], "heartbeats": [], "lag": [], "thread_pids": []}
    )  # fmt: skip
    with pytest.raises(ProtocolError, match="expected a list of integers"):
        protocol.decode(line)


def test_task_addresses_go_packed_straight_from_the_array_the_clock_keeps() -> None:
    """The step clock sends its tasks' addresses as an array (no int object per task): they
    travel as packed words and come back as the same numbers."""
    addresses = array("q", [0x7F3A_0000_1000 + 80 * i for i in range(1_000)])
    line = protocol.encode(TaskAddresses(0, addresses))
    assert isinstance(json.loads(line)["addresses"], str)
    assert protocol.decode(line) == TaskAddresses(0, addresses.tolist())
