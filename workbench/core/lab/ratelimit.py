"""A per-client rate limit: a token bucket for each client (its IP address).

A class submits a handful of files per student; a bucket of a few tokens refilled slowly
lets every honest student through while a script guessing join codes, or flooding the
collector, gets 429 after a few tries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    burst: int = 5
    """Requests a client may make at once."""
    per_second: float = 0.2
    """Tokens regained per second (one every 5 s)."""
    clock: Callable[[], float] = time.monotonic
    max_clients: int = 10_000
    """Beyond this many clients, those whose bucket is full again are forgotten."""
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, client: str) -> float:
        """0 if ``client`` may go ahead now (and takes a token), else seconds until it may."""
        now = self.clock()
        tokens, then = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.per_second
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > self.max_clients:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.per_second
        for client, (_, then) in list(self._buckets.items()):
            if now - then >= full_after:
                del self._buckets[client]
