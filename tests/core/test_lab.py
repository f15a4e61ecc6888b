"""The class's collector: every valid file from a room of machines is kept and shown; wrong
codes, oversized and malformed files are refused with their reason and change nothing; a
flooding client is slowed down; stopping frees the port."""

from __future__ import annotations

import asyncio
import errno
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.core.results_factory import make_results
from workbench.core.exports import from_json, save, to_json
from workbench.core.history import History
from workbench.core.lab import (
    MAX_BYTES,
    ClassEntry,
    Collector,
    Refusal,
    Roster,
    RosterObserver,
    import_folder,
)
from workbench.core.lab.client import SubmitError, submit, submit_url
from workbench.core.lab.protocol import (
    HOST_HEADER,
    JOIN_CODE_ALPHABET,
    JOIN_CODE_HEADER,
    Reply,
    new_join_code,
    normalise_join_code,
)
from workbench.core.lab.ratelimit import RateLimit

LOOPBACK = "127.0.0.1"
STUDENTS = 20


def _loopback_aliases_work() -> bool:
    """Linux routes all of 127.0.0.0/8 to the loopback: each simulated student gets an address
    of its own, as each machine in a lab has, so the per-client rate limit sees 20 clients."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.2", 0))
        except OSError:
            return False
    return True


needs_aliases = pytest.mark.skipif(
    not _loopback_aliases_work(), reason="this OS has no 127.0.0.2 on its loopback"
)


class Recorder(RosterObserver):
    def __init__(self) -> None:
        self.accepted: list[ClassEntry] = []
        self.refused: list[Refusal] = []

    def submission_accepted(self, entry: ClassEntry) -> None:
        self.accepted.append(entry)

    def submission_refused(self, refusal: Refusal) -> None:
        self.refused.append(refusal)


def _student_results(n: int) -> str:
    """Student n's machine: 2 to 21 cores, its own CPU model; a speedup that grows with n."""
    return to_json(
        make_results(
            ("sequential", "process-pool"),
            (1.0, 1.0 / (1 + n / 10)),
            logical_cpus=2 + n,
            physical_cpus=2 + n,
            cpu_model=f"Lab CPU {n}",
        )
    )


async def _post(
    url: str,
    body: bytes | AsyncIterator[bytes],
    *,
    code: str,
    source: str = LOOPBACK,
    hostname: str = "student",
) -> tuple[int, Reply, dict[str, str]]:
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    headers = {JOIN_CODE_HEADER: code, HOST_HEADER: hostname}
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        reply = Reply.from_http(response.status, await response.text())
        return response.status, reply, dict(response.headers)


async def _chunks(total: int) -> AsyncIterator[bytes]:
    """A body sent without Content-Length (chunked), so only reading can find it too large."""
    chunk = b" " * (1024 * 1024)
    for _ in range(total // len(chunk) + 1):
        yield chunk


def _port_is_free(port: int) -> bool:
    """Bind and listen on the port again (SO_REUSEADDR skips connections in TIME_WAIT, but
    never a live listener)."""
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            again.bind((LOOPBACK, port))
            again.listen()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            return False
    return True


@needs_aliases
def test_a_room_of_twenty_submitters_all_kept_bad_ones_refused_and_the_port_freed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "collected"
    out.mkdir()
    history = History(tmp_path / "history.sqlite3")
    roster = Roster(out_dir=out, history=history)
    recorder = Recorder()
    roster.add_observer(recorder)
    sent = {f"lab-{n:02d}": _student_results(n) for n in range(STUDENTS)}

    async def scenario() -> tuple[list[tuple[int, Reply, dict[str, str]]], int]:
        collector = Collector(roster, host=LOOPBACK, port=0)
        await collector.start()
        url = f"{collector.urls[0]}/submit"
        code = collector.join_code
        valid = [
            _post(url, text.encode(), code=code.lower(), source=f"127.0.0.{n + 2}", hostname=host)
            for n, (host, text) in enumerate(sent.items())
        ]
        bad = [
            _post(url, sent["lab-00"].encode(), code="WRONG1", source="127.0.1.1"),
            _post(url, b" " * (MAX_BYTES + 1), code=code, source="127.0.1.2"),
            _post(url, _chunks(MAX_BYTES), code=code, source="127.0.1.3"),
            _post(url, b'{"schema": "workbench.results/2", "runs": []}', code=code,
                  source="127.0.1.4"),
            _post(url, b"\xff\xfe not text", code=code, source="127.0.1.5"),
        ]  # fmt: skip
        answers = await asyncio.gather(*valid, *bad)
        port = collector.port
        await collector.stop()
        return answers, port

    answers, port = asyncio.run(scenario())

    for status, reply, _ in answers[:STUDENTS]:
        assert (status, reply.accepted) == (201, True), reply.message
    statuses = [(status, reply.message) for status, reply, _ in answers[STUDENTS:]]
    assert statuses[0] == (403, "wrong join code")
    limit = "the limit is 33,554,432 bytes (32 MB)"
    assert statuses[1] == (413, f"results file too large: 33,554,433 bytes; {limit}")
    assert statuses[2] == (
        413,
        f"results file too large: over 33,554,432 bytes (stopped reading); {limit}",
    )
    assert statuses[3] == (400, "not a results file: damaged results file: missing field 'machine'")
    assert statuses[4] == (400, "not a results file: not UTF-8 text")
    assert sorted(r.status for r in recorder.refused) == sorted(s for s, _ in statuses)

    # Every valid file kept whole, once: in the roster, the output folder and the history.
    entries = {e.hostname: e for e in roster.entries}
    assert sorted(entries) == sorted(sent)
    assert recorder.accepted == list(roster.entries)
    assert sorted(e.number for e in roster.entries) == list(range(1, STUDENTS + 1))
    for host, text in sent.items():
        entry = entries[host]
        assert entry.results == from_json(text)
        assert entry.saved_to is not None and entry.saved_to.read_text() == text
        assert entry.history_id is not None
        assert history.entry(entry.history_id).hostname == host
    assert len(list(out.iterdir())) == STUDENTS
    assert len(history) == STUDENTS

    # What the class view shows per machine.
    lab_05 = entries["lab-05"]
    assert (lab_05.logical_cpus, lab_05.cpu_model, lab_05.interpreter) == (
        7,
        "Lab CPU 5",
        "CPython 3.11.7",
    )
    assert lab_05.client == "127.0.0.7"
    assert dict(lab_05.speedups)["process-pool"] == pytest.approx(1.5)

    assert _port_is_free(port)


def test_a_flooding_client_gets_429_and_the_others_go_on(tmp_path: Path) -> None:
    roster = Roster()
    limit = RateLimit(burst=3, per_second=0.01)

    async def scenario() -> list[tuple[int, Reply, dict[str, str]]]:
        async with Collector(roster, host=LOOPBACK, rate_limit=limit) as collector:
            url = f"{collector.urls[0]}/submit"
            answers = [
                await _post(url, b"{}", code="NOPE12")
                for _ in range(4)  # guessing codes
            ]
            other = _loopback_aliases_work()
            source = "127.0.0.9" if other else LOOPBACK
            answers.append(await _post(url, _student_results(1).encode(),
                                       code=collector.join_code, source=source))  # fmt: skip
            return answers

    answers = asyncio.run(scenario())
    assert [status for status, _, _ in answers[:4]] == [403, 403, 403, 429]
    assert answers[3][1].message.startswith("too many submissions from 127.0.0.1")
    assert int(answers[3][2]["Retry-After"]) >= 1
    if _loopback_aliases_work():
        assert answers[4][0] == 201
        assert len(roster.entries) == 1


def test_the_client_reports_accepted_refused_and_unreachable(tmp_path: Path) -> None:
    roster = Roster()

    async def scenario() -> tuple[Reply, Reply, int]:
        async with Collector(roster, host=LOOPBACK) as collector:
            address = f"{LOOPBACK}:{collector.port}"
            ok = await submit(address, collector.join_code, _student_results(3),
                              hostname="lab-03", preset="cpu-gil", verdict="holds")  # fmt: skip
            refused = await submit(address, "ZZZZZZ", _student_results(3))
            return ok, refused, collector.port

    ok, refused, port = asyncio.run(scenario())
    assert (ok.accepted, ok.number, ok.message) == (True, 1, "accepted as #1 (lab-03)")
    assert (refused.accepted, refused.status, refused.message) == (False, 403, "wrong join code")
    [entry] = roster.entries
    assert (entry.preset, entry.verdict) == ("cpu-gil", "holds")
    with pytest.raises(SubmitError, match="cannot reach the collector"):
        asyncio.run(submit(f"{LOOPBACK}:{port}", "ABCDEF", "{}", timeout_s=3))


def test_an_unknown_verdict_is_refused() -> None:
    async def scenario() -> Reply:
        async with Collector(Roster(), host=LOOPBACK) as collector:
            return await submit(f"{LOOPBACK}:{collector.port}", collector.join_code,
                                _student_results(1), verdict="trust me")  # fmt: skip

    reply = asyncio.run(scenario())
    assert (reply.status, reply.message) == (400, "unknown verdict 'trust me'")


def test_a_pathological_file_is_refused_and_the_collector_goes_on() -> None:
    async def scenario() -> tuple[Reply, Reply]:
        async with Collector(Roster(), host=LOOPBACK) as collector:
            address = f"{LOOPBACK}:{collector.port}"
            nested = await submit(address, collector.join_code, "[" * 100_000 + "]" * 100_000)
            fine = await submit(address, collector.join_code, _student_results(2))
            return nested, fine

    nested, fine = asyncio.run(scenario())
    assert nested.status == 400
    assert (
        nested.message
        == "not a results file: nested too deeply (a results file is a few levels deep)"
    )
    assert fine.accepted


def test_a_folder_without_a_network_fills_the_same_roster(tmp_path: Path) -> None:
    for n in (1, 2):
        save(from_json(_student_results(n)), tmp_path / f"lab-{n:02d}.json")
    (tmp_path / "notes.json").write_text("[1, 2")
    (tmp_path / "photo.json").write_bytes(b"\x89PNG\xff")
    (tmp_path / "readme.txt").write_text("not even looked at")
    roster = Roster()
    recorder = Recorder()
    roster.add_observer(recorder)
    imported = import_folder(tmp_path, roster)
    assert [e.hostname for e in imported.accepted] == ["lab-01", "lab-02"]
    assert recorder.accepted == list(roster.entries) == list(imported.accepted)
    assert [(p.name, reason) for p, reason in imported.skipped] == [
        ("notes.json", "not a results file: not a JSON file (Expecting ',' delimiter at line 1)"),
        ("photo.json", "not a results file: not UTF-8 text"),
    ]


def test_join_codes_are_short_unambiguous_and_case_insensitive() -> None:
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 6 and set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)
    assert not set(JOIN_CODE_ALPHABET) & set("01OIL")
    assert normalise_join_code(" k7qx2m ") == "K7QX2M"
    with pytest.raises(ValueError, match="4 to 32 letters or digits"):
        normalise_join_code("a b")


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("192.168.1.5:8765", "http://192.168.1.5:8765/submit"),
        ("http://teacher.local:8765/", "http://teacher.local:8765/submit"),
        ("[fe80::1]:80", "http://[fe80::1]:80/submit"),
    ],
)
def test_collector_addresses_as_shown_or_typed(address: str, url: str) -> None:
    assert submit_url(address) == url


@pytest.mark.parametrize("address", ["192.168.1.5", "http://x:0", "a b:1", "x:99999"])
def test_a_collector_address_needs_a_host_and_a_port(address: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        submit_url(address)


def test_an_answer_that_is_not_a_collectors_is_not_trusted() -> None:
    assert Reply.from_http(200, "<html>hello</html>") == Reply(
        False, 200, "not a workbench collector (HTTP 200)"
    )
    assert not Reply.from_http(200, json.dumps({"accepted": True, "message": "ok"})).accepted


def test_a_port_in_use_is_an_error_and_leaves_nothing_listening() -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def scenario() -> None:
            collector = Collector(Roster(), host=LOOPBACK, port=port)
            with pytest.raises(OSError, match="address already in use"):
                await collector.start()
            assert not collector.running

        asyncio.run(scenario())
