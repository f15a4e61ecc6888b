"""The history in the window: what is recorded, the History panel's requests, comparisons.

Every call on the history goes through the window's :class:`BackgroundHistory` (one worker
thread), so neither recording a 100,000-task run nor opening one stalls the timeline; the
answers come back on the loop and go to the panel, the presenter or a comparison window. A
failure is one line — in the panel, or in the window's banner — never an exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QFileDialog, QMainWindow

from workbench.core.history import HistoryEntry, HistoryError
from workbench.core.history.background import BackgroundHistory
from workbench.core.history.compare import Experiment
from workbench.core.history.experiments import file_experiment, history_experiment
from workbench.core.history.recorder import HistoryRecorder
from workbench.core.results import Results
from workbench.gui.actions import WindowActions
from workbench.gui.history.compare_window import ComparisonWindow
from workbench.gui.history.panel import HistoryPanel
from workbench.gui.model.presenter import Presenter
from workbench.gui.results.files import RESULTS_FILTER
from workbench.gui.theme import Theme
from workbench.gui.widgets.banner import MessageBanner
from workbench.gui.widgets.status_bar import WorkbenchStatusBar

T = TypeVar("T")
LIST_LIMIT = 5000
"""The panel lists at most this many (newest first): ~1 KB each on screen, 10 ms to load."""
KEPT_MESSAGE_MS = 4000


class HistoryCommands:
    """Owns the window's background history, its recorder, the panel and comparisons."""

    def __init__(
        self,
        window: QMainWindow,
        actions: WindowActions,
        theme: Theme,
        banner: MessageBanner,
        status: WorkbenchStatusBar,
    ) -> None:
        self.window = window
        self.theme = theme
        self.banner = banner
        self.status = status
        self.history = BackgroundHistory(notice=self._notice)
        self.recorder = HistoryRecorder(self.history, self)
        """A listener for the presenter: every finished experiment is recorded."""
        self.presenter: Presenter | None = None
        self.panel = HistoryPanel(window)
        self.comparisons: list[ComparisonWindow] = []
        self.loaded = 0
        """How many times the panel's list was loaded (tests wait on it)."""
        self.panel.refresh_requested.connect(self.reload)
        self.panel.reopen_requested.connect(self.reopen)
        self.panel.compare_requested.connect(self.compare_entries)
        self.panel.delete_requested.connect(self.delete)
        actions.history.triggered.connect(self.show_panel)
        actions.compare_files.triggered.connect(self._ask_compare_files)

    def attach(self, presenter: Presenter) -> None:
        """The presenter whose results the panel reopens (built after the recorder)."""
        self.presenter = presenter

    # -- the recorder's listener ---------------------------------------------------------

    def recorded(self, entry_id: int, results: Results) -> None:
        self.status.showMessage(f"Kept in the history as #{entry_id} (View → History)",
                                KEPT_MESSAGE_MS)  # fmt: skip
        if self.panel.isVisible():
            self.reload()

    def not_recorded(self, message: str) -> None:
        self.banner.show_message(message)

    def _notice(self, message: str) -> None:
        self.banner.show_message(message, "info")

    # -- the panel -----------------------------------------------------------------------

    def show_panel(self) -> HistoryPanel:
        self.panel.show()  # its show event asks for a reload
        self.panel.raise_()
        self.panel.activateWindow()
        return self.panel

    def _call(
        self, call: Callable[[], T], done: Callable[[T], None], failed: Callable[[str], None]
    ) -> asyncio.Future[T] | None:
        """``call`` on the history's thread; ``done`` with its answer, or ``failed`` with one
        line, back on the loop."""
        try:
            future = self.history.run(call)
        except RuntimeError as exc:
            failed(str(exc))
            return None

        def finished(f: asyncio.Future[T]) -> None:
            if f.cancelled():
                return
            exc = f.exception()
            if exc is None:
                done(f.result())
            elif isinstance(exc, HistoryError | OSError):
                failed(getattr(exc, "strerror", None) or str(exc))
            else:
                failed(f"{type(exc).__name__}: {exc}")

        future.add_done_callback(finished)
        return future

    def _panel_error(self, message: str) -> None:
        self.panel.show_message(message, error=True)

    def reload(self) -> asyncio.Future[tuple[HistoryEntry, ...]] | None:
        def done(entries: tuple[HistoryEntry, ...]) -> None:
            self.loaded += 1
            self.panel.show_entries(entries)

        call = partial(self.history.history.list, limit=LIST_LIMIT)
        return self._call(call, done, self._panel_error)

    def entries(self, limit: int) -> asyncio.Future[tuple[HistoryEntry, ...]] | None:
        """The newest ``limit`` entries, read on the history's thread (None if it is closed)."""
        try:
            return self.history.run(partial(self.history.history.list, limit=limit))
        except RuntimeError:
            return None

    def reopen(self, entry_id: int) -> None:
        presenter = self.presenter
        if presenter is None or presenter.busy:
            self._panel_error("Not reopened: a measurement is running (stop it first)")
            return
        self.panel.show_message(f"Opening #{entry_id}…")

        def done(results: Results) -> None:
            if presenter.busy:
                self._panel_error("Not reopened: a measurement started meanwhile")
                return
            self.banner.hide()
            presenter.show_results(results, f"history #{entry_id}")
            self.panel.show_message(f"#{entry_id} is in the main window")
            self.status.show_idle(f"Reopened history entry #{entry_id}")

        self._call(partial(self.history.history.get, entry_id), done, self._panel_error)

    def delete(self, ids: Sequence[int]) -> None:
        wanted = list(ids)

        def delete_all() -> list[int]:
            for entry_id in wanted:
                self.history.history.delete(entry_id)
            return wanted

        def done(deleted: list[int]) -> None:
            self.panel.show_message(f"Deleted {', '.join(f'#{i}' for i in deleted)}")
            self.reload()

        def failed(message: str) -> None:
            self._panel_error(f"Not deleted: {message}")
            self.reload()  # some may have gone before the failure

        self._call(delete_all, done, failed)

    # -- comparisons ---------------------------------------------------------------------

    def compare_entries(self, ids: Sequence[int]) -> None:
        history = self.history.history
        self.panel.show_message("Opening the comparison…")

        def load() -> list[Experiment]:
            return [history_experiment(history, entry_id) for entry_id in ids]

        def done(experiments: list[Experiment]) -> None:
            self.panel.show_message("")
            self.open_comparison(experiments)

        self._call(load, done, self._panel_error)

    def compare_files(self, paths: Sequence[str | Path]) -> asyncio.Future[list[Experiment]] | None:
        """Two or more results files side by side (read on the history's thread)."""
        if len(paths) < 2:
            self.banner.show_message("A comparison needs two or more results files", "info")
            return None

        def load() -> list[Experiment]:
            return [file_experiment(Path(path)) for path in paths]

        def failed(message: str) -> None:
            self.banner.show_message(f"Not compared: {message}")

        return self._call(load, self.open_comparison, failed)

    def open_comparison(self, experiments: Sequence[Experiment]) -> ComparisonWindow:
        window = ComparisonWindow(self.theme, experiments, self.window)
        window.destroyed.connect(lambda *_: self._forget(window))
        self.comparisons.append(window)
        window.show()
        window.balance()
        return window

    def _forget(self, window: ComparisonWindow) -> None:
        if window in self.comparisons:
            self.comparisons.remove(window)

    def _ask_compare_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Compare results files (choose two or more)", "", RESULTS_FILTER
        )
        if paths:
            self.compare_files(paths)

    # -- closing -------------------------------------------------------------------------

    def close_windows(self) -> None:
        self.panel.close()
        for window in list(self.comparisons):
            window.close()

    async def shutdown(self) -> None:
        """Finish what is being recorded (nothing is lost), then stop the history's thread."""
        await self.history.close()
