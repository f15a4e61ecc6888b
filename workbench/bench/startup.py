"""Start-up: how long a run's child process takes from launch to running the strategy."""

from __future__ import annotations

import asyncio
from typing import Any

from workbench.bench.stats import Spread
from workbench.core import protocol
from workbench.core.clock import now_ns
from workbench.core.engine import CHILD_MODULE
from workbench.core.processes import HelperProcess

TARGET_CHILD_MS = 100.0


def _settle(future: asyncio.Future[int], value: int) -> None:
    """The first Started sets the result; a late duplicate is ignored."""
    if not future.done():
        future.set_result(value)


async def _child_startup_ms() -> float:
    """Launch → the child's ``started`` message (its t0), on the one shared clock."""
    loop = asyncio.get_running_loop()
    started: asyncio.Future[int] = loop.create_future()

    def on_line(line: bytes | None) -> None:
        if line and isinstance(message := protocol.decode(line), protocol.Started):
            loop.call_soon_threadsafe(_settle, started, message.t0_ns)

    request = protocol.RunRequest("sequential", "sleep", {"duration": 0.0}, 1, 1)
    launched = now_ns()
    child = HelperProcess(CHILD_MODULE, on_line)
    try:
        child.send(protocol.encode(request))
        t0 = await asyncio.wait_for(started, 30)
    finally:
        await loop.run_in_executor(None, child.wait)
    return (t0 - launched) / 1e6


def measure_child_startup(repeats: int = 10) -> dict[str, Any]:
    samples = [asyncio.run(_child_startup_ms()) for _ in range(repeats)]
    spread = Spread.of(samples)
    return {
        **spread.as_dict("child_ms", 1),
        "target_ms": TARGET_CHILD_MS,
        "within_target": spread.median <= TARGET_CHILD_MS,
    }
