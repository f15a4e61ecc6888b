"""Chrome Trace Event JSON, for Perfetto (ui.perfetto.dev) and chrome://tracing.

Each run is a "process" in the trace, laid after the one before on the time axis so runs
never overlap. A run's name starts with its number in run order ("1 sequential #1"; "01 …"
from ten runs on, so names sort in that order too): Perfetto (v52) lists processes by their
number of slices, most first, and by name only among equals, so the number is what tells the
order the runs ran in. Within a run:

- a "run" lane with one bar over the whole run, whose args say what ran where (workload,
  strategy, Python, machine): select it to read them;
- when thread states were sampled, a lane per OS thread with its states as bars: a worker's
  under its first lane, the run's other threads (a main thread waiting, a pool's helpers) on
  top;
- a lane per worker, each task a complete ("X") event with the slices it really ran nested
  under it (coroutine steps, heartbeat runs). The coroutines of one event loop overlap, and
  Perfetto drops a bar that overlaps another on its lane without nesting, so one loop's tasks
  are spread over as many lanes as they overlap ("main", "main ·2", … see trace_lanes).
  Async ("b"/"e") events, Perfetto's other way to draw overlapping bars, loaded 2,000 gathered
  tasks more slowly (7.6 s against 4.6 s) and outside the run's group unless scoped;
- counter tracks: every logical CPU's busy %, the event loop's lag, a Dask worker's CPU.

Perfetto rules this follows (each broke a real trace): a thread whose tid equals its pid is
shown as the process's main thread, so lane tids are numbered past every pid; a counter's
track is named "<name> <args key>", so the key carries the unit ("CPU 0" + "busy %"); a
counter's last value is drawn to the end of the trace, so each run's counters drop to 0 at
its end.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from workbench.core.exports.threads_io import task_state_adder, worker_labels
from workbench.core.exports.trace_lanes import by_worker, pack
from workbench.core.results import Results, Run, TaskSpan
from workbench.core.threadstates.model import ThreadTimeline

_GAP_NS = 100_000_000  # 0.1 s between consecutive runs in the trace
Event = dict[str, Any]


def _us(ns: int) -> float:
    """Trace time (µs) to the nanosecond: Perfetto reads three decimals back exactly."""
    return ns / 1_000


def run_end_ns(run: Run) -> int:
    """Where a run ends in its trace: its wall time, or the last thing recorded after it."""
    return max(
        [
            run.wall_ns,
            *(span.end_ns for span in run.tasks),
            *(sample.t_ns for sample in run.cpu_samples),
            *(sample.t_ns for sample in run.loop_lag),
            *(sample.t_ns for sample in run.worker_cpu),
            *(t.end_ns for t in run.threads if t.end_ns is not None),
        ]
    )


def run_names(results: Results) -> list[str]:
    """Each run's process name, its number in run order first (zero-padded to the widest, so
    the names sort in run order): Perfetto does not keep the trace's order of processes."""
    width = len(str(len(results.runs)))
    several = results.several_interpreters
    names = []
    for number, run in enumerate(results.runs, start=1):
        on = f" on {run.interpreter_label}" if several else ""
        names.append(f"{number:0{width}d} {run.strategy}{on} #{run.repeat_index + 1}")
    return names


def _about(results: Results, run: Run) -> dict[str, Any]:
    """What a run was, for its "run" bar's args."""
    config, machine = results.config, results.machine
    about: dict[str, Any] = {
        "workload": config.workload,
        "params": dict(config.params),
        "tasks": config.tasks,
        "workers": config.workers,
        "strategy": run.strategy,
        "repeat": run.repeat_index + 1,
        "ok": run.ok,
        "wall_s": run.wall_ns / 1e9,
        "cpu_s": run.cpu_ns / 1e9,
    }
    if run.error:
        about["error"] = run.error
    if run.interpreter is not None:
        about["python"] = f"{run.interpreter.implementation} {run.interpreter.version}"
        about["interpreter"] = run.interpreter.label or run.interpreter.path
        about["gil_enabled"] = run.interpreter.gil_enabled
    else:
        about["python"] = f"{machine.implementation} {machine.python}"
        about["gil_enabled"] = machine.gil_enabled
    about["machine"] = f"{machine.cpu_model}, {machine.logical_cpus} logical CPUs, {machine.os}"
    return about


class _Lanes:
    """Hands out lane tids: numbered past every run's pid, so none is taken for a main thread."""

    def __init__(self, first_tid: int) -> None:
        self._next = first_tid

    def open(self, pid: int, name: str) -> tuple[int, list[Event]]:
        tid, self._next = self._next, self._next + 1
        meta = [
            {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": name}},
            {
                "ph": "M",
                "name": "thread_sort_index",
                "pid": pid,
                "tid": tid,
                "args": {"sort_index": tid},
            },
        ]
        return tid, meta


def _bar(name: str, cat: str, pid: int, tid: int, start: int, end: int, args: Event) -> Event:
    return {
        "ph": "X",
        "name": name,
        "cat": cat,
        "pid": pid,
        "tid": tid,
        "ts": _us(start),
        "dur": _us(end - start),
        "args": args,
    }


def _task_events(
    span: TaskSpan, pid: int, tid: int, offset: int, add_states: Callable[[Event], None]
) -> list[Event]:
    """A task's bar, then the slices it ran nested under it (cut to its span, so they nest
    even where the clocks of two processes disagree by a little). Written out flat: a
    100,000-task loop makes 300,000 of these. Its thread's states over its life are in its
    args (``states_s``, as in the results file): as bars they would overlap its running
    slices without nesting, so they have lanes of their own."""
    args: Event = {"task": span.id, "ok": span.ok, "worker": span.worker}
    record: Event = {"id": span.id}
    add_states(record)
    if "states_s" in record:
        args["states_s"] = record["states_s"]
    if span.error:
        args["error"] = span.error
    if span.attempt_of is not None:
        args["attempt_of"] = span.attempt_of
    start, end = span.start_ns, max(span.end_ns, span.start_ns)
    events = [_bar(f"task {span.id}", "task", pid, tid, offset + start, offset + end, args)]
    known = len(span.cores) == len(span.running)
    for index, (ran_from, ran_to) in enumerate(span.running):
        a = ran_from if ran_from > start else start
        b = ran_to if ran_to < end else end
        if b > a:
            core = span.cores[index] if known else -1
            events.append(
                {
                    "ph": "X",
                    "name": "running",
                    "cat": "running",
                    "pid": pid,
                    "tid": tid,
                    "ts": (offset + a) / 1_000,
                    "dur": (b - a) / 1_000,
                    "args": {"core": core} if core >= 0 else {},
                }
            )
    return events


def _state_lane(
    timeline: ThreadTimeline, who: str, pid: int, offset: int, lanes: _Lanes
) -> Iterator[Event]:
    """A lane of one OS thread's states, named after the worker it was (or its own name)."""
    at = (
        f"pid {timeline.pid}" if timeline.native_id == timeline.pid else f"tid {timeline.native_id}"
    )
    tid, meta = lanes.open(pid, f"{who} states ({at})")
    yield from meta
    for start, stop, state in timeline.intervals:
        if stop > start:
            yield _bar(str(state), "state", pid, tid, offset + start, offset + stop, {})


def _counter(name: str, key: str, pid: int, ts_ns: int, value: float) -> Event:
    return {"ph": "C", "name": name, "pid": pid, "ts": _us(ts_ns), "args": {key: value}}


def _counters(run: Run, pid: int, offset: int, end: int) -> Iterator[Event]:
    """The run's counter tracks, each dropping to 0 at the run's end (``end``). A CPU sample
    is the busy % over the interval *ending* at its time, so its value starts at the sample
    before."""
    previous = 0
    cores = 0
    for sample in run.cpu_samples:
        cores = max(cores, len(sample.per_core))
        for core, busy in enumerate(sample.per_core):
            yield _counter(f"CPU {core}", "busy %", pid, offset + previous, round(busy, 1))
        previous = sample.t_ns
    for core in range(cores):
        yield _counter(f"CPU {core}", "busy %", pid, offset + end, 0)
    for lag in run.loop_lag:
        yield _counter("Loop lag", "ms", pid, offset + lag.t_ns, round(lag.lag_ns / 1e6, 3))
    if run.loop_lag:
        yield _counter("Loop lag", "ms", pid, offset + end, 0)
    workers: list[str] = []
    for point in run.worker_cpu:
        if point.worker not in workers:
            workers.append(point.worker)
        yield _counter(
            f"{point.worker} CPU", "%", pid, offset + point.t_ns, round(point.percent, 1)
        )
    for worker in workers:
        yield _counter(f"{worker} CPU", "%", pid, offset + end, 0)


def _run_events(
    results: Results, run: Run, pid: int, name: str, offset: int, end: int, lanes: _Lanes
) -> Iterator[Event]:
    yield {"ph": "M", "name": "process_name", "pid": pid, "args": {"name": name}}
    yield {"ph": "M", "name": "process_sort_index", "pid": pid, "args": {"sort_index": pid}}
    tid, meta = lanes.open(pid, "run")
    yield from meta
    yield _bar(name, "run", pid, tid, offset, offset + end, _about(results, run))
    workers = worker_labels(run)
    states_of = {workers[t.key]: t for t in run.threads if t.key in workers}
    add_states = task_state_adder(run)
    for timeline in run.threads:  # the run's own threads, that ran no task: on top
        if timeline.key not in workers:
            yield from _state_lane(timeline, timeline.name, pid, offset, lanes)
    for worker, spans in by_worker(run.tasks).items():
        for index, lane in enumerate(pack(spans), start=1):
            tid, meta = lanes.open(pid, worker if index == 1 else f"{worker} ·{index}")
            yield from meta
            for span in lane:
                yield from _task_events(span, pid, tid, offset, add_states)
            if index == 1 and worker in states_of:  # its thread's states right under it
                yield from _state_lane(states_of.pop(worker), worker, pid, offset, lanes)
    yield from _counters(run, pid, offset, end)


def to_chrome_trace(results: Results) -> str:
    events: list[Event] = []
    lanes = _Lanes(first_tid=len(results.runs) + 1)
    offset = 0
    names = run_names(results)
    for pid, (run, name) in enumerate(zip(results.runs, names, strict=True), start=1):
        end = run_end_ns(run)
        events.extend(_run_events(results, run, pid, name, offset, end, lanes))
        offset += end + _GAP_NS
    machine = results.machine
    metadata = {
        "workload": results.config.workload,
        "params": dict(results.config.params),
        "tasks": results.config.tasks,
        "strategies": list(results.config.strategies),
        "machine": f"{machine.cpu_model}, {machine.logical_cpus} logical CPUs, {machine.os}",
        "python": f"{machine.implementation} {machine.python}",
    }
    document = {"traceEvents": events, "displayTimeUnit": "ms", "metadata": metadata}
    # Raw UTF-8, not \u escapes: Perfetto shows an escape in a lane's name as it is written.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
