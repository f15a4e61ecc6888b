"""Each task's time in each thread state, from the run's thread timelines (pure, numpy).

A task ran on one OS thread (its ``pid`` and ``native_id``); its states are that thread's
states over the task's life, [start, end):

- a thread of its own (``threads``): the thread's whole life, near enough;
- a pool's thread or a pool worker's process, which runs tasks one after another: each
  task gets the stretch of the thread's timeline its own span covers;
- a coroutine: every coroutine of a run shares the event loop's thread, so each gets the
  *loop thread's* states over its own life. A gathered sleep is then "io" for as long as
  the loop waited in ``epoll`` — and "running" while the loop ran *other* coroutines: the
  states say what the thread a task depends on was doing, not what the task itself was
  (its own steps are its ``running`` slices).

Computed with prefix sums per thread: two binary searches a task, so 100,000 tasks on one
loop thread with thousands of intervals cost a few numpy passes, not tasks × intervals.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.core.results import Run
from workbench.core.threadstates.model import ALL_STATES, ThreadState, ThreadTimeline

CODE = {state: index for index, state in enumerate(ALL_STATES)}
"""A state's row in the arrays here (the order of :data:`ALL_STATES`)."""

Ints = npt.NDArray[np.int64]


def timeline_arrays(timeline: ThreadTimeline) -> tuple[Ints, Ints, Ints]:
    """A timeline as arrays: starts, ends and state codes (see :data:`CODE`)."""
    intervals = timeline.intervals
    n = len(intervals)
    starts = np.fromiter((i[0] for i in intervals), np.int64, n)
    ends = np.fromiter((i[1] for i in intervals), np.int64, n)
    codes = np.fromiter((CODE[i[2]] for i in intervals), np.int64, n)
    return starts, ends, codes


def states_over(timeline: ThreadTimeline, start_ns: Ints, end_ns: Ints) -> Ints:
    """ns in each state (rows: :data:`ALL_STATES`) over each [start, end) of one thread's
    timeline: an array of shape (states, spans)."""
    return states_within(*timeline_arrays(timeline), start_ns, end_ns)


def states_within(starts: Ints, ends: Ints, codes: Ints, start_ns: Ints, end_ns: Ints) -> Ints:
    """:func:`states_over` for a timeline given as arrays (see :func:`timeline_arrays`)."""
    spans = start_ns.size
    out = np.zeros((len(ALL_STATES), spans), np.int64)
    if starts.size == 0 or spans == 0:
        return out
    lengths = ends - starts
    cumulative = np.zeros((len(ALL_STATES), starts.size + 1), np.int64)
    for code in range(len(ALL_STATES)):
        cumulative[code, 1:] = np.cumsum(np.where(codes == code, lengths, 0))
    first = np.searchsorted(ends, start_ns, "right")  # the first interval ending after start
    after = np.searchsorted(starts, end_ns, "left")  # the first interval starting at/after end
    some = after > first
    out[:, some] = cumulative[:, after[some]] - cumulative[:, first[some]]
    columns = np.flatnonzero(some)
    head = first[some]
    cut = np.maximum(0, start_ns[some] - starts[head])  # the first interval's part before start
    out[codes[head], columns] -= cut
    tail = after[some] - 1
    cut = np.maximum(0, ends[tail] - end_ns[some])  # the last interval's part after the end
    out[codes[tail], columns] -= cut
    return out


@dataclass(frozen=True)
class TaskStates:
    """Every task's ns in each state, as arrays: ``ns[:, i]`` belongs to task ``ids[i]``.

    ``known`` lists the states this run's OS could tell; a task whose thread was never seen
    (an old file, no sampling, a thread that lived between two readings) is not in ``ids``.
    """

    ids: Ints
    life_ns: Ints
    ns: Ints
    known: tuple[ThreadState, ...]

    def __len__(self) -> int:
        return int(self.ids.size)

    def index_of(self, task_id: int) -> int | None:
        found = np.flatnonzero(self.ids == task_id)
        return int(found[0]) if found.size else None

    def of(self, task_id: int) -> dict[ThreadState, int]:
        """One task's ns in each known state ({} if unknown)."""
        index = self.index_of(task_id)
        if index is None:
            return {}
        return {state: int(self.ns[CODE[state], index]) for state in self.known}

    def totals(self, mask: npt.NDArray[np.bool_] | None = None) -> dict[ThreadState, int]:
        """ns in each known state, summed over the tasks (those in ``mask``, if given)."""
        ns = self.ns if mask is None else self.ns[:, mask]
        return {state: int(ns[CODE[state]].sum()) for state in self.known}

    def shares_of_life(self) -> npt.NDArray[np.float64]:
        """Each state's share (0–1) of each task's life: shape (states, tasks)."""
        life = np.maximum(self.life_ns, 1).astype(np.float64)
        return self.ns / life


def task_states(run: Run) -> TaskStates:
    """Every task's ns in each state, from the thread that ran it (see the module doc)."""
    known = run.thread_sampling.known if run.thread_sampling is not None else ()
    by_key = {timeline.key: timeline for timeline in run.threads}
    groups: dict[tuple[int, int], list[int]] = {}
    for index, span in enumerate(run.tasks):
        if span.pid is not None and span.native_id is not None:
            key = (span.pid, span.native_id)
            if key in by_key:
                groups.setdefault(key, []).append(index)
    ids, lives, columns = [], [], []
    for key, indexes in groups.items():
        spans = [run.tasks[i] for i in indexes]
        start = np.fromiter((s.start_ns for s in spans), np.int64, len(spans))
        end = np.fromiter((s.end_ns for s in spans), np.int64, len(spans))
        columns.append(states_over(by_key[key], start, end))
        ids.append(np.fromiter((s.id for s in spans), np.int64, len(spans)))
        lives.append(end - start)
    if not columns:
        empty = np.empty(0, np.int64)
        return TaskStates(empty, empty, np.zeros((len(ALL_STATES), 0), np.int64), known)
    return TaskStates(
        np.concatenate(ids), np.concatenate(lives), np.concatenate(columns, axis=1), known
    )


class TaskStateShares(Mapping[int, dict[ThreadState, float]]):
    """task id → each known state's share (0–1) of that task's life, computed on lookup.

    What a tooltip or a table column shows ("waited for the GIL 48 % of its life"). The
    shares add up to a little less than 1 where the sampler did not see the thread for a
    moment (a thread that started between two readings)."""

    def __init__(self, states: TaskStates) -> None:
        self.states = states
        self._row = {int(task): row for row, task in enumerate(states.ids)}

    def __getitem__(self, task_id: int) -> dict[ThreadState, float]:
        row = self._row[task_id]
        life = max(1, int(self.states.life_ns[row]))
        return {state: int(self.states.ns[CODE[state], row]) / life for state in self.states.known}

    def __iter__(self) -> Iterator[int]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


def task_state_shares(run: Run) -> TaskStateShares:
    """Each task's share of its life in each state, for the window's tooltips and table."""
    return TaskStateShares(task_states(run))
