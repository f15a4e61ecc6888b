"""The Class menu: collect the room's results (teacher), send yours (student), or import a
folder of results files when there is no network.

The collector runs on the window's own event loop (qasync), like a measurement: its uploads
are parsed and recorded on worker threads by the core, so a room of submissions never
freezes the window. What arrives reaches the class view through a roster observer that
hands each entry to the loop, whichever thread announced it (the folder import announces
from its worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMainWindow

from workbench.core.exports import to_json
from workbench.core.history import HistoryEntry
from workbench.core.lab import ClassEntry, Collector, Refusal, Roster, RosterObserver
from workbench.core.lab.client import SubmitError, submit, submit_url
from workbench.core.lab.collector import ALL_INTERFACES
from workbench.core.lab.offline import FolderImport, import_folder
from workbench.core.presets import PresetVerdict
from workbench.gui.actions import WindowActions
from workbench.gui.history.commands import HistoryCommands
from workbench.gui.lab.class_view import ClassView
from workbench.gui.lab.send_dialog import HISTORY_CHOICES, ON_SCREEN, SendDialog
from workbench.gui.model.presenter import Presenter
from workbench.gui.theme import Theme

SKIPPED_SHOWN = 3


class _ToTheLoop(RosterObserver):
    """Roster events to the class commands, always on the loop (call_soon_threadsafe)."""

    def __init__(self, commands: ClassCommands, loop: asyncio.AbstractEventLoop) -> None:
        self.commands = commands
        self.loop = loop

    def submission_accepted(self, entry: ClassEntry) -> None:
        self.loop.call_soon_threadsafe(self.commands.accepted, entry)

    def submission_refused(self, refusal: Refusal) -> None:
        self.loop.call_soon_threadsafe(self.commands.view.show_refusal, refusal)

    def notice(self, message: str) -> None:
        self.loop.call_soon_threadsafe(self.commands.view.show_message, message, True)


class ClassCommands:
    def __init__(
        self,
        window: QMainWindow,
        actions: WindowActions,
        presenter: Presenter,
        history: HistoryCommands,
        theme: Theme,
    ) -> None:
        self.window = window
        self.presenter = presenter
        self.history = history
        self.loop = asyncio.get_event_loop()
        self.view = ClassView(theme, window)
        self.send_dialog = SendDialog(window)
        self.collector: Collector | None = None
        self._observer = _ToTheLoop(self, self.loop)
        self.roster = self._new_roster()
        self._tasks: set[asyncio.Future[None]] = set()
        actions.class_collect.triggered.connect(self.open_and_collect)
        actions.class_import.triggered.connect(self._ask_folder)
        actions.class_send.triggered.connect(self.open_send)
        self.view.collect_requested.connect(self.collect)
        self.view.stop_requested.connect(self.stop)
        self.view.import_requested.connect(self._ask_folder)
        self.view.clear_requested.connect(self.clear)
        self.send_dialog.send_requested.connect(self.send)

    def _new_roster(self) -> Roster:
        roster = Roster(history=self.history.history.history)
        roster.add_observer(self._observer)
        return roster

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- teacher: collecting -------------------------------------------------------------

    def open_and_collect(self) -> ClassView:
        self.show_view()
        if not self.view.collecting:
            self.collect()
        return self.view

    def show_view(self) -> ClassView:
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def collect(self, host: str = ALL_INTERFACES, port: int = 0) -> asyncio.Future[None]:
        """Start collecting (the view shows the code and addresses once it listens)."""
        return self._spawn(self._collect(host, port))

    async def _collect(self, host: str, port: int) -> None:
        if self.collector is not None:
            return
        collector = Collector(self.roster, host=host, port=port)
        self.collector = collector
        try:
            await collector.start()
        except OSError as exc:
            self.collector = None
            reason = exc.strerror or str(exc)
            self.view.show_stopped(f"Cannot collect on {host}:{port}: {reason}")
            return
        addresses = [url.removeprefix("http://") for url in collector.urls]
        self.view.show_collecting(collector.join_code, addresses or [f"{host}:{collector.port}"])

    def stop(self) -> asyncio.Future[None]:
        return self._spawn(self._stop())

    async def _stop(self) -> None:
        collector, self.collector = self.collector, None
        if collector is None:
            return
        await collector.stop()
        count = len(self.roster.entries)
        self.view.show_stopped(
            f"Stopped: the port is closed. {count} result(s) collected, kept in the history."
        )

    def accepted(self, entry: ClassEntry) -> None:
        self.view.add_entry(entry)
        if entry.history_id is not None and self.history.panel.isVisible():
            self.history.reload()

    def clear(self) -> None:
        """A new class: an empty roster (what was collected stays in the history)."""
        if self.collector is not None:
            return
        self.roster.remove_observer(self._observer)
        self.roster = self._new_roster()
        self.view.show_entries(())
        self.view.show_message("")

    # -- teacher: without a network ------------------------------------------------------

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of results files")
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, folder: Path) -> asyncio.Future[FolderImport]:
        """Every results file in ``folder`` into the class view (read on a worker thread)."""
        self.show_view()
        self.view.show_message(f"Importing {folder}…")
        future = self.loop.run_in_executor(None, import_folder, folder, self.roster)
        future.add_done_callback(partial(self._imported, folder))
        return future

    def _imported(self, folder: Path, future: asyncio.Future[FolderImport]) -> None:
        exc = future.exception()
        if exc is not None:
            self.view.show_message(f"Not imported: {exc}", True)
            return
        done = future.result()
        text = f"Imported {len(done.accepted)} file(s) from {folder.name}"
        if done.skipped:
            reasons = "; ".join(f"{p.name}: {why}" for p, why in done.skipped[:SKIPPED_SHOWN])
            more = " …" if len(done.skipped) > SKIPPED_SHOWN else ""
            text += f"; skipped {len(done.skipped)}: {reasons}{more}"
        # After the entries themselves, which reach the loop through the observer first.
        self.loop.call_soon(self.view.show_message, text, bool(done.skipped))

    # -- student: sending ----------------------------------------------------------------

    def open_send(self) -> SendDialog:
        self.send_dialog.set_sources(self.presenter.results is not None, ())
        self.send_dialog.show()
        self.send_dialog.raise_()
        future = self.history.entries(HISTORY_CHOICES)
        if future is not None:
            future.add_done_callback(self._offer_history)
        return self.send_dialog

    def _offer_history(self, future: asyncio.Future[tuple[HistoryEntry, ...]]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.send_dialog.set_sources(self.presenter.results is not None, future.result())

    def send(self, address: str, code: str, source: int) -> asyncio.Future[None]:
        return self._spawn(self._send(address, code, source))

    async def _send(self, address: str, code: str, source: int) -> None:
        dialog = self.send_dialog
        try:
            submit_url(address)
        except ValueError as exc:
            dialog.show_result(False, str(exc))
            return
        if not code:
            dialog.show_result(False, "Type the join code the teacher's screen shows")
            return
        try:
            text, preset, verdict = await self._submission(source)
        except Exception as exc:  # a history error, or the results are gone
            dialog.show_result(False, f"Not sent: {exc}")
            return
        try:
            reply = await submit(address, code, text, preset=preset, verdict=verdict)
        except SubmitError as exc:
            dialog.show_result(False, f"Not sent: {exc}")
            return
        if reply.accepted:
            dialog.show_result(True, f"Sent: the collector {reply.message}")
        else:
            dialog.show_result(False, f"Refused ({reply.status}): {reply.message}")

    async def _submission(self, source: int) -> tuple[str, str | None, str | None]:
        """The file's text (written on a worker thread), and its preset and verdict."""
        if source == ON_SCREEN:
            results = self.presenter.results
            if results is None:
                raise ValueError("no results on screen")
            outcome = self.presenter.outcome
            preset = verdict = None
            if isinstance(outcome, PresetVerdict) and any(r is results for r in outcome.results):
                preset, verdict = outcome.preset.name, outcome.verdict.value
            text = await self.loop.run_in_executor(None, to_json, results)
            return text, preset, verdict
        history = self.history.history

        def read() -> tuple[str, str | None, str | None]:
            entry = history.history.entry(source)
            return history.history.results_text(source), entry.preset, entry.verdict

        return await history.run(read)

    # -- closing -------------------------------------------------------------------------

    def close_windows(self) -> None:
        self.view.close()  # stops collecting
        self.send_dialog.close()

    async def shutdown(self) -> None:
        """The port closed and every send finished or abandoned before the loop ends."""
        await self._stop()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks))
