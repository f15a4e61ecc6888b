"""The per-task overhead's part of the benchmark's report: timed, counted, and where it goes
(the sampler's share, the collector's); see :mod:`workbench.bench.report`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.bench.tables import fmt, interval, table
from workbench.bench.task_instructions import in_time


def overhead_markdown(curve: list[Mapping[str, Any]]) -> list[str]:
    lines = [
        "## Overhead per task: N × sleep(0) gathered (target ≤ 2 µs at every N)",
        "",
        "(workbench − bare) ÷ N in CPU time of the process running the gather (the bare",
        "script's; the engine's child's: recording, streaming and lag probe included), pairs",
        "of runs interleaved, mean of the pairs' differences with its 95 % interval (Student's",
        "t). Wall time alongside: on a busy machine its noise dwarfs the effect. Bare asyncio's",
        "own CPU per task shows that it is not flat in N either. *Within target*: the whole",
        "interval is at or under 2 µs.",
        "",
    ]
    lines += table(
        [
            "tasks",
            "µs/task (CPU)",
            "95 % interval",
            "wall µs/task",
            "wall 95 % interval",
            "bare asyncio µs/task (CPU)",
            "pairs",
            "cores busy",
            "within target",
        ],
        [
            [
                f"{o['tasks']:,}",
                fmt(o["us_per_task"], 2),
                interval(o, "us_per_task", 2),
                fmt(o["wall_us_per_task"], 2),
                interval(o, "wall_us_per_task", 2),
                fmt(o["bare_cpu_us_per_task"], 2),
                str(o["pairs"]),
                fmt((o.get("machine") or {}).get("busy_share"), 2),
                fmt(o["within_target"]),
            ]
            for o in curve
        ],
    )
    return lines


def counted_overhead_markdown(
    counted: Mapping[str, Any], curve: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The per-task overhead counted in instructions, and in time at the host's pace (see
    :mod:`workbench.bench.task_instructions`)."""
    lines = ["### The same overhead counted: instructions, and their time at this host's pace", ""]
    if counted.get("skipped"):
        return [*lines, f"Not measured: {counted['skipped']}.", ""]
    lines += [
        "The timed curve's intervals are a microsecond wide on a shared machine. Counted",
        "under valgrind's cachegrind, a task's instructions repeat run to run (within about",
        "1 %; the timers' work is next to nothing of it, however slow valgrind's clock):",
        "the bare script and the run's process's whole work (the async-gather strategy, its",
        "step clock, recorder, lag probe, its stream encoded), each at two numbers of tasks,",
        "the difference over the tasks added. In time: the added instructions at the pace of",
        "bare asyncio's own on this host, its CPU a task at the larger size in the curve above",
        "over its count a task; the interval is that bare time's. *Within target*: the whole",
        "interval is at or under 2 µs.",
        "",
    ]
    timed = [in_time(row, curve) for row in counted["rows"]]
    lines += table(
        [
            "tasks",
            "bare",
            "workbench",
            "added",
            "ratio",
            "ns an instruction",
            "added µs/task",
            "95 % interval",
            "within target",
        ],
        [
            [
                f"{row['tasks'][0]:,} → {row['tasks'][1]:,}",
                f"{row['bare']:,.1f}",
                f"{row['workbench']:,.1f}",
                f"{row['added']:,.1f}",
                f"{row['ratio']:.4f}",
                "—" if t is None else fmt(t["ns_per_instruction"], 4),
                "—" if t is None else fmt(t["us"], 2),
                "—" if t is None else interval(t, "us", 2),
                "—" if t is None else fmt(t["within_target"]),
            ]
            for row, t in zip(counted["rows"], timed, strict=True)
        ],
    )
    small, large = counted["rows"][-1]["tasks"]
    lines += [f"Where the added instructions go ({small:,} → {large:,} tasks):", ""]
    lines += table(
        ["function", "added a task"], [[name, f"{v:,.1f}"] for name, v in counted["functions"]]
    )
    return lines


def sampler_markdown(share: Mapping[str, Any]) -> list[str]:
    return [
        f"### Of which the thread-state sampler: {share['tasks']:,} tasks",
        "",
        "The same gather through the engine with the thread-state sampler on and off, in",
        f"{share['pairs']} pairs of alternating order, CPU time of the run's process: the sampler",
        "runs in the engine's process and reads the run's threads from `/proc`, so what it",
        "adds here is what watching from outside costs the run (shared caches and memory).",
        f"**{fmt(share['sampler_us_per_task'], 2)} µs a task** (95 % interval "
        f"{interval(share, 'sampler_us_per_task', 2)}; cores busy "
        f"{fmt((share.get('machine') or {}).get('busy_share'), 2)}).",
        "",
    ]


def collector_markdown(rows: list[Mapping[str, Any]]) -> list[str]:
    lines = [
        "### Where it goes: the step clock, and the wrapper it replaced, in-process, µs per task",
        "",
        "The same gather bare, with async-gather's step clock (no object per task) and with",
        "the per-task wrapper the other async strategies still use, in CPU time, each",
        "collection timed. The collector walks every live task on each full pass; its cost per",
        "task grows with N for bare asyncio too, and the wrapper's one extra live object per",
        "task grows with it. What the step clock adds outside the collector is the floor of",
        "timing each step in Python: a wrapped `Handle._run` per callback of the loop.",
        "",
    ]
    lines += table(
        [
            "tasks",
            "step clock adds",
            "of which in the collector",
            "outside the collector",
            "wrapper adds",
            "of which in the collector",
            "bare asyncio µs/task",
            "of which its collector",
        ],
        [
            [
                f"{c['tasks']:,}",
                fmt(c["added_us_per_task_median"], 2),
                fmt(c["added_in_collector_us_per_task_median"], 2),
                fmt(c["added_outside_collector_us_per_task_median"], 2),
                fmt(c.get("wrapper_added_us_per_task_median"), 2),
                fmt(c.get("wrapper_added_in_collector_us_per_task_median"), 2),
                fmt(c.get("bare_asyncio_cpu_us_per_task_median"), 2),
                fmt(c["bare_asyncio_collector_us_per_task_median"], 2),
            ]
            for c in rows
        ],
    )
    return lines
