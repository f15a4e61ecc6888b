"""The event-loop lag probe: how late a periodic callback fires on the run's own loop.

Every 10 ms a callback is scheduled; when it runs, its lateness is recorded. While the loop
is free, lateness stays near zero (the kernel's timer slack, ~0.1 ms); while a blocking call
holds the loop, the callback waits, and its lateness is how long the loop was stalled.
"""

from __future__ import annotations

import asyncio

from workbench.core.clock import now_ns

INTERVAL_S = 0.01
_INTERVAL_NS = round(INTERVAL_S * 1e9)


class LagProbe:
    """Records flat (time, lateness) pairs, in ns, into ``sink`` until stopped."""

    def __init__(self, sink: list[int]) -> None:
        self._loop = asyncio.get_running_loop()
        self._extend = sink.extend
        self._due = 0
        self._handle: asyncio.TimerHandle | None = None
        self._schedule()

    def _schedule(self) -> None:
        self._due = now_ns() + _INTERVAL_NS
        self._handle = self._loop.call_later(INTERVAL_S, self._fire)

    def _fire(self) -> None:
        t = now_ns()
        self._extend((t, max(0, t - self._due)))
        self._schedule()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
