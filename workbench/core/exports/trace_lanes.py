"""Which lane of a Chrome trace each task goes on, so that no two bars on a lane overlap.

Perfetto keeps a complete ("X") event only if it nests inside, or comes after, the events on
its thread before it: a bar that overlaps another without nesting is dropped
(``slice_drop_overlapping_complete_event``). A thread's or a process's tasks run one after
another, so one lane each is enough; the coroutines of one event loop all overlap, so their
worker ("main") is spread over as many lanes as its tasks overlap at most — interval
partitioning, each task on the lowest lane free at its start.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from workbench.core.results import TaskSpan


def pack(spans: Iterable[TaskSpan]) -> list[list[TaskSpan]]:
    """``spans`` (one worker's) over the fewest lanes on which none overlap, each lane's in
    time order; a span ending exactly where the next begins shares its lane."""
    lanes: list[list[TaskSpan]] = []
    free: list[int] = []  # lane indices free now, lowest first
    busy: list[tuple[int, int]] = []  # (end_ns, lane index) of the lanes still running a task
    for span in sorted(spans, key=lambda s: (s.start_ns, -s.end_ns, s.id)):
        while busy and busy[0][0] <= span.start_ns:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane = len(lanes)
            lanes.append([])
        lanes[lane].append(span)
        heapq.heappush(busy, (max(span.end_ns, span.start_ns), lane))
    return lanes


def by_worker(spans: Iterable[TaskSpan]) -> dict[str, list[TaskSpan]]:
    """Spans grouped by worker, the workers in the order their first task began."""
    groups: dict[str, list[TaskSpan]] = {}
    for span in sorted(spans, key=lambda s: (s.start_ns, s.id)):
        groups.setdefault(span.worker, []).append(span)
    return groups
