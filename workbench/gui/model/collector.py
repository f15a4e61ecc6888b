"""When and where the window's process collects cyclic garbage: on the window's thread only,
and not fully while a run streams.

Where: Python collects cycles in whichever thread happens to allocate when a threshold is
crossed, and the window's process has threads that allocate (the interpreter search, the
history recorder, the analysis of finished results). A window closed a moment earlier is such
a cycle (Qt objects and the Python callbacks connected to their signals); collected on one
of those threads, its widgets are destroyed off the GUI thread while the GUI thread may be
walking them — a segfault inside ``getWrapperForQObject``, seen here in about one full GUI
test run in five, always just after a test closed two windows. So while a window is open,
automatic collection is off and the window's own thread collects, each tenth of a second,
the generation Python itself would have collected (:class:`MainThreadCollection`), as PyQt
applications such as calibre do.

When:
A full collection walks every object the collector tracks. While a 100,000-task run streams
in, the window's heap grows by half a million of them (spans, their steps), and CPython's
collector walks the whole heap five times during the run, 35-55 ms each with the window
frozen (measured with the window probe). So full collections wait while a run streams, and
so do the middle generation's: what survives a young collection during a run is nearly all
the run's own record, and a middle collection walks every object that survived the last ten
young ones — at a tenth of a second each, a second of a 100,000-task run's record, ~30 ms
with the window frozen, once a second (measured with the window probe; with it deferred, the
worst tick of a 10 ms timer during that run fell from 23-33 ms to 9-19 ms, five probe runs
each, interleaved). Young collections still run, and reclaim almost everything. Once the run
is over and the window idle, one full collection runs, and what survives it (the window
itself, the results on screen) is frozen so later passes skip it.

This is the window's own heap only: a run's child process, whose timings are measured, keeps
Python's defaults, as the user's script would.
"""

from __future__ import annotations

import asyncio
import gc

DEFERRED = 1 << 30
"""A threshold never reached during a run: the collections of its generation wait."""


class CollectionPolicy:
    """Defers middle and full collections between :meth:`run_started` and
    :meth:`run_ended`."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def run_started(self) -> None:
        if self._saved is None:
            self._saved = young, _, _ = gc.get_threshold()
            gc.set_threshold(young, DEFERRED, DEFERRED)

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


TICK_S = 0.1
"""How often the window's thread checks the collector's counts: at a 100,000-task run's
allocation rate a young collection then walks some ten thousand objects, about a millisecond."""


class MainThreadCollection:
    """Cyclic garbage collected on the thread of ``loop`` only, between :meth:`start` and
    :meth:`stop`.

    Process-wide, like the collector itself: starts nest (two windows open), and automatic
    collection comes back only when the last one stops, as it was before the first.
    """

    _holders = 0
    _was_enabled = True

    def __init__(self, loop: asyncio.AbstractEventLoop, tick_s: float = TICK_S) -> None:
        self._loop = loop
        self._tick_s = tick_s
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        if self._timer is not None:
            return
        owner = MainThreadCollection
        if owner._holders == 0:
            owner._was_enabled = gc.isenabled()
            gc.disable()
        owner._holders += 1
        self._timer = self._loop.call_later(self._tick_s, self._tick)

    def stop(self) -> None:
        if self._timer is None:
            return
        self._timer.cancel()
        self._timer = None
        owner = MainThreadCollection
        owner._holders -= 1
        if owner._holders == 0 and owner._was_enabled:
            gc.enable()

    def _tick(self) -> None:
        collect_due()
        self._timer = self._loop.call_later(self._tick_s, self._tick)


def collect_due() -> int | None:
    """Collect the oldest generation whose count has passed its threshold, as Python's own
    automatic collection would; the generation collected, or None."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return None
