"""The one clock every timestamp in the workbench is read from.

``time.perf_counter_ns`` is monotonic and, on Linux (CLOCK_MONOTONIC), Windows (QPC) and
macOS (mach_absolute_time), system-wide: a timestamp taken in a process-pool worker can be
placed on the same axis as one taken in the process that started it. Every record stores
integer nanoseconds relative to the run's start; seconds appear only in files and displays.
"""

from __future__ import annotations

import time

NS_PER_S = 1_000_000_000

now_ns = time.perf_counter_ns


def to_seconds(ns: int) -> float:
    """Nanoseconds to seconds, for files and displays only."""
    return ns / NS_PER_S


def to_ns(seconds: float) -> int:
    """Seconds (as read from a file) back to integer nanoseconds."""
    return round(seconds * NS_PER_S)


def format_seconds(value_s: float | None) -> str:
    """Seconds for people: three decimals above 10 ms, micro/milliseconds below; — if unknown."""
    if value_s is None:
        return "—"
    size = abs(value_s)
    if size == 0 or size >= 0.01:
        return f"{value_s:.3f} s"
    if size >= 1e-5:
        return f"{value_s * 1e3:.2f} ms"
    return f"{value_s * 1e6:.1f} µs"
