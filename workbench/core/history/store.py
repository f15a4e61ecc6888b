"""Every finished experiment, kept: the results file whole (compact) plus an index row.

The index row (:class:`~workbench.core.history.index.HistoryEntry`) is what listing and
filtering read; the results are opened only when asked for. Each call opens its own
connection for one short transaction, so a :class:`History` can be used from any thread and
by several processes at once (see :mod:`workbench.core.history.database`). Compressing and
serialising happen before the write lock is taken, so a writer holds it for milliseconds.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import time
import zlib
from contextlib import AbstractContextManager
from dataclasses import astuple, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.core.atomic import write_atomically
from workbench.core.datadir import data_dir
from workbench.core.exports.compact import from_compact, is_compact, to_compact, wants_compact
from workbench.core.exports.json_io import ResultsFileError, from_json, to_json
from workbench.core.history.database import HistoryError, Notice, connection, transaction
from workbench.core.history.index import HistoryEntry, entry_for
from workbench.core.results import Results

FILE_NAME = "history.sqlite3"
COMPRESSION_LEVEL = 1
"""Entries recorded before the compact form were JSON under zlib level 1 (still read)."""

_COLUMNS = tuple(f.name for f in fields(HistoryEntry))
_JSON_COLUMNS = {"params", "strategies", "interpreters"}


class NoSuchEntry(HistoryError):
    """The history has no entry with that id."""


def _stderr(message: str) -> None:
    print(f"workbench: {message}", file=sys.stderr)


def _to_row(entry: HistoryEntry) -> tuple[Any, ...]:
    values = dict(zip(_COLUMNS, astuple(entry), strict=True))
    for name in _JSON_COLUMNS:
        value = values[name]
        values[name] = json.dumps(dict(value) if name == "params" else list(value))
    values["interrupted"] = int(entry.interrupted)
    return tuple(values[name] for name in _COLUMNS[1:])  # the id is assigned by SQLite


def _from_row(row: tuple[Any, ...]) -> HistoryEntry:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["params"] = json.loads(values["params"])
    values["strategies"] = tuple(json.loads(values["strategies"]))
    values["interpreters"] = tuple(json.loads(values["interpreters"]))
    values["interrupted"] = bool(values["interrupted"])
    return HistoryEntry(**values)


def _timestamp(moment: datetime | float | None) -> float | None:
    if moment is None or isinstance(moment, int | float):
        return moment
    return moment.timestamp()  # a naive datetime is local time, as the user typed it


class History:
    """The history database at ``path`` (default: ``history.sqlite3`` in the data folder).

    ``notice`` receives one-line messages the user should see (a database moved aside); by
    default they go to stderr.
    """

    def __init__(self, path: Path | None = None, *, notice: Notice | None = None) -> None:
        self.path = path if path is not None else data_dir(create=False) / FILE_NAME
        self._notice = notice or _stderr

    def _connection(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path, self._notice)

    def record(
        self,
        results: Results,
        *,
        preset: str | None = None,
        verdict: str | None = None,
        hostname: str | None = None,
        origin: str | None = None,
    ) -> int:
        """Keep ``results``; returns the new entry's id. ``hostname`` defaults to this host's
        (a class submission passes the student's)."""
        blob = to_compact(results)  # a 100,000-task run: ~1 MB, not the JSON's 15 MB
        entry = entry_for(
            results,
            id=0,
            recorded_at=time.time(),
            hostname=hostname or socket.gethostname(),
            preset=preset,
            verdict=verdict,
            origin=origin,
        )
        columns = ", ".join(_COLUMNS[1:])
        marks = ", ".join("?" for _ in _COLUMNS[1:])
        with self._connection() as conn, transaction(conn):
            cursor = conn.execute(
                f"INSERT INTO experiments ({columns}) VALUES ({marks})", _to_row(entry)
            )
            new_id = cursor.lastrowid
            assert new_id is not None
            conn.execute(
                "INSERT INTO results (id, json_bytes, data) VALUES (?, ?, ?)",
                (new_id, len(blob), sqlite3.Binary(blob)),
            )
        return new_id

    def list(
        self,
        *,
        workload: str | None = None,
        preset: str | None = None,
        since: datetime | float | None = None,
        until: datetime | float | None = None,
        limit: int | None = None,
    ) -> tuple[HistoryEntry, ...]:
        """Index rows, newest first, filtered by workload, preset and date range."""
        where: list[str] = []
        args: list[object] = []
        for column, value in (("workload", workload), ("preset", preset)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        for op, moment in ((">=", _timestamp(since)), ("<", _timestamp(until))):
            if moment is not None:
                where.append(f"recorded_at {op} ?")
                args.append(moment)
        sql = f"SELECT {', '.join(_COLUMNS)} FROM experiments"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY recorded_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._connection() as conn:
            return tuple(_from_row(row) for row in conn.execute(sql, args))

    def entry(self, entry_id: int) -> HistoryEntry:
        """The index row of one entry; :class:`NoSuchEntry` if there is none."""
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM experiments WHERE id = ?", (entry_id,)
            ).fetchone()
        if row is None:
            raise NoSuchEntry(f"no history entry {entry_id}")
        return _from_row(row)

    def _blob(self, entry_id: int) -> bytes:
        """The entry as stored: the compact results file, or (older entries) zlib'd JSON."""
        with self._connection() as conn:
            row = conn.execute("SELECT data FROM results WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise NoSuchEntry(f"no history entry {entry_id}")
        return bytes(row[0])

    def _damaged(self, entry_id: int, exc: Exception) -> HistoryError:
        return HistoryError(f"history entry {entry_id} is damaged ({exc})")

    def results_text(self, entry_id: int) -> str:
        """The entry's results file as JSON text (what a class collector is sent)."""
        return self._json_text(entry_id, self._blob(entry_id))

    def _json_text(self, entry_id: int, blob: bytes) -> str:
        """A stored blob, already read, as JSON text."""
        if is_compact(blob):
            return to_json(self._from_compact(entry_id, blob))
        try:
            return zlib.decompress(blob).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as exc:
            raise self._damaged(entry_id, exc) from None

    def _from_compact(self, entry_id: int, blob: bytes) -> Results:
        try:
            return from_compact(blob)
        except ResultsFileError as exc:
            raise self._damaged(entry_id, exc) from None

    def get(self, entry_id: int) -> Results:
        """The results of one entry, as recorded."""
        return self._results(entry_id, self._blob(entry_id))

    def _results(self, entry_id: int, blob: bytes) -> Results:
        if is_compact(blob):
            return self._from_compact(entry_id, blob)
        try:
            return from_json(self._json_text(entry_id, blob))
        except ResultsFileError as exc:
            raise self._damaged(entry_id, exc) from None

    def export(self, entry_id: int, path: str | Path) -> None:
        """Write the entry's results file to ``path`` — compact for a ``.wbr`` name, else
        JSON — all or nothing, never half a file. The entry is read once."""
        blob = self._blob(entry_id)
        if not wants_compact(path):
            write_atomically(path, self._json_text(entry_id, blob))
        elif is_compact(blob):
            write_atomically(path, blob)
        else:
            write_atomically(path, to_compact(self._results(entry_id, blob)))

    def delete(self, entry_id: int) -> None:
        with self._connection() as conn, transaction(conn):
            gone = conn.execute("DELETE FROM experiments WHERE id = ?", (entry_id,)).rowcount
            conn.execute("DELETE FROM results WHERE id = ?", (entry_id,))
        if not gone:
            raise NoSuchEntry(f"no history entry {entry_id}")

    def __len__(self) -> int:
        with self._connection() as conn:
            count: int = conn.execute("SELECT count(*) FROM experiments").fetchone()[0]
        return count
