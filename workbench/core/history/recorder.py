"""Every experiment the window finishes, kept in the history as the CLI keeps its own.

A :class:`HistoryRecorder` is one more listener of the window's session: each finished
experiment is recorded (an interrupted one only if a run finished, as ``workbench run``
does), the experiments of a preset once its verdict is known — with the preset's name and
the verdict — and each point of a sweep. Recording runs on the history's worker thread
(:class:`~workbench.core.history.background.BackgroundHistory`), never on the loop, and it
never raises into the session: a history that cannot be written is one line for the
listener, and the measurement is not disturbed. Qt-free.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Protocol

from workbench.core.history.background import BackgroundHistory
from workbench.core.history.database import HistoryError
from workbench.core.presets import PresetVerdict
from workbench.core.results import Results
from workbench.core.session import Measurement, Outcome, RunPreset, SessionObserver

log = logging.getLogger(__name__)


class RecordingListener(Protocol):
    def recorded(self, entry_id: int, results: Results) -> None:
        """``results`` are kept as history entry ``entry_id``."""

    def not_recorded(self, message: str) -> None:
        """Something could not be kept; ``message`` says what and why in one line."""


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


class HistoryRecorder(SessionObserver):
    def __init__(
        self, history: BackgroundHistory, listener: RecordingListener | None = None
    ) -> None:
        self.history = history
        self.listener = listener
        self._preset: RunPreset | None = None
        self._held: list[Results] = []
        """A preset's finished experiments, waiting for its verdict."""

    def measurement_started(self, measurement: Measurement) -> None:
        self._preset = measurement if isinstance(measurement, RunPreset) else None
        self._held = []

    def experiment_finished(self, results: Results) -> None:
        if self._preset is not None:
            self._held.append(results)
        else:
            self.record(results)

    def measurement_finished(self, measurement: Measurement, outcome: Outcome | None) -> None:
        verdict = outcome.verdict.value if isinstance(outcome, PresetVerdict) else None
        self._release(verdict)

    def measurement_failed(self, measurement: Measurement, message: str) -> None:
        self._release(None)

    def _release(self, verdict: str | None) -> None:
        """A preset's experiments, with its verdict (None when stopped or failed midway)."""
        preset, held = self._preset, self._held
        self._preset, self._held = None, []
        if preset is not None:
            for results in held:
                self.record(results, preset=preset.preset.name, verdict=verdict)

    def record(
        self, results: Results, *, preset: str | None = None, verdict: str | None = None
    ) -> asyncio.Future[int] | None:
        """Record ``results`` on the worker thread; None when there is nothing to keep (no
        run finished) or the history is closed."""
        if not results.runs:
            return None
        call = partial(self.history.history.record, results, preset=preset, verdict=verdict)
        try:
            future = self.history.run(call)
        except RuntimeError as exc:
            self._tell_failure(f"Not kept in the history: {exc}")
            return None
        future.add_done_callback(partial(self._done, results))
        return future

    def _done(self, results: Results, future: asyncio.Future[int]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            if self.listener is not None:
                self.listener.recorded(future.result(), results)
            return
        if not isinstance(exc, HistoryError | OSError):
            log.error("recording in the history failed", exc_info=exc)
        self._tell_failure(f"Not kept in the history: {_reason(exc)}")

    def _tell_failure(self, message: str) -> None:
        if self.listener is not None:
            self.listener.not_recorded(message)
        else:
            log.warning("%s", message)
