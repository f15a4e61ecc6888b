"""Every thread's state, from the operating system: running, waiting for a core, waiting for
a lock (the GIL), waiting on IO — for any code, measured from outside the measured process.

- :mod:`.model` — the records: :class:`ThreadState`, :class:`ThreadTimeline`
- :mod:`.syscalls` — why a blocked thread is blocked (syscall numbers, wait channels)
- :mod:`.split` — readings → a thread's intervals (the scheduler's counters)
- :mod:`.accounting` — a task's time in each state, from the thread that ran it
- :mod:`.sampler` — :class:`ThreadStateSampler`, the instrument (``/proc``, or psutil)

In use (the engine owns the run's process, so it may read its threads even under Yama)::

    sampler = ThreadStateSampler(child_pid)
    sampler.start()
    ...                                          # the run
    timelines = on_run_axis(sampler.stop(), t0)  # stop() blocks ≤ one tick: use an executor
    index = index_timelines(timelines)
    states = task_states(start_ns, end_ns, pid, native_id, index)  # the thread that ran it
    states_s = states_seconds(states, sampler.known_states)
    sampler.cost                                 # the instrument's own CPU, for the bench
"""

from __future__ import annotations

from workbench.core.threadstates.accounting import (
    index_timelines,
    share,
    shares,
    states_between,
    states_by_task,
    states_seconds,
    task_states,
    together_ns,
)
from workbench.core.threadstates.model import (
    ALL_STATES,
    Interval,
    ThreadKey,
    ThreadState,
    ThreadTimeline,
    on_run_axis,
)
from workbench.core.threadstates.sampler import SamplerCost, ThreadStateSampler
from workbench.core.threadstates.split import split_interval, timeline_from_readings
from workbench.core.threadstates.syscalls import classify, syscall_table

__all__ = [
    "ALL_STATES",
    "Interval",
    "SamplerCost",
    "ThreadKey",
    "ThreadState",
    "ThreadStateSampler",
    "ThreadTimeline",
    "classify",
    "index_timelines",
    "on_run_axis",
    "share",
    "shares",
    "split_interval",
    "states_between",
    "states_by_task",
    "states_seconds",
    "syscall_table",
    "task_states",
    "timeline_from_readings",
    "together_ns",
]
