"""Files the window reads and writes: results (the CLI's JSON), CSV spans, Chrome traces, PNG
snapshots of charts, and the recent-files list.

Writers take a path and raise ``OSError``/``ResultsFileError`` with a plain message; the
window decides how to ask for the path and how to show a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtWidgets import QWidget

from workbench.core.atomic import write_atomically
from workbench.core.exports import load, save, to_chrome_trace, to_csv
from workbench.core.results import Results

RESULTS_FILTER = "Workbench results (*.json *.wbr);;All files (*)"
SAVE_FILTERS = {"Workbench results, JSON (*.json)": ".json", "Compact results (*.wbr)": ".wbr"}
"""What Save offers, and the suffix each adds to a bare name (``.wbr``: the compact form)."""
COMPACT_FROM_TASKS = 100_000
"""Save offers the compact form first from this many tasks: their JSON takes seconds to
write (a 1,000,000-task run: half a minute, the window waiting), the compact form a fraction."""


def save_suffix(results: Results | None) -> str:
    """The form Save offers first for these results: compact for big runs, else JSON."""
    tasks = 0 if results is None else sum(len(run.tasks) for run in results.runs)
    return ".wbr" if tasks >= COMPACT_FROM_TASKS else ".json"


RECENT_KEY = "recent_files"
RECENT_LIMIT = 8


@dataclass(frozen=True)
class DataExport:
    title: str
    file_filter: str
    suffix: str
    render: Callable[[Results], str]


DATA_EXPORTS = {
    "csv": DataExport("Export task spans (CSV)", "CSV (*.csv)", ".csv", to_csv),
    "trace": DataExport(
        "Export Chrome trace (Perfetto, chrome://tracing)",
        "Trace (*.json)",
        ".trace.json",
        to_chrome_trace,
    ),
}


def with_suffix(path: str, suffix: str) -> str:
    """Add the expected suffix when the user typed a bare name."""
    return path if Path(path).suffix else path + suffix


def save_results(results: Results, path: str | os.PathLike[str]) -> None:
    save(results, path)


def open_results(path: str | os.PathLike[str]) -> Results:
    """Load a results file; ``ResultsFileError`` says plainly what is wrong with it."""
    return load(path)


def export_data(kind: str, results: Results, path: str | os.PathLike[str]) -> None:
    write_atomically(path, DATA_EXPORTS[kind].render(results))


def export_png(widget: QWidget, path: str | os.PathLike[str]) -> None:
    """Grab the widget as it is on screen. (pyqtgraph's SVG exporter is broken on PySide6
    ≥ 6.11 and takes ~100 s for 100k bars; a grab takes milliseconds and is what people saw.)
    The image is encoded in memory and written like every other file: atomically."""
    if widget.width() <= 0 or widget.height() <= 0 or not widget.isVisible():
        raise OSError("it is not on screen (folded away or hidden): show it, then export it")
    encoded = QByteArray()
    buffer = QBuffer(encoded)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise OSError(f"could not encode the image for {path}")
    buffer.close()
    write_atomically(path, bytes(encoded.data()))


class RecentFiles:
    """The last few results files opened or saved, most recent first, kept in QSettings."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[str]:
        value = self._settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a bare string for a one-item list
            value = [value]
        return [str(path) for path in value or []]

    def add(self, path: str | os.PathLike[str]) -> None:
        full = str(Path(path).resolve())
        paths = [full, *(p for p in self.paths() if p != full)][:RECENT_LIMIT]
        self._settings.setValue(RECENT_KEY, paths)

    def remove(self, path: str) -> None:
        self._settings.setValue(RECENT_KEY, [p for p in self.paths() if p != path])
