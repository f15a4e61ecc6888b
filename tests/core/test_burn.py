"""The mixed workload's CPU burn ends close to the CPU time it was asked for, however fast the
machine's core runs: time-scaled presets (the chess exhibition's 1 ms moves) add up hundreds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from workbench.core.workloads.compute import _BURN_CHUNK, burn_cpu_seconds, spin


def _cpu_of(work: Callable[[], object]) -> float:
    began = time.thread_time()
    work()
    return time.thread_time() - began


def test_a_burn_of_one_and_a_half_chunks_does_not_spin_a_second_whole_one() -> None:
    """Fixed chunks would spin two whole ones (a third over); the last is sized to what is left."""
    chunk_s = statistics.median(_cpu_of(lambda: spin(_BURN_CHUNK)) for _ in range(20))
    asked = 1.5 * chunk_s
    took = [_cpu_of(lambda: burn_cpu_seconds(asked)) for _ in range(40)]
    assert min(took) >= asked  # never short: it burns until the deadline
    assert statistics.mean(took) < 1.1 * asked, (statistics.mean(took) / asked, chunk_s)
