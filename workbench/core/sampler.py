"""Per-core CPU utilisation, sampled in the engine's process while a child runs.

Sampling happens in the parent, on a thread of its own, so it costs the measured child
nothing. The interval is clamped to 100–250 ms: the kernel accounts CPU time in 10 ms
ticks, so finer samples are mostly noise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psutil

from workbench.core.clock import now_ns

MIN_INTERVAL_S = 0.1
MAX_INTERVAL_S = 0.25

RawSample = tuple[int, tuple[float, ...]]
"""(absolute perf_counter_ns at the end of the interval, busy % per logical CPU)."""


class CpuSampler:
    """Samples ``psutil.cpu_percent(percpu=True)`` until stopped.

    Every sample is kept in :attr:`samples` (complete once :meth:`stop` returns) and also
    handed to ``on_sample`` as it is taken, for live displays.
    """

    def __init__(
        self,
        on_sample: Callable[[RawSample], None],
        interval_s: float = 0.2,
        also: Callable[[int], None] | None = None,
    ):
        self.interval_s = min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, interval_s))
        self._on_sample = on_sample
        self._also = also
        """Called with each sample's time, on the sampler's thread, right after the sample:
        the run's tree watcher reads its counters in the same tick, so its intervals are the
        machine's."""
        self.samples: list[RawSample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cpu-sampler", daemon=True)

    def start(self) -> None:
        psutil.cpu_percent(percpu=True)  # primes the counters: the next call measures from now
        if self._also is not None:
            self._also(now_ns())
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._take()
        self._take()

    def _take(self) -> None:
        with self._lock:
            sample = (now_ns(), tuple(float(p) for p in psutil.cpu_percent(percpu=True)))
            if self._also is not None:
                self._also(sample[0])
            self.samples.append(sample)
        self._on_sample(sample)

    def take_now(self) -> None:
        """One sample now, from any thread: the engine takes one as the run says it is done,
        while its process tree can still be read, so that even a run shorter than the
        interval has one whole interval to tell its interference from."""
        self._take()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
