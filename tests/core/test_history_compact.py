"""The history keeps each experiment in the compact form, and still opens the zlib'd JSON of
entries recorded before it."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest

from tests.core.results_factory import make_results
from workbench.core.exports import load, to_json
from workbench.core.exports.compact import MAGIC
from workbench.core.history import History, HistoryError


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "history.sqlite3", notice=lambda _: None)


def _stored(history: History, entry_id: int) -> bytes:
    with sqlite3.connect(history.path) as conn:
        row = conn.execute("SELECT data FROM results WHERE id = ?", (entry_id,)).fetchone()
    conn.close()
    return bytes(row[0])


def _restore(history: History, entry_id: int, data: bytes) -> None:
    with sqlite3.connect(history.path) as conn:
        conn.execute("UPDATE results SET data = ? WHERE id = ?", (data, entry_id))
    conn.close()


def test_an_entry_is_stored_compact_and_comes_back_as_json_text_too(history: History) -> None:
    results = make_results(tasks=2_000)
    entry_id = history.record(results)
    stored = _stored(history, entry_id)
    assert stored.startswith(MAGIC)
    assert len(stored) * 5 < len(zlib.compress(to_json(results).encode(), 1))
    assert history.get(entry_id) == results
    assert history.results_text(entry_id) == to_json(results)


def test_an_entry_recorded_as_zlib_json_still_opens(history: History) -> None:
    results = make_results()
    entry_id = history.record(results)
    _restore(history, entry_id, zlib.compress(to_json(results).encode(), 1))
    assert history.get(entry_id) == results
    assert history.results_text(entry_id) == to_json(results)


def test_export_writes_the_form_its_name_asks_for(history: History, tmp_path: Path) -> None:
    results = make_results()
    entry_id = history.record(results)
    history.export(entry_id, tmp_path / "out.wbr")
    history.export(entry_id, tmp_path / "out.json")
    assert (tmp_path / "out.wbr").read_bytes().startswith(MAGIC)
    assert (tmp_path / "out.json").read_text() == to_json(results)
    assert load(tmp_path / "out.wbr") == load(tmp_path / "out.json") == results
    _restore(history, entry_id, zlib.compress(to_json(results).encode(), 1))
    history.export(entry_id, tmp_path / "older.wbr")
    assert load(tmp_path / "older.wbr") == results


def test_a_damaged_compact_entry_is_refused_in_one_line(history: History) -> None:
    entry_id = history.record(make_results())
    _restore(history, entry_id, _stored(history, entry_id)[:40])
    for read in (history.get, history.results_text):
        with pytest.raises(HistoryError, match=f"history entry {entry_id} is damaged") as caught:
            read(entry_id)
        assert "\n" not in str(caught.value)
