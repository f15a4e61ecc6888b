"""Perfetto's import rules that bit the workbench's Chrome traces, checked on the written JSON.

Each returns what breaks its rule (empty when the trace keeps it), so a failing test names the
events. Times are compared as Perfetto reads them: µs with three decimals, rounded to ns.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Event = dict[str, Any]


def _ns(us: float) -> int:
    return round(us * 1_000)


def overlapping_bars(events: list[Event]) -> list[str]:
    """Complete ("X") events that overlap an earlier one on their pid/tid without nesting in
    it: Perfetto drops each (``slice_drop_overlapping_complete_event``). Events are taken in
    time order, those at the same time in the file's order, as Perfetto's sorter does."""
    lanes: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    for event in events:
        if event["ph"] == "X":
            start = _ns(event["ts"])
            lanes[event["pid"], event["tid"]].append(
                (start, start + _ns(event["dur"]), event["name"])
            )
    broken = []
    for (pid, tid), bars in lanes.items():
        open_ends: list[tuple[int, str]] = []
        for start, end, name in sorted(bars, key=lambda bar: bar[0]):
            while open_ends and open_ends[-1][0] <= start:
                open_ends.pop()
            if open_ends and end > open_ends[-1][0]:
                broken.append(f"{name} on {pid}/{tid} ends past {open_ends[-1][1]}")
            open_ends.append((end, name))
    return broken


def main_thread_lanes(events: list[Event]) -> list[str]:
    """Lanes whose tid is a pid of the trace: Perfetto takes a tid equal to its pid for the
    process's main thread (and one equal to another pid for that process's)."""
    pids = {event["pid"] for event in events}
    return [
        f"{event['args']['name']} ({event['pid']}/{event['tid']})"
        for event in events
        if event["ph"] == "M" and event["name"] == "thread_name" and event["tid"] in pids
    ]


def run_ends_ns(events: list[Event]) -> dict[int, int]:
    """Where each run (pid) ends: its last bar's end."""
    ends: dict[int, int] = {}
    for event in events:
        if event["ph"] == "X":
            end = _ns(event["ts"]) + _ns(event["dur"])
            ends[event["pid"]] = max(ends.get(event["pid"], end), end)
    return ends


def counters_left_running(events: list[Event]) -> list[str]:
    """Counter tracks whose last value is not a 0 at their run's end: Perfetto draws a
    counter's last value on to the end of the whole trace, across the runs after it."""
    ends = run_ends_ns(events)
    last: dict[tuple[int, str], Event] = {}
    for event in sorted(
        (e for e in events if e["ph"] == "C"), key=lambda e: _ns(e["ts"])
    ):  # stable: same-time values keep the file's order, the last one wins
        last[event["pid"], event["name"]] = event
    return [
        f"{name} of {pid} ends at {event['ts']} µs with {event['args']}"
        for (pid, name), event in last.items()
        if _ns(event["ts"]) != ends.get(pid) or any(event["args"].values())
    ]
