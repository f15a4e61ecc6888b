"""How busy the machine was while a benchmark ran, from ``/proc`` (Linux; None elsewhere).

A figure from a shared machine means little without it: the cores' busy share (everything,
the benchmark included), the share stolen by a hypervisor, and the load average.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

STAT = Path("/proc/stat")
LOADAVG = Path("/proc/loadavg")


@dataclass(frozen=True)
class LoadReading:
    busy: int
    steal: int
    total: int

    def since(self, before: LoadReading | None) -> dict[str, Any]:
        """Busy and stolen shares of all cores between ``before`` and this reading."""
        figures: dict[str, Any] = {"load_1min": load_average()}
        if before is None or self.total <= before.total:
            return figures | {"busy_share": None, "steal_share": None}
        total = self.total - before.total
        return figures | {
            "busy_share": round((self.busy - before.busy) / total, 3),
            "steal_share": round((self.steal - before.steal) / total, 3),
        }


def machine_load(stat: Path = STAT) -> LoadReading | None:
    """The aggregate ``cpu`` line of ``/proc/stat``, or None where there is none."""
    try:
        first = stat.read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    if not first or first[0] != "cpu":
        return None
    ticks = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    ticks += [0] * (8 - len(ticks))
    idle = ticks[3] + ticks[4]
    return LoadReading(busy=sum(ticks) - idle, steal=ticks[7], total=sum(ticks))


def load_average() -> float | None:
    try:
        return float(LOADAVG.read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def load_since(before: LoadReading | None) -> dict[str, Any]:
    now = machine_load()
    if now is None:
        return {"load_1min": load_average(), "busy_share": None, "steal_share": None}
    return now.since(before)
