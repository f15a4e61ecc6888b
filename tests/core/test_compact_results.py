"""The compact results file (.wbr): same results as the JSON, a fraction of the bytes, and a
damaged one refused in one line."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_exports import _results
from tests.core.thread_states_factory import gil_threads, results_of
from workbench.core.exports import ResultsFileError, from_json, load, save, to_json
from workbench.core.exports.compact import MAGIC, from_compact, to_compact
from workbench.core.exports.task_columns import columns_of
from workbench.core.results import Results, TaskSpan


def _varied() -> Results:
    """Every field a task can carry: errors, tracebacks, attempts, cores, several intervals."""
    base = _results()
    threads = base.runs[1]
    tasks = (
        *threads.tasks,
        TaskSpan(2, 5, 9, "thread-1", False, "ValueError: y", (), (), traceback="Trace\n  x"),
        TaskSpan(5, 6, 6, "thread-3", False, "lost with worker", ((6, 6),), (-1,), attempt_of=2),
    )
    return replace(base, runs=(base.runs[0], replace(threads, tasks=tasks)))


@pytest.mark.parametrize("make", [_results, _varied, lambda: results_of(gil_threads())])
def test_compact_round_trip_gives_back_what_the_json_does(make: Callable[[], Results]) -> None:
    results = make()
    assert from_compact(to_compact(results)) == from_json(to_json(results))


def test_compact_round_trip_keeps_every_task_field_exactly() -> None:
    results = _varied()
    assert from_compact(to_compact(results)).runs[1].tasks == results.runs[1].tasks


def test_a_wbr_name_saves_compact_and_load_reads_either_form_by_content(tmp_path: Path) -> None:
    save(_results(), tmp_path / "r.wbr")
    save(_results(), tmp_path / "r.json")
    assert (tmp_path / "r.wbr").read_bytes().startswith(MAGIC)
    assert (tmp_path / "r.json").read_text().startswith("{")
    (tmp_path / "r.wbr").rename(tmp_path / "misnamed.json")
    assert load(tmp_path / "misnamed.json") == load(tmp_path / "r.json") == _results()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["misnamed.json", "r.json"]


def _gathered(tasks: int) -> Results:
    """A gather-like run: starts microseconds apart, two steps each, one label."""
    spans = tuple(
        TaskSpan(
            i,
            1_000 * i + 17 * (i % 7),
            500_000_000 + 1_300 * i,
            "main",
            running=(
                (1_000 * i, 1_000 * i + 9_000),
                (500_000_000 + 1_300 * i - 4_000, 500_000_000 + 1_300 * i),
            ),
            cores=(i % 2, (i + 1) % 2),
        )
        for i in range(tasks)
    )
    base = _results()
    return replace(base, runs=(replace(base.runs[1], tasks=spans),))


def test_a_big_run_takes_far_fewer_bytes_than_its_json() -> None:
    results = _gathered(20_000)
    compact, text = to_compact(results), to_json(results)
    assert len(compact) / 20_000 <= 40
    assert len(compact) * 10 < len(text.encode())


def _rewrite(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The file with its index changed by ``change`` (the blobs stay where they were)."""
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    index = json.loads(zlib.decompress(data[start : start + length]))
    change(index)
    head = zlib.compress(json.dumps(index).encode())
    return MAGIC + struct.pack("<I", len(head)) + head + data[start + length :]


def _column(name: str, **values: Any) -> Callable[[dict[str, Any]], None]:
    def change(index: dict[str, Any]) -> None:
        index["runs"][1]["columns"][name].update(values)

    return change


def _column_of(name: str, values: list[int]) -> bytes:
    """A file whose run 1 has column ``name`` replaced by ``values`` (as int64)."""
    data = to_compact(_varied())
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    index = json.loads(zlib.decompress(data[start : start + length]))
    body = data[start + length :]
    raw = b"".join(struct.pack("<q", v) for v in values)
    shuffled = bytes(raw[i + 8 * j] for i in range(8) for j in range(len(values)))
    blob = zlib.compress(shuffled)
    spec = {"dtype": "<i8", "count": len(values), "offset": len(body), "length": len(blob)}
    index["runs"][1]["columns"][name] = spec
    head = zlib.compress(json.dumps(index).encode())
    return MAGIC + struct.pack("<I", len(head)) + head + body + blob


GOOD = to_compact(_varied())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GOOD[:6], "cut short"),
        (GOOD[: len(GOOD) // 2], "lies outside the file"),
        (_rewrite(GOOD, lambda i: i.update(format="workbench.compact/9")), "unsupported compact"),
        (_rewrite(GOOD, _column("duration", dtype="|O")), r"duration: unknown column type '\|O'"),
        (_rewrite(GOOD, _column("start_step", count=10**9)), "start_step: holds other than"),
        (_rewrite(GOOD, _column("ok", offset=0)), "ok: holds other than"),
        (_rewrite(GOOD, _column("ok", offset=1)), "ok: damaged column"),
        (_rewrite(GOOD, lambda i: i["runs"][1].update(tasks=5)), "holds 4 values for 5 tasks"),
        (_rewrite(GOOD, lambda i: i["runs"][1].update(workers=[])), "worker index out of range"),
        (_rewrite(GOOD, lambda i: i["runs"].pop()), "does not match its runs"),
        (_column_of("duration", [1, 1, -5, 0]), "duration .end before start. out of range"),
        (_column_of("start_step", [-1, 0, 0, 0]), "start time out of range"),
        (_column_of("error", [-1, 9, -1, -1]), "error index out of range"),
        (_column_of("running_count", [2, 0, 0, 0]), "running_gap does not hold the 2 values"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_damaged_compact_file_is_refused_in_one_line(data: bytes, message: str) -> None:
    with pytest.raises(ResultsFileError, match=message) as caught:
        from_compact(data)
    assert "\n" not in str(caught.value)


def test_results_that_would_not_read_back_are_not_saved_compact(tmp_path: Path) -> None:
    bad = _results()
    run = replace(bad.runs[0], tasks=(TaskSpan(0, 5, 2, "main"),))  # ends before it starts
    with pytest.raises(ValueError, match="cannot be saved compact: a duration"):
        save(replace(bad, runs=(run,)), tmp_path / "bad.wbr")
    assert list(tmp_path.iterdir()) == []


def test_columns_are_deltas_small_enough_for_the_narrowest_type() -> None:
    columns = columns_of(_gathered(1_000).runs[0].tasks)
    assert set(columns.id_step.tolist()) == {0, 1}
    assert columns.workers == ["main"] and columns.texts == []


@pytest.mark.parametrize(
    ("task", "what"),
    [
        (TaskSpan(99, 0, 5, "main"), "task id"),
        (TaskSpan(0, 0, 5, "main", cores=(7,)), "core"),
        (TaskSpan(0, 0, 2 * 10**16, "main"), "end time"),
    ],
)
def test_a_compact_file_keeps_the_json_files_bounds(task: TaskSpan, what: str) -> None:
    """Ids, cores and times past what a JSON file may hold are refused in the compact form
    too (here when saving, which checks that the file would read back)."""
    base = _results()
    bad = replace(base, runs=(replace(base.runs[0], tasks=(task,)),))
    with pytest.raises(ValueError, match=what):
        to_compact(bad)
