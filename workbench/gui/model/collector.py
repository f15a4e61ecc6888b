"""When the window's process collects cyclic garbage: not while a run streams.

A full collection walks every object the collector tracks. While a 100,000-task run streams
in, the window's heap grows by half a million of them (spans, their steps), and CPython's
collector walks the whole heap five times during the run, 35-55 ms each with the window
frozen (measured with the window probe). So full collections wait while a run streams (young
ones still run, and reclaim almost everything); once the run is over and the window idle, one
full collection runs, and what survives it (the window itself, the results on screen) is
frozen so later passes skip it.

This is the window's own heap only: a run's child process, whose timings are measured, keeps
Python's defaults, as the user's script would.
"""

from __future__ import annotations

import gc

DEFERRED = 1 << 30
"""A third-generation threshold never reached during a run: its full collections wait."""


class CollectionPolicy:
    """Defers full collections between :meth:`run_started` and :meth:`run_ended`."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def run_started(self) -> None:
        if self._saved is None:
            self._saved = young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, DEFERRED)

    def run_ended(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    @staticmethod
    def collect_while_idle() -> None:
        """One full collection (the frozen heap included), then freeze what survives."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
