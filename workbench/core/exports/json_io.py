"""The results file (``workbench.results/3``; ``/1`` and ``/2`` files still load): save, load,
validate — as JSON, or compact (a ``.wbr`` name: see :mod:`~workbench.core.exports.compact`).

See docs/results-schema.md for the format (and ``schemas/results.schema.json`` in the package
data for the same as a JSON Schema). Loading checks the file against the schema and reports a
bad one in one sentence naming the place; it never evaluates anything it reads. The writing is
:mod:`~workbench.core.exports.results_writer`, the reading
:mod:`~workbench.core.exports.results_reader`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from workbench.core.atomic import write_atomically
from workbench.core.exports.compact import (
    MAGIC,
    from_compact,
    is_compact,
    to_compact,
    wants_compact,
)
from workbench.core.exports.results_reader import ResultsFileError, from_json, too_big
from workbench.core.exports.results_writer import to_dict, to_json
from workbench.core.results import Results

__all__ = ["ResultsFileError", "from_json", "load", "results_file", "save", "to_dict", "to_json"]


def save(results: Results, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash never leaves half a results file (see
    :func:`~workbench.core.atomic.write_atomically`)."""
    write_atomically(path, results_file(results, path))


def results_file(results: Results, path: str | os.PathLike[str]) -> str | bytes:
    """What a results file of this name holds: the compact form for a ``.wbr`` name, any
    other the JSON."""
    return to_compact(results) if wants_compact(path) else to_json(results)


def load(path: str | os.PathLike[str]) -> Results:
    """Open a results file, either form, told apart by its first bytes (whatever its name):
    refused in one line if it is not a regular file, is over
    :data:`~workbench.core.exports.results_reader.MAX_FILE_BYTES`, or is damaged."""
    file = Path(path)
    try:
        _check(file)
        with file.open("rb") as handle:
            compact = is_compact(handle.read(len(MAGIC)))
        if compact:
            return from_compact(file.read_bytes())
    except OSError as exc:
        raise ResultsFileError(exc.strerror or str(exc)) from None
    return from_json(_text_of(file))


def _check(path: Path) -> None:
    """Before opening: opening a FIFO waits for a writer, and a huge file is never read."""
    found = path.stat()
    if not stat.S_ISREG(found.st_mode):
        raise ResultsFileError("not a regular file")
    reason = too_big(found.st_size)
    if reason is not None:
        raise ResultsFileError(reason)


def _text_of(path: Path) -> str:
    """The file's text. (Passed on as a temporary, so that :func:`from_json` can drop it once
    parsed, and the bytes are gone before parsing starts.)"""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResultsFileError(exc.strerror or str(exc)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsFileError("not a text file") from None
