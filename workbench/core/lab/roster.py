"""The class's results: one entry per accepted file, kept, and announced to whoever watches.

The collector (over the network) and the folder import (without one) both feed a
:class:`Roster`; the window's class view and the headless ``workbench class collect`` are
:class:`RosterObserver` s. Keeping a file (writing it into the output folder, recording it
in the history) is :meth:`Roster.keep`, safe to call from a worker thread; announcing it is
:meth:`Roster.publish`, called where the observers live (the event loop).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from workbench.core.atomic import write_atomically
from workbench.core.history import History, HistoryError
from workbench.core.history.index import interpreter_label
from workbench.core.lab.protocol import safe_name
from workbench.core.results import Results
from workbench.core.summary import summarize


@dataclass(frozen=True)
class ClassEntry:
    """One machine's results in the class: a row of the class view."""

    number: int
    received_at: float
    """Unix time, seconds."""
    hostname: str
    client: str
    """Who sent it: an IP address, or the file it was imported from."""
    logical_cpus: int
    physical_cpus: int | None
    cpu_model: str
    os: str
    interpreter: str
    workload: str
    tasks: int
    preset: str | None
    verdict: str | None
    speedups: tuple[tuple[str, float | None], ...]
    """(strategy, speedup over its experiment's baseline), in the order they ran."""
    results: Results
    history_id: int | None = None
    history_error: str | None = None
    """Why it is not in the history, when recording it failed."""
    saved_to: Path | None = None


@dataclass(frozen=True)
class Refusal:
    client: str
    status: int
    reason: str


class RosterObserver:
    """Override what you need; every hook is a no-op by default."""

    def submission_accepted(self, entry: ClassEntry) -> None:
        """A results file was accepted and kept."""

    def submission_refused(self, refusal: Refusal) -> None:
        """A submission was refused (it changed nothing)."""

    def notice(self, message: str) -> None:
        """Something the teacher should know, in one line (e.g. the history is not writable)."""


class Roster:
    """Accepted entries, in arrival order. ``out_dir``: also write each file there;
    ``history``: also record each one in the history."""

    def __init__(self, *, out_dir: Path | None = None, history: History | None = None) -> None:
        self.out_dir = out_dir
        self.history = history
        self._entries: list[ClassEntry] = []
        self._observers: list[RosterObserver] = []
        self._numbers = 0
        self._lock = threading.Lock()
        self._session = time.strftime("%Y%m%d-%H%M%S")
        """In the output folder's file names: a second session never overwrites the first's."""

    @property
    def entries(self) -> tuple[ClassEntry, ...]:
        return tuple(self._entries)

    def add_observer(self, observer: RosterObserver) -> None:
        self._observers.append(observer)

    def remove_observer(self, observer: RosterObserver) -> None:
        self._observers.remove(observer)

    def keep(
        self,
        results: Results,
        text: str,
        *,
        hostname: str,
        client: str,
        preset: str | None = None,
        verdict: str | None = None,
    ) -> ClassEntry:
        """Number the file and keep it (output folder, history); not yet announced.

        A file that cannot be written into ``out_dir`` raises :class:`OSError` (nothing is
        kept); a history that cannot be written is noted in the entry, which is kept anyway.
        """
        with self._lock:
            self._numbers += 1
            number = self._numbers
        saved_to = None
        if self.out_dir is not None:
            saved_to = self._file_for(number, hostname)
            write_atomically(saved_to, text)
        history_id = history_error = None
        if self.history is not None:
            try:
                history_id = self.history.record(
                    results, preset=preset, verdict=verdict, hostname=hostname,
                    origin=f"class {client}",
                )  # fmt: skip
            except (HistoryError, OSError) as exc:
                history_error = str(exc)
        machine = results.machine
        return ClassEntry(
            number=number,
            received_at=time.time(),
            hostname=hostname,
            client=client,
            logical_cpus=machine.logical_cpus,
            physical_cpus=machine.physical_cpus,
            cpu_model=machine.cpu_model,
            os=machine.os,
            interpreter=interpreter_label(machine),
            workload=results.config.workload,
            tasks=results.config.tasks,
            preset=preset,
            verdict=verdict,
            speedups=tuple((s.strategy, s.speedup) for s in summarize(results)),
            results=results,
            history_id=history_id,
            history_error=history_error,
            saved_to=saved_to,
        )

    def _file_for(self, number: int, hostname: str) -> Path:
        assert self.out_dir is not None
        stem = f"{self._session}-{number:03d}-{safe_name(hostname) or 'unknown'}"
        path, copy = self.out_dir / f"{stem}.json", 1
        while path.exists():
            copy += 1
            path = self.out_dir / f"{stem}-{copy}.json"
        return path

    def publish(self, entry: ClassEntry) -> None:
        """Add a kept entry to the roster and tell the observers."""
        self._entries.append(entry)
        for observer in list(self._observers):
            observer.submission_accepted(entry)
            if entry.history_error:
                observer.notice(
                    f"#{entry.number} from {entry.hostname} is not in the history: "
                    f"{entry.history_error}"
                )

    def refuse(self, refusal: Refusal) -> None:
        for observer in list(self._observers):
            observer.submission_refused(refusal)
