"""The history keeps every experiment whole, survives crashes and concurrent writers, and
never destroys a file that is not its own."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.core.results_factory import make_results
from workbench.core.exports import to_json
from workbench.core.history import History, HistoryError, NoSuchEntry
from workbench.core.history.database import SCHEMA_VERSION


@pytest.fixture
def notices() -> list[str]:
    return []


@pytest.fixture
def history(tmp_path: Path, notices: list[str]) -> History:
    return History(tmp_path / "history.sqlite3", notice=notices.append)


def test_an_experiment_comes_back_whole_with_its_index_row(history: History) -> None:
    results = make_results(("sequential", "async-gather", "threads"), (0.3, 0.1, 0.12))
    entry_id = history.record(results, preset="await-in-turn", verdict="holds")
    assert history.get(entry_id) == results
    entry = history.entry(entry_id)
    assert (entry.workload, entry.tasks, entry.strategies) == (
        "sleep",
        3,
        ("sequential", "async-gather", "threads"),
    )
    assert (entry.preset, entry.verdict, entry.interrupted) == ("await-in-turn", "holds", False)
    assert entry.best_strategy == "async-gather"
    assert entry.best_speedup == pytest.approx(3.0)
    assert entry.interpreters == ("CPython 3.11.7",)
    assert (entry.logical_cpus, entry.cpu_model) == (2, "Test CPU 2000")
    assert entry.hostname  # this host's name: the results file does not carry it
    assert abs(entry.recorded_at - time.time()) < 60


def test_listing_filters_by_workload_preset_and_date_newest_first(history: History) -> None:
    first = history.record(make_results(workload="sleep"))
    second = history.record(make_results(workload="cpu"), preset="cpu-gil", verdict="holds")
    third = history.record(make_results(workload="sleep"), preset="hello-hello")
    assert [e.id for e in history.list()] == [third, second, first]
    assert [e.id for e in history.list(workload="sleep")] == [third, first]
    assert [e.id for e in history.list(preset="cpu-gil")] == [second]
    assert [e.id for e in history.list(limit=2)] == [third, second]
    now = datetime.now()
    assert len(history.list(since=now - timedelta(hours=1))) == 3
    assert history.list(since=now + timedelta(hours=1)) == ()
    assert history.list(until=now - timedelta(hours=1)) == ()


def test_a_deleted_entry_is_gone_and_its_id_never_comes_back(history: History) -> None:
    kept = history.record(make_results())
    gone = history.record(make_results())
    history.delete(gone)
    with pytest.raises(NoSuchEntry, match=f"no history entry {gone}"):
        history.get(gone)
    with pytest.raises(NoSuchEntry):
        history.delete(gone)
    assert history.record(make_results()) > gone
    assert history.get(kept) == make_results()


def test_interrupted_experiments_are_flagged(history: History) -> None:
    entry_id = history.record(make_results(interrupted=True))
    assert history.entry(entry_id).interrupted
    assert history.get(entry_id).interrupted


def _open_ok(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def _asides(folder: Path, kind: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if f".{kind}-" in p.name)


def test_a_corrupt_file_is_moved_aside_never_deleted_and_a_fresh_one_used(
    history: History, notices: list[str], tmp_path: Path
) -> None:
    garbage = random.Random(16).randbytes(64 * 1024)
    history.path.write_bytes(garbage)
    entry_id = history.record(make_results())
    assert history.get(entry_id) == make_results()
    [aside] = _asides(tmp_path, "corrupt")
    assert aside.read_bytes() == garbage
    [message] = notices
    assert "history.sqlite3 is not an SQLite database" in message
    assert aside.name in message
    assert "\n" not in message
    _open_ok(history.path)


def test_a_foreign_sqlite_file_is_moved_aside_untouched(
    history: History, notices: list[str], tmp_path: Path
) -> None:
    with sqlite3.connect(history.path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.close()
    assert history.list() == ()
    [aside] = _asides(tmp_path, "foreign")
    with sqlite3.connect(aside) as conn:
        assert conn.execute("SELECT name FROM contacts").fetchall() == [("Ada",)]
    conn.close()
    assert len(notices) == 1
    assert "is an SQLite database but not a workbench history" in notices[0]
    _open_ok(history.path)


def test_a_history_from_a_newer_workbench_is_left_alone(history: History) -> None:
    history.record(make_results())
    with sqlite3.connect(history.path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = history.path.read_bytes()
    with pytest.raises(HistoryError, match="written by a newer workbench"):
        history.list()
    assert history.path.read_bytes() == before


def test_export_writes_the_results_file_and_never_overwrites_on_failure(
    history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = make_results()
    entry_id = history.record(results)
    target = tmp_path / "out.json"
    history.export(entry_id, target)
    assert target.read_text() == to_json(results)

    target.write_text("precious")
    with pytest.raises(NoSuchEntry):
        history.export(entry_id + 1, target)

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        history.export(entry_id, target)
    monkeypatch.undo()

    with sqlite3.connect(history.path) as conn:
        conn.execute("UPDATE results SET data = x'00ff00ff' WHERE id = ?", (entry_id,))
    conn.close()
    with pytest.raises(HistoryError, match=f"history entry {entry_id} is damaged"):
        history.export(entry_id, target)
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir() if "out.json" in p.name) == ["out.json"]


def _writer(db: Path, tasks: int, count: int, go_file: Path | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "tests.core.history_writer", str(db), str(tasks), str(count)]
    return subprocess.Popen(
        [*args, *([str(go_file)] if go_file else [])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_writer_killed_mid_write_leaves_earlier_entries_intact(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    tasks = 20_000  # ~3 MB of JSON: each record takes a while, so the kill lands inside one
    writer = _writer(db, tasks, 1000)
    assert writer.stdout is not None
    recorded: list[int] = []
    durations: list[float] = []
    try:
        started = 0.0
        while len(recorded) < 3:
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else "writer died"
            if line.startswith("recording"):
                started = time.monotonic()
            else:
                recorded.append(int(line.split()[1]))
                durations.append(time.monotonic() - started)
        assert writer.stdout.readline().startswith("recording")
        # A random moment inside the next write (not a wait for anything: the kill's timing).
        time.sleep(random.uniform(0, min(durations)))
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.communicate()
    _open_ok(db)
    history = History(db)
    ids = sorted(e.id for e in history.list())
    assert ids[:3] == recorded
    assert len(ids) in (3, 4)  # the one being written when killed: all or nothing
    expected = make_results(tasks=tasks)
    for entry_id in ids:
        assert history.get(entry_id) == expected
    assert history.record(make_results()) > max(ids)


def test_two_writer_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    db, go, per_writer = tmp_path / "history.sqlite3", tmp_path / "go", 40
    writers = [_writer(db, 200, per_writer, go) for _ in range(2)]
    try:
        go.touch()
        outcomes = [w.communicate(timeout=120) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.communicate()
    for writer, (out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err
        assert err == ""
        assert out.count("recorded ") == per_writer
    ids = sorted(int(line.split()[1]) for out, _ in outcomes for line in out.splitlines()
                 if line.startswith("recorded "))  # fmt: skip
    assert ids == list(range(1, 2 * per_writer + 1))
    history = History(db)
    assert len(history) == 2 * per_writer
    # Both wrote at the same time (each waits halfway for the other): their ids interleave.
    first = {int(line.split()[1]) for line in outcomes[0][0].splitlines() if "recorded" in line}
    assert first not in ({*range(1, per_writer + 1)}, {*range(per_writer + 1, 2 * per_writer + 1)})
    _open_ok(db)


def test_a_file_sqlite_reports_locked_while_opening_is_opened_again_a_moment_later(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite answers "database is locked" at once, without its busy timeout, when another
    process switches the file to WAL or checkpoints it as its last connection closes: a
    second writer failed so about once in a few hundred opens on a busy machine."""
    from workbench.core.history import database

    history.record(make_results())
    real_state, answers = database._state, ["locked", "locked"]

    def state_while_another_process_closes(conn: sqlite3.Connection) -> str:
        if answers:
            answers.pop()
            busy = sqlite3.OperationalError("database is locked")
            busy.sqlite_errorname = "SQLITE_BUSY"  # type: ignore[attr-defined]
            raise busy
        return real_state(conn)

    monkeypatch.setattr(database, "_state", state_while_another_process_closes)
    assert history.record(make_results()) == 2
    assert answers == []


def test_the_default_history_lives_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    history = History()
    history.record(make_results())
    assert history.path == tmp_path / "data" / "history.sqlite3"
    assert history.path.exists()
    assert len(History()) == 1
