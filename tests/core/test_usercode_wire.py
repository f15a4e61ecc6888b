"""The wire carries the user's code, its tracebacks and setup failures; output is capped."""

from __future__ import annotations

import pytest

from workbench.core import protocol
from workbench.core.output_capture import OutputCapture


def test_a_run_request_with_code_round_trips() -> None:
    code = protocol.CodeRequest(
        "/home/ann/demo.py",
        "ab" * 32,
        (protocol.CodeCall("task", False, True), protocol.CodeCall("async_task", True, False)),
        {"seconds": 0.5, "name": "x", "flag": True, "none": None, "n": 3},
        True,
    )
    request = protocol.RunRequest("threads", "code", {}, 4, 2, code=code)
    assert protocol.decode(protocol.encode(request)) == request
    plain = protocol.RunRequest("threads", "sleep", {"duration": 0.1}, 4, 2)
    assert protocol.decode(protocol.encode(plain)) == plain


def test_tracebacks_and_setup_failures_round_trip() -> None:
    events = protocol.Events([2], [1], [10], [20], [0], {1: "ValueError: x"}, tracebacks={1: "T"})
    assert protocol.decode(protocol.encode(events)) == events
    failed = protocol.Failed("demo.py:3: setup() raised KeyError: 'a'", "Traceback…", 3)
    assert protocol.decode(protocol.encode(failed)) == failed
    assert protocol.decode('{"type": "failed", "error": "old"}') == protocol.Failed("old")


def test_bad_code_on_the_wire_is_a_protocol_error() -> None:
    line = (
        '{"type":"run","strategy":"threads","workload":"code","params":{},"tasks":1,'
        '"workers":1,"code":{"path":"/x.py","sha256":"a","functions":[],"kwargs":{"k":[1]}}}'
    )
    with pytest.raises(protocol.ProtocolError, match="malformed run message"):
        protocol.decode(line)


def test_output_is_kept_up_to_the_cap_and_the_tail_names_the_last_line() -> None:
    capture = OutputCapture(cap_bytes=10)
    for chunk in (b"hello\n", b"world\n", b"x" * 10_000, b"\nlast words\n\n"):
        capture.feed(chunk)
    assert capture.text() == "hello\nworl"
    assert capture.truncated
    assert capture.total_bytes == 12 + 10_000 + 13
    assert capture.last_line() == "last words"
    small = OutputCapture()
    small.feed("é".encode())
    assert small.text() == "é"
    assert not small.truncated
