"""The http case counted in instructions: a request's cost from two runs' counts, what each
program runs, the report, and a clear line when valgrind is missing."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Sequence

import pytest

from workbench.bench import http_instructions
from workbench.bench.instructions import Counts
from workbench.core.httpserver_client import ServerError

_LOOP = ("ceval.c", "_PyEval_EvalFrameDefault")
_ALLOC = ("obmalloc.c", "_PyObject_Malloc")
_PACK = ("_struct.c", "s_pack_internal")


def _fake_count(argv: Sequence[str]) -> Counts:
    """Bare: 100 loop + 20 allocator instructions a request; the workbench 30 loop and 10
    packing more, 10 loop more with recording inside off; a start-up of 5,000 in each that
    the difference must cancel."""
    if argv[2] == "workbench.bench.bare.http_gather":
        requests = int(argv[3])
        return {_LOOP: 5_000 + 100 * requests, _ALLOC: 20 * requests}
    requests, inside = int(argv[2]), argv[5] == "on"
    if not inside:
        return {_LOOP: 5_000 + 110 * requests, _ALLOC: 20 * requests}
    return {_LOOP: 5_000 + 130 * requests, _ALLOC: 20 * requests, _PACK: 10 * requests}


@contextlib.asynccontextmanager
async def _no_server() -> AsyncIterator[str]:
    """The fake counter sends nothing: a URL is all the count needs of a server."""
    yield "http://127.0.0.1:9"


def test_a_requests_cost_is_the_difference_over_the_requests_added() -> None:
    figures = http_instructions.measure_http_instructions(
        (10, 30), progress=lambda _: None, counter=_fake_count, server=_no_server
    )
    rows = {row["arm"]: row for row in figures["rows"]}
    assert figures["requests"] == [10, 30]
    assert rows["bare"]["per_request"] == 120.0 and rows["bare"]["added"] == 0.0
    assert (rows["workbench"]["per_request"], rows["workbench"]["added"]) == (160.0, 40.0)
    assert rows["workbench"]["other"] == 10.0 and rows["workbench"]["ratio"] == 1.3333
    assert rows["inside-off"]["added"] == 10.0
    assert figures["functions"][:2] == [
        ("_PyEval_EvalFrameDefault", 30.0),
        ("s_pack_internal", 10.0),
    ]
    text = "\n".join(http_instructions.to_markdown(figures))
    assert "| workbench | 160.0 | 130.0 | 20.0 | 10.0 | 40.0 | 1.3333 |" in text
    assert "| s_pack_internal | 10.0 |" in text


@contextlib.asynccontextmanager
async def _server_that_fails() -> AsyncIterator[str]:
    raise ServerError("the local HTTP server did not start: address in use")
    yield "never"  # pragma: no cover - makes this a generator


def test_a_server_that_does_not_start_leaves_why_in_the_figures_not_a_traceback() -> None:
    figures = http_instructions.measure_http_instructions(
        (10, 30), progress=lambda _: None, counter=_fake_count, server=_server_that_fails
    )
    assert figures == {"skipped": "the local HTTP server did not start: address in use"}
    text = "\n".join(http_instructions.to_markdown(figures))
    assert "Not measured: the local HTTP server did not start" in text


def test_each_program_makes_the_requests_asked_of_the_url_given() -> None:
    url = "http://127.0.0.1:8123"
    bare = http_instructions.request_argv("bare", 250, url)
    assert bare[2:] == ["workbench.bench.bare.http_gather", "250", "2", "0.2", url]
    on = http_instructions.request_argv("workbench", 250, url)
    off = http_instructions.request_argv("inside-off", 250, url)
    assert on[2:] == ["250", url, "0.2", "on"] and off[2:] == ["250", url, "0.2", "off"]
    assert "workbench.core.child import run" in on[1]


def test_bad_sizes_get_one_line_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        http_instructions.main(["--sizes", "30,10"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert "Traceback" not in err and "'30,10'" in last and "numbers of requests" in last


def test_without_valgrind_it_says_so_in_one_line_and_the_bench_keeps_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert http_instructions.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "needs valgrind" in err
    figures = http_instructions.measure_counted_http(progress=lambda _: None)
    assert "needs valgrind" in figures["skipped"]
    assert "Not measured" in "\n".join(http_instructions.to_markdown(figures))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_counted_a_request_through_the_workbench_costs_more_than_bare_and_not_double() -> None:
    """Really counted, small: every arm's request costs hundreds of thousands of instructions,
    and the workbench's more than bare aiohttp's in the interpreter's loop (its step clock and
    recorder are Python), but by a few per cent, not a multiple — a count that measured
    start-up or the server would not. (At a few hundred requests the C side of a request,
    how its bytes arrive, moves by ±1 % from count to count: the totals are not compared.)"""
    figures = http_instructions.measure_http_instructions((100, 300), progress=lambda _: None)
    rows = {row["arm"]: row for row in figures["rows"]}
    assert rows["bare"]["per_request"] > 100_000
    assert rows["workbench"]["interpreter"] > rows["bare"]["interpreter"]
    assert 0.9 < rows["workbench"]["ratio"] < 1.2 and 0.9 < rows["inside-off"]["ratio"] < 1.2
