"""The engine ↔ child wire format: one JSON object per line.

Parent → child (stdin): one :class:`RunRequest` line; afterwards stdin stays open, and its
closing means "stop now". Child → parent (a private copy of stdout; the child's own fd 1 is
pointed at stderr so a workload's prints cannot corrupt the stream):

- ``{"type": "started", "t0_ns": …}`` — the run's time origin, an absolute ``perf_counter_ns``
- ``{"type": "events", "k": [kind…], "i": [task_id…], "t": [t_ns…], "w": [worker…],
  "x": [[task_id, error]…]}`` — a batch as columns (see :mod:`workbench.core.recording`
  for the codes); ``t_ns`` absolute, ``x`` the error text of each failed task, ``s`` each
  ended sync task's heartbeats ``[task_id, HEARTBEATS, [t, core, t, core…]]``, ``l`` the lag
  probe's flat ``(t_ns, lag_ns)`` pairs
- ``{"type": "done", "ok": …, "error": …, "wall_ns": …, "cpu_ns": …, "startup_ns": …}``

JSON rather than pickle: nothing read from a child can execute code in the parent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

STARTED = "started"
EVENTS = "events"
DONE = "done"


@dataclass(frozen=True)
class RunRequest:
    strategy: str
    workload: str
    params: Mapping[str, float]
    tasks: int
    workers: int
    url: str | None = None
    flush_interval_s: float = 0.05
    inside: bool = True
    """Record inside tasks (steps, heartbeats, loop lag); off only to measure what it costs."""

    def encode(self) -> bytes:
        return (json.dumps(asdict(self)) + "\n").encode()

    @classmethod
    def decode(cls, line: bytes | str) -> RunRequest:
        return cls(**json.loads(line))


def encode(message: Mapping[str, Any]) -> bytes:
    return (json.dumps(message, separators=(",", ":")) + "\n").encode()


def decode(line: bytes) -> dict[str, Any]:
    message = json.loads(line)
    if not isinstance(message, dict) or "type" not in message:
        raise ValueError("not a workbench message")
    return message
