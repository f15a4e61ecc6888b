"""CPU work: pure Python that holds the GIL, hashing that releases it, and a mix with waits."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from itertools import repeat
from typing import Any

from workbench.core.heartbeat import beat, beating
from workbench.core.params import Param
from workbench.core.workloads.base import Job, Workload

_MIB = 1 << 20
_HASH_BLOCK = bytes(_MIB // 4)
_BEAT_EVERY = 5_000
"""Iterations between heartbeats (~0.2 ms of work here): fine enough to show the GIL's 5 ms
switches. A beat itself is ~0.6 µs, ~0.3 % of a chunk; but while threads take turns on the GIL
the spin in a recorded task runs 2-4 % slower than the bare loop (``python -m
workbench.bench.one_process``). A task whose beats nobody records runs uncut (:func:`spin_task`)."""
_BURN_CHUNK = 2_000
"""Iterations between CPU-clock checks when burning a duration (~0.1 ms): a time-scaled
chess move of 0.5 ms must not overshoot by a whole heartbeat's worth of work."""
_LAST_CHUNK_MIN = 50
"""The fewest iterations a burn's last chunk spins (a few µs), so that it ends in a step or two."""


def spin(
    iterations: int, every: int = _BEAT_EVERY, heartbeat: Callable[[], None] | None = beat
) -> int:
    """Pure-Python arithmetic: every iteration runs bytecode, so the GIL is held throughout.

    Every number the loop makes is under 257, and CPython keeps one object of each such
    integer: the loop allocates nothing, so its speed does not depend on where its integers
    land in CPython's allocator. The loop it replaced (``acc += i * i % 7`` over a range)
    allocated three integers an iteration and took 198 to 255 allocator instructions of its
    ~840 depending on what the process had allocated before it (``python -m
    workbench.bench.instructions``, its floor table: up to 7 % more instructions for the same
    loop after one history than after another). Counted, the run's process now executes the
    bare script's instructions an iteration exactly (711.00 against 711.00; threads, with
    their heartbeats, 0.2 % more). Timed, the same instructions still move by up to 11 %
    from one process to another (``python -m workbench.bench.fidelity_parts``: the bare
    script's own code after the run's process's imports, 0.89 of the bare script): what is
    left is not the allocator's. The result names the loop's state (it repeats every 4,141
    iterations), so that a test can tell that every iteration ran.

    The loop is cut every ``every`` iterations for a ``heartbeat`` (none: the cut alone); the
    workloads keep the defaults, and the benchmarks vary them to price the heartbeats."""
    x = y = 0
    done = 0
    while done < iterations:
        chunk = min(iterations - done, every)
        for _ in repeat(None, chunk):
            x = (x * 3 + 1) % 83
            y = (y + x) % 101
        done += chunk
        if heartbeat is not None:
            heartbeat()
    return x * 101 + y


def spin_task(iterations: int) -> int:
    """The cpu workload's task: the spin, cut for heartbeats where this thread's are recorded,
    and uncut where they are not (inside recording off; a task whose running slices are read
    from its thread's states, see ``Strategy.slices_from_states``; a coroutine, whose steps
    say when it ran).

    A run with inside recording off is there to show what the run costs with nothing of the
    workbench's inside the task; a loop cut for beats nobody records would still pay the cut
    (see ``python -m workbench.bench.one_process``, its ``chunked`` arm)."""
    if beating():
        return spin(iterations)
    return spin(iterations, max(iterations, 1), None)


def burn_cpu_seconds(seconds: float) -> None:
    """Spin until this thread has used ``seconds`` of CPU time.

    Measured on the thread's own CPU clock, not the wall clock, so a thread that waits for the
    GIL still does its full share of work and takes longer, exactly as real work would.

    The last chunk is sized from the pace of the one before, so the burn ends close to its
    deadline on a slow machine too: with fixed 2,000-iteration chunks, on a VM running at a
    third of its usual speed (0.23 ms a chunk), 1 ms burns took 1.12 ms of CPU — and the
    chess exhibition's 720 one-millisecond moves 84 ms too long.
    """
    now = time.thread_time()
    deadline = now + seconds
    chunk = _BURN_CHUNK
    while now < deadline:
        spin(chunk)
        before, now = now, time.thread_time()
        per_iteration = (now - before) / chunk
        left = round((deadline - now) / per_iteration) if per_iteration > 0 else _BURN_CHUNK
        chunk = min(_BURN_CHUNK, max(_LAST_CHUNK_MIN, left))


def sha256_mib(mebibytes: int) -> str:
    """Hash ``mebibytes`` MiB; hashlib drops the GIL for each 256 KiB update."""
    digest = hashlib.sha256()
    for _ in range(mebibytes * 4):
        digest.update(_HASH_BLOCK)
        beat()
    return digest.hexdigest()


def cpu_sync(job: Job, task_id: int) -> None:
    spin_task(int(job.params["size"]))


async def cpu_async(job: Job, resources: Any, task_id: int) -> None:
    # A coroutine with no await: it runs to completion and blocks the loop meanwhile.
    spin_task(int(job.params["size"]))


def hash_sync(job: Job, task_id: int) -> None:
    sha256_mib(int(job.params["size"]))


async def hash_async(job: Job, resources: Any, task_id: int) -> None:
    sha256_mib(int(job.params["size"]))


def mixed_sync(job: Job, task_id: int) -> None:
    for _ in range(int(job.params["rounds"])):
        burn_cpu_seconds(job.params["cpu"])
        time.sleep(job.params["wait"])


async def mixed_async(job: Job, resources: Any, task_id: int) -> None:
    # The chess master thinks (blocking the loop), then lets the opponent move (awaiting).
    import asyncio  # lazily: pool workers never need it

    for _ in range(int(job.params["rounds"])):
        burn_cpu_seconds(job.params["cpu"])
        await asyncio.sleep(job.params["wait"])


CPU = Workload(
    name="cpu",
    summary="Pure-Python arithmetic that holds the GIL the whole time.",
    params=(
        Param(
            "size",
            "iterations",
            6_000_000,
            1,
            10_000_000_000,
            "Loop iterations per task (6,000,000 ≈ 0.2 s on one core).",
            integer=True,
        ),
    ),
    run_sync=cpu_sync,
    run_async=cpu_async,
    releases_gil=False,
)

HASH = Workload(
    name="hash",
    summary="SHA-256 over a buffer: C code that releases the GIL, so threads can scale.",
    params=(Param("size", "MiB", 384, 1, 1_000_000, "Mebibytes hashed per task.", integer=True),),
    run_sync=hash_sync,
    run_async=hash_async,
)

MIXED = Workload(
    name="mixed",
    summary="Rounds of CPU work then a wait: the chess master's exhibition.",
    params=(
        Param("rounds", "rounds", 3, 1, 100_000, "Think-then-wait rounds per task.", integer=True),
        Param("cpu", "s", 0.05, 0.0, 3600.0, "CPU time spent thinking in each round."),
        Param("wait", "s", 0.2, 0.0, 3600.0, "Time spent waiting in each round."),
    ),
    run_sync=mixed_sync,
    run_async=mixed_async,
    releases_gil=False,
)
