"""The File menu's commands: open, save, export, and the recent-files list.

A failed read or write becomes one plain line in the banner, never an exception; a bad file
never replaces what is on screen.
"""

from __future__ import annotations

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
        actions.open.triggered.connect(self._ask_open)
        actions.save.triggered.connect(self._ask_save)
        actions.export_csv.triggered.connect(lambda: self._ask_export_data("csv"))
        actions.export_trace.triggered.connect(lambda: self._ask_export_data("trace"))
        actions.export_window_png.triggered.connect(lambda: self.ask_png(window, "window"))
        self.rebuild_recent_menu()

    # -- reading -------------------------------------------------------------------------

    def open_file(self, path: str) -> bool:
        if self.presenter.busy:
            return False
        try:
            results = files.open_results(path)
        except ResultsFileError as exc:
            self.banner.show_message(f"Could not open {Path(path).name}: {exc}")
            return False
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
