"""Placing a Dask worker's timestamps on the run's time axis.

A worker on this machine reads the very clock the run reads: ``perf_counter_ns`` is
system-wide (CLOCK_MONOTONIC on Linux, QPC on Windows, mach_absolute_time on macOS), so its
timestamps need no correction. A worker on another machine counts from its own origin; its
offset from the run's clock is estimated as NTP does, by round trips of a tiny probe that
reads the worker's clock: the reading was taken somewhere between sending the probe and
receiving the answer, so the midpoint is the best guess and half the round trip bounds the
error. Of several round trips the quickest wins (the least time for anything to go astray).

Pure: the probes themselves are taken by :mod:`.lanes` (through the Dask client) and read on
the worker by :func:`workbench.core.cluster.worker.read_clock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id"


@dataclass(frozen=True, slots=True)
class Reading:
    """What the probe read on a worker, at one instant."""

    pid: int
    host: str
    boot_id: str | None
    """The kernel's boot id (Linux): equal ids mean one kernel, so one monotonic clock."""
    clock_ns: int
    """The worker's ``perf_counter_ns``."""
    wall_ns: int
    """Its ``time.time_ns()`` at the same moment: Dask stamps its metrics with wall time."""


@dataclass(frozen=True, slots=True)
class Probe:
    """One round trip: the run's clock when the probe left and when the answer came back."""

    sent_ns: int
    received_ns: int
    reading: Reading

    @property
    def round_trip_ns(self) -> int:
        return self.received_ns - self.sent_ns


@dataclass(frozen=True, slots=True)
class WorkerClock:
    """How one worker's clock relates to the run's."""

    offset_ns: int
    """The worker's clock minus the run's (0 when shared)."""
    uncertainty_ns: int
    """How far off :attr:`offset_ns` may be: half the best round trip; 0 when shared."""
    shared: bool
    """The worker reads the run's own clock (same machine)."""
    wall_minus_clock_ns: int
    """The worker's wall clock minus its ``perf_counter_ns``, to place its wall-time stamps."""

    def to_run(self, worker_ns: int) -> int:
        """A worker's ``perf_counter_ns`` reading, on the run's clock."""
        return worker_ns - self.offset_ns

    def wall_to_run(self, wall_ns: int) -> int:
        """A worker's wall-clock time (``time.time_ns()``), on the run's clock."""
        return wall_ns - self.wall_minus_clock_ns - self.offset_ns


def shares_our_clock(probe: Probe, our_boot_id: str | None, our_host: str) -> bool:
    """Whether the worker read the run's own clock.

    The same kernel (boot id; the host name where there is none) — and a reading that falls
    inside the round trip, as a shared clock's must: that catches what a name cannot, such
    as a container whose monotonic clock a time namespace has moved.
    """
    reading = probe.reading
    if reading.boot_id is not None and our_boot_id is not None:
        same_machine = reading.boot_id == our_boot_id
    else:
        same_machine = reading.host == our_host
    return same_machine and probe.sent_ns <= reading.clock_ns <= probe.received_ns


def estimate(probes: Sequence[Probe], our_boot_id: str | None, our_host: str) -> WorkerClock:
    """The worker's clock from its probes (at least one): shared, or the quickest midpoint."""
    best = min(probes, key=lambda probe: probe.round_trip_ns)
    reading = best.reading
    wall_minus_clock = reading.wall_ns - reading.clock_ns
    if shares_our_clock(best, our_boot_id, our_host):
        return WorkerClock(0, 0, True, wall_minus_clock)
    midpoint = (best.sent_ns + best.received_ns) // 2
    return WorkerClock(
        reading.clock_ns - midpoint, (best.round_trip_ns + 1) // 2, False, wall_minus_clock
    )


def read_boot_id() -> str | None:
    """This kernel's boot id (Linux), or None where there is none."""
    try:
        with open(BOOT_ID_PATH, encoding="ascii") as source:
            return source.read().strip() or None
    except OSError:
        return None
