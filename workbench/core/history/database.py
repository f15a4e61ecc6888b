"""The history's SQLite file: opened safely, made ours if new, moved aside if it is not ours.

Several workbench processes may write at once (a window and a CLI run, two terminals, the
class collector): the file is in WAL mode (readers never block the writer), every write is
one short ``BEGIN IMMEDIATE`` transaction, and a busy timeout makes a second writer wait its
turn instead of failing. A SIGKILL mid-write loses at most that one uncommitted entry.

A file that is not an SQLite database, or an SQLite database that is not a workbench history
(another application's, identified by ``PRAGMA application_id`` and its tables), is never
deleted and never written into: it is renamed aside with a timestamp, the caller is told in
one line, and a fresh history starts. ``PRAGMA user_version`` is the schema version, so a
later version can migrate; a history written by a *newer* workbench is left alone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

APPLICATION_ID = 0x57424E48  # "WBNH": marks the file as a workbench history
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's transaction before giving up."""

TABLES = frozenset({"experiments", "results"})

SCHEMA = (
    """
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so an old id never means another run
    recorded_at REAL NOT NULL,             -- Unix time, seconds
    workload TEXT NOT NULL,                -- the workload (or, later, the user code's name)
    params TEXT NOT NULL,                  -- JSON object
    tasks INTEGER NOT NULL,
    workers INTEGER NOT NULL,
    repeat INTEGER NOT NULL,
    strategies TEXT NOT NULL,              -- JSON list, in the order they ran
    preset TEXT,
    verdict TEXT,
    interpreters TEXT NOT NULL,            -- JSON list of labels, e.g. ["CPython 3.11.7"]
    hostname TEXT NOT NULL,
    logical_cpus INTEGER NOT NULL,
    physical_cpus INTEGER,
    cpu_model TEXT NOT NULL,
    os TEXT NOT NULL,
    best_strategy TEXT,
    best_speedup REAL,
    runs INTEGER NOT NULL,
    failed_runs INTEGER NOT NULL,
    interrupted INTEGER NOT NULL,
    origin TEXT                            -- NULL: measured here, else where it came from
)""",
    "CREATE INDEX experiments_by_time ON experiments (recorded_at)",
    """
CREATE TABLE results (
    id INTEGER PRIMARY KEY,                -- the experiment's id
    json_bytes INTEGER NOT NULL,           -- size of data (older entries: of the JSON unzipped)
    data BLOB NOT NULL                     -- the compact results file (exports.compact), or
                                           -- in older entries the JSON one, zlib-compressed
)""",
)

Notice = Callable[[str], None]


class HistoryError(Exception):
    """The history cannot do what was asked; the message is one line for the user."""


BUSY_RETRY_S = 0.02
"""The pause before opening again after "database is locked" while opening."""


def _busy(exc: sqlite3.DatabaseError) -> bool:
    """Another process held the file in a way SQLite answers at once instead of waiting the
    busy timeout: switching to WAL, or its last connection checkpointing the log as it
    closes (SQLite then returns "database is locked" rather than risk a deadlock). Seen with
    two processes each recording forty runs on a busy machine, about once in a few hundred
    opens; opening again a moment later succeeds."""
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorname", "") in {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE itself.
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _state(conn: sqlite3.Connection) -> str:
    """``ours``, ``empty``, ``newer`` or ``foreign``; raises DatabaseError if not SQLite.

    Read in one transaction, so another process creating the schema meanwhile is seen
    either not at all or whole (never half-made, which would look foreign)."""
    snapshot = not conn.in_transaction
    if snapshot:
        conn.execute("BEGIN")
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except BaseException:
        if snapshot:
            _rollback(conn)
        raise
    if snapshot:
        conn.execute("COMMIT")
    tables.discard("sqlite_sequence")
    if application_id == 0 and version == 0 and not tables:
        return "empty"
    if application_id != APPLICATION_ID or not TABLES.issubset(tables):
        return "foreign"
    if version > SCHEMA_VERSION:
        return "newer"
    return "ours" if version == SCHEMA_VERSION else "foreign"


def _initialise(conn: sqlite3.Connection) -> None:
    """Create the schema, unless another process did so while we waited for the lock."""
    with transaction(conn):
        if _state(conn) == "empty":
            for statement in SCHEMA:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _aside_name(path: Path, kind: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{kind}-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{kind}-{stamp}-{number}")
    return candidate


def _move_aside(path: Path, kind: str, why: str, notice: Notice) -> None:
    """Rename the file (and any WAL / shared-memory files beside it) out of the way."""
    aside = _aside_name(path, kind)
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                sidecar.rename(aside.with_name(aside.name + suffix))
    except FileNotFoundError:
        return  # another process moved it first: the caller opens whatever is there now
    except OSError as exc:  # e.g. held open by another program, on Windows
        raise HistoryError(
            f"history: {path} {why}, and it cannot be moved aside ({exc.strerror or exc})"
        ) from None
    notice(f"history: {path.name} {why}; moved it aside to {aside.name} and started a fresh one")


def open_database(path: Path, notice: Notice) -> sqlite3.Connection:
    """A connection to a workbench history at ``path``, created or replaced as needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryError(f"cannot make the folder {path.parent}: {exc.strerror or exc}") from None
    moves, deadline = 0, time.monotonic() + BUSY_TIMEOUT_S
    while moves < 3:  # moving aside races with other processes: look again after each move
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot open the history {path}: {exc}") from None
        try:
            state = _state(conn)
            if state == "ours":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")  # WAL: safe against crashes
                return conn
            if state == "empty":
                conn.execute("PRAGMA journal_mode = WAL")
                _initialise(conn)
                conn.execute("PRAGMA synchronous = NORMAL")
                return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _busy(exc) and time.monotonic() < deadline:
                time.sleep(BUSY_RETRY_S)  # see _busy: SQLite would not wait here itself
                continue
            if not _damaged(exc):
                raise HistoryError(f"cannot open the history {path}: {exc}") from None
            _move_aside(path, "corrupt", f"is not an SQLite database ({exc})", notice)
            moves += 1
            continue
        conn.close()
        if state == "newer":
            raise HistoryError(
                f"the history {path} was written by a newer workbench; this version reads "
                f"schema {SCHEMA_VERSION} (left untouched)"
            )
        _move_aside(path, "foreign", "is an SQLite database but not a workbench history", notice)
        moves += 1
    raise HistoryError(f"cannot open the history {path}: it keeps being replaced")


@contextmanager
def connection(path: Path, notice: Notice) -> Iterator[sqlite3.Connection]:
    """One connection for one short piece of work; damage found on the way is one line."""
    conn = open_database(path, notice)
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        if _damaged(exc):
            raise HistoryError(
                f"the history {path} is damaged ({exc}); move it aside to start afresh"
            ) from None
        raise HistoryError(f"history: {exc}") from None
    finally:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A short write transaction that takes the write lock at once (waiting its turn)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        _rollback(conn)
        raise
    conn.execute("COMMIT")


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo, keeping the error that made us undo (SQLite may have rolled back already)."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
