"""The File menu's commands: open, save, export, and the recent-files list.

A failed read or write becomes one plain line in the banner, never an exception; a bad file
never replaces what is on screen. A big file is read on a worker thread.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.core.exports import ResultsFileError
from workbench.core.results import Results
from workbench.gui.actions import WindowActions
from workbench.gui.model.presenter import Presenter
from workbench.gui.results import files
from workbench.gui.widgets.banner import MessageBanner
from workbench.gui.widgets.status_bar import WorkbenchStatusBar

BACKGROUND_BYTES = 8 * 2**20
"""Results files bigger than this (8 MiB, ~50,000 tasks: about half a second) are read off
the event loop."""


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # opened at once, and refused saying why


class FileCommands:
    def __init__(
        self,
        window: QWidget,
        presenter: Presenter,
        actions: WindowActions,
        recent: files.RecentFiles,
        banner: MessageBanner,
        status: WorkbenchStatusBar,
    ) -> None:
        self.window = window
        self.presenter = presenter
        self.actions = actions
        self.recent = recent
        self.banner = banner
        self.status = status
        self.opening: asyncio.Task[bool] | None = None
        """A big file being read on a worker thread (see :meth:`open_file`)."""
        actions.open.triggered.connect(self._ask_open)
        actions.save.triggered.connect(self._ask_save)
        actions.export_csv.triggered.connect(lambda: self._ask_export_data("csv"))
        actions.export_trace.triggered.connect(lambda: self._ask_export_data("trace"))
        actions.export_window_png.triggered.connect(lambda: self.ask_png(window, "window"))
        self.rebuild_recent_menu()

    # -- reading -------------------------------------------------------------------------

    def open_file(self, path: str) -> bool:
        """Open a results file; False, said in the banner, if it cannot be. A file over
        :data:`BACKGROUND_BYTES` is read on a worker thread, so the window stays live while
        it loads (a 100 MB file takes seconds): True then means it is being opened, and
        :attr:`opening` is what to await for it."""
        if self.presenter.busy or self.opening is not None:
            return False
        if _size(path) > BACKGROUND_BYTES:
            self.status.show_idle(f"Opening {path}…")
            self.opening = asyncio.get_event_loop().create_task(self._open_in_background(path))
            return True
        try:
            results = files.open_results(path)
        except ResultsFileError as exc:
            return self._refused(path, exc)
        return self._show(path, results)

    async def _open_in_background(self, path: str) -> bool:
        try:
            results = await asyncio.to_thread(files.open_results, path)
        except ResultsFileError as exc:
            return self._refused(path, exc)
        finally:
            self.opening = None
        if self.presenter.busy:  # a run started while it loaded: the run keeps the screen
            self.banner.show_message(f"Not shown: {Path(path).name} finished loading mid-run")
            return False
        return self._show(path, results)

    def cancel_opening(self) -> None:
        """The window is closing: a file still loading is not shown (its thread finishes)."""
        if self.opening is not None:
            self.opening.cancel()

    def _refused(self, path: str, exc: ResultsFileError) -> bool:
        """A bad file is said, and what is on screen stays as it was."""
        self.banner.show_message(f"Could not open {Path(path).name}: {exc}")
        self.status.show_idle(f"Not opened: {path}")
        return False

    def _show(self, path: str, results: Results) -> bool:
        self.banner.hide()
        self.presenter.show_results(results, Path(path).name)
        self.recent.add(path)
        self.rebuild_recent_menu()
        self.status.show_idle(f"Opened {path}")
        return True

    # -- writing -------------------------------------------------------------------------

    def save_to(self, path: str) -> bool:
        return self._write(lambda: files.save_results(self._results(), path), path, True)

    def export_data_to(self, kind: str, path: str) -> bool:
        return self._write(lambda: files.export_data(kind, self._results(), path), path)

    def export_png_to(self, widget: QWidget, path: str) -> bool:
        return self._write(lambda: files.export_png(widget, path), path)

    def _results(self) -> Results:
        if self.presenter.results is None:
            raise OSError("there are no results to write yet")
        return self.presenter.results

    def _write(self, write: Callable[[], None], path: str, remember: bool = False) -> bool:
        """Run a writer; a failure becomes a plain message in the banner, never an exception."""
        try:
            write()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            self.banner.show_message(f"Could not write {path}: {reason}")
            return False
        if remember:
            self.recent.add(path)
            self.rebuild_recent_menu()
        self.status.show_idle(f"Wrote {path}")
        return True

    # -- the recent-files menu -----------------------------------------------------------

    def rebuild_recent_menu(self) -> None:
        menu = self.actions.recent
        menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        menu.setEnabled(bool(paths) and not self.presenter.busy)

    def _open_recent(self, path: str) -> None:
        if not os.path.exists(path):
            self.recent.remove(path)
            self.rebuild_recent_menu()
        self.open_file(path)

    # -- dialogs -------------------------------------------------------------------------

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open results", "", files.RESULTS_FILTER)
        if path:
            self.open_file(path)

    def _ask_save(self) -> None:
        suffix = files.save_suffix(self.presenter.results)
        offered = next(name for name, s in files.SAVE_FILTERS.items() if s == suffix)
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Save results", "results" + suffix, ";;".join(files.SAVE_FILTERS), offered
        )
        if path:
            self.save_to(files.with_suffix(path, files.SAVE_FILTERS.get(chosen, ".json")))

    def _ask_export_data(self, kind: str) -> None:
        export = files.DATA_EXPORTS[kind]
        path, _ = QFileDialog.getSaveFileName(
            self.window, export.title, "results" + export.suffix, export.file_filter
        )
        if path:
            self.export_data_to(kind, files.with_suffix(path, export.suffix))

    def ask_png(self, widget: QWidget, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save PNG", f"{name}.png", "PNG (*.png)")
        if path:
            self.export_png_to(widget, files.with_suffix(path, ".png"))
