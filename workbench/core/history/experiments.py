"""Finding an experiment by what a user types: a history id (``12`` or ``#12``) or a file."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.exports.json_io import ResultsFileError, load
from workbench.core.history.compare import Experiment
from workbench.core.history.database import HistoryError
from workbench.core.history.store import History

_ID = re.compile(r"#?(\d{1,18})")


def parse_id(text: str) -> int | None:
    """``12`` or ``#12`` → 12; anything else → None."""
    match = _ID.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def file_experiment(path: Path) -> Experiment:
    """A results file, named after itself; a bad one is a one-line :class:`HistoryError`."""
    try:
        return Experiment(label=path.name, results=load(path))
    except ResultsFileError as exc:
        raise HistoryError(f"{path}: {exc}") from None


def history_experiment(history: History, entry_id: int) -> Experiment:
    """A history entry with what the history knows beyond its file (preset, verdict, host)."""
    entry = history.entry(entry_id)
    return Experiment(
        label=f"#{entry_id}",
        results=history.get(entry_id),
        preset=entry.preset,
        verdict=entry.verdict,
        hostname=entry.hostname,
        recorded_at=entry.recorded_at,
    )


def load_experiment(reference: str, history: History) -> Experiment:
    """An existing file wins over a history id of the same spelling; every failure is a
    one-line :class:`HistoryError`."""
    path = Path(reference)
    if path.is_file():
        try:
            return Experiment(label=path.name, results=load(path))
        except ResultsFileError as exc:
            raise HistoryError(f"{reference}: {exc}") from None
    entry_id = parse_id(reference)
    if entry_id is None:
        raise HistoryError(f"{reference}: no such results file or history id")
    return history_experiment(history, entry_id)
