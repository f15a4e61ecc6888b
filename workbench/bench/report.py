"""The benchmark's figures as a markdown report (the checkout keeps one as docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.bench.cache_model import MEASURES
from workbench.bench.million import to_markdown as million_markdown
from workbench.bench.overhead_report import (
    collector_markdown,
    counted_overhead_markdown,
    overhead_markdown,
    sampler_markdown,
)
from workbench.bench.tables import fmt, interval, percent, table
from workbench.bench.thread_states import to_markdown as thread_states_markdown


def _machine_line(load: Mapping[str, Any]) -> str:
    """How busy the machine was meanwhile: every core's busy share (this benchmark's included),
    the share a hypervisor stole, the load average."""
    busy, steal, avg = load.get("busy_share"), load.get("steal_share"), load.get("load_1min")
    parts = []
    if busy is not None:
        parts.append(f"cores {busy:.0%} busy (this benchmark included)")
    if steal is not None:
        parts.append(f"{steal:.1%} stolen")
    if avg is not None:
        parts.append(f"load average {avg:.2f}")
    return "Machine meanwhile: " + (", ".join(parts) if parts else "not known here") + "."


def fidelity_markdown(
    fidelity: Sequence[Mapping[str, Any]], tracer: Sequence[Mapping[str, Any]] | None = None
) -> list[str]:
    """The fidelity table (see :mod:`workbench.bench.fidelity`), and how busy the machine was
    meanwhile. With ``tracer`` (the report's), a column for VizTracer's ratio on the same
    cases; without it (the table alone), no column of dashes."""
    by_name = {t["name"]: t for t in tracer or ()}
    rows = []
    for f in fidelity:
        t = by_name.get(f["name"], {})
        rows.append(
            [
                f["name"],
                fmt(f.get("ratio_of_medians", f["ratio_median"])),
                interval(f, "ratio_of_medians", 3),
                f"{fmt(f['ratio_min'])}–{fmt(f['ratio_max'])}",
                str(f["repeats"]),
                fmt(f["bare_wall_s_median"]),
                fmt(f["workbench_wall_s_median"]),
                *([] if tracer is None else [fmt(t.get("tracer_ratio_median"))]),
                fmt(f["within_target"]),
            ]
        )
    headers = ["case", "ratio", "95 % interval", "pair ratios", "pairs", "bare s", "workbench s"]
    headers += [] if tracer is None else ["VizTracer ratio"]
    lines = table([*headers, "within target"], rows)
    if fidelity and fidelity[0].get("machine"):
        lines += [_machine_line(fidelity[0]["machine"]), ""]
    return lines


def fidelity_parts_markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The CPU cases' gap, taken apart (see :mod:`workbench.bench.fidelity_parts`)."""
    rounds = rows[0]["rounds"] if rows else 0
    lines = [
        "### Where the CPU cases' gap goes: the workbench's pieces added one at a time",
        "",
        "The bare script's work, then with one more piece of the workbench each arm, every arm",
        f"in a fresh interpreter, arms shuffled in each of {rounds} rounds; median wall time",
        "over the bare script's in the same rounds, bootstrapped 95 % interval. Step: the arm's",
        "median over that of the arm it adds one piece to (named), paired in the same rounds,",
        "so the noise both share drops out: an interval clear of 1 is what the piece costs.",
        "The engine's CPU: its own CPU time between the run's first and last batch of events,",
        "as a share of every core over that time (what it takes from a run that keeps every",
        "core busy). Fastest: the arm's fastest run over the bare script's fastest; noise only",
        "ever adds time, so a step there that the medians share is what the piece costs with",
        "nothing in its way.",
        "",
    ]
    return lines + table(
        [
            "case",
            "arm",
            "what it adds",
            "ratio to bare",
            "95 % interval",
            "step [95 %] over",
            "fastest",
            "wall s",
            "bare s",
            "engine's CPU",
        ],
        [
            [
                r["case"],
                r["arm"],
                r["what"],
                fmt(r["ratio"]),
                interval(r, "ratio", 3),
                _step(r),
                fmt(r.get("fastest_ratio")),
                fmt(r["wall_s_median"]),
                fmt(r["bare_wall_s_median"]),
                percent(r.get("engine_cpu_share")),
            ]
            for r in rows
        ],
    )


def _step(row: Mapping[str, Any]) -> str:
    if "step" not in row:  # figures from before the step was measured
        return "—"
    return f"{fmt(row['step'])} [{interval(row, 'step', 3)}] over {row['step_from']}"


_COST_HEADERS = ["per iteration", "interpreter's loop", "allocator", "other"]


def _cost_cells(row: Mapping[str, Any]) -> list[str]:
    """One iteration's instructions in all and by where they ran (``_COST_HEADERS``)."""
    return [fmt(row[key], 2) for key in ("per_iteration", "interpreter", "allocator", "other")]


def instructions_markdown(figures: Mapping[str, Any]) -> list[str]:
    """The CPU cases' gap counted in instructions (see :mod:`workbench.bench.instructions`)."""
    lines = ["### The same gap in instructions: counted, not timed", ""]
    if figures.get("skipped"):
        return [*lines, f"Not measured: {figures['skipped']}.", ""]
    lines += [
        "Instructions one iteration of the work executes (valgrind's cachegrind: exact, and",
        "the same every run), each arm at two sizes of the work so that start-up cancels out,",
        "split by where they ran: the interpreter's loop (the task's bytecode: what the",
        "workbench's code adds), CPython's memory allocator, the rest. The GIL's forced",
        "switches are off in these runs so that counts repeat. Ratios are to the bare script.",
        "",
    ]
    lines += table(
        [
            "case",
            "arm",
            "what it adds",
            *_COST_HEADERS,
            "ratio to bare",
            "loop's ratio",
            "allocator aside",
        ],
        [
            [
                r["case"],
                r["arm"],
                r["what"] or "the bare script",
                *_cost_cells(r),
                fmt(r["ratio"], 4),
                fmt(r["interpreter_ratio"], 4),
                fmt(r["allocator_aside_ratio"], 4),
            ]
            for r in figures["arms"]
        ],
    )
    lines += [
        "The allocator's share depends on where the loop's few live integers sit in their",
        "pool: on what the process allocated before the loop and on what the loop keeps alive.",
        "Each spin alone in a process, after a few integers allocated just before it (ratios to",
        "the state that costs the bare spin least): where each settles after most histories,",
        "and how far the same code moves before it does.",
        "",
    ]
    return lines + table(
        ["spin", "integers first", *_COST_HEADERS, "ratio"],
        [
            [r["spin"], str(r["extra_objects"]), *_cost_cells(r), fmt(r["ratio"], 4)]
            for r in figures["floor"]
        ],
    )


def cache_model_markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The CPU cases' arms in cachegrind's model (see :mod:`workbench.bench.cache_model`)."""
    lines = [
        "### The same arms in a model of the caches and the branch predictor",
        "",
        "Per iteration of the work, each arm at two sizes so that start-up cancels out",
        "(valgrind's cachegrind, simulating this machine's cache sizes and a branch predictor):",
        "where the model sees no difference, the time it leaves unexplained is in what it",
        "does not model.",
        "",
    ]
    return lines + table(
        ["case", "arm", *MEASURES],
        [
            [r["case"], r["arm"], *(fmt(_no_minus_zero(float(r[m])), 3) for m in MEASURES)]
            for r in rows
        ],
    )


def _no_minus_zero(value: float) -> float:
    """A difference of two counts that is zero to three places reads 0.000, not -0.000."""
    return value if abs(value) >= 0.0005 else 0.0


def to_markdown(figures: Mapping[str, Any]) -> str:
    m = figures["machine"]
    lines = [
        "# Benchmarks: measuring the measurer",
        "",
        "Regenerated by `workbench bench --markdown docs/benchmarks.md` (`--out` for the JSON).",
        "Timings on a shared machine are noisy: read ratios within one run, not absolute times",
        "across runs. Analyses that take these figures further apart (the CPU cases' fidelity",
        "gap; the per-task overhead in instructions), each with its own command and date, are in",
        "[measurer.md](measurer.md).",
        "",
        f"- Machine: {m['logical_cpus']} logical CPUs ({m['cpu_model']}), {m['os']}",
        f"- Python {m['python']} ({m['implementation']}), process pools start by "
        f"`{m['mp_start_method']}`",
        f"- Date: {figures['date']}; wall time of the whole benchmark: "
        f"{figures['bench_wall_s']:.0f} s",
        "",
        "## Fidelity: workbench wall time / bare script wall time (target ≤ 1.02)",
        "",
        "Median workbench wall time over median bare wall time, bare and workbench runs",
        "interleaved in pairs; the 95 % interval is bootstrapped from the pairs. *Within",
        "target* judges the estimate; an interval reaching past 1.02 says the machine's noise",
        "was larger than the gap.",
        "",
    ]
    lines += fidelity_markdown(figures["fidelity"], figures.get("tracer", []))
    if figures.get("fidelity_parts"):
        lines += fidelity_parts_markdown(figures["fidelity_parts"])
    if figures.get("instructions"):
        lines += instructions_markdown(figures["instructions"])
    if figures.get("http_instructions"):
        from workbench.bench.http_instructions import to_markdown as http_instructions_markdown

        lines += http_instructions_markdown(figures["http_instructions"])
    lines += overhead_markdown(figures["overhead"])
    if figures.get("overhead_counted"):
        lines += counted_overhead_markdown(figures["overhead_counted"], figures["overhead"])
    if figures.get("sampler_share"):
        lines += sampler_markdown(figures["sampler_share"])
    if figures.get("collector_share"):
        lines += collector_markdown(figures["collector_share"])
    lines += ["## Recording inside tasks: steps, heartbeats, lag probe (target < 2%)", ""]
    lines += table(
        ["case", "wall s without", "wall s with", "overhead %", "within target"],
        [
            [
                i["name"],
                fmt(i["wall_s_without"]),
                fmt(i["wall_s_with"]),
                fmt(i["overhead_percent"], 2),
                fmt(i["within_target"]),
            ]
            for i in figures["inside"]
        ],
    )
    if figures.get("usercode"):
        from workbench.bench.usercode import to_markdown as user_code_markdown

        lines += user_code_markdown(figures["usercode"])
    if "thread_states" in figures:
        lines += thread_states_markdown(figures["thread_states"])
    scale = figures["scale"]
    lines += [f"## Scale: {scale['tasks']:,}-task async-gather", ""]
    lines += table(["figure", "value"], [[k, fmt(v)] for k, v in scale.items() if k != "tasks"])
    if "million" in figures:
        lines += million_markdown(figures["million"])
    if "opening" in figures:
        opening = figures["opening"]
        title = f"{opening['file_mb']:,} MB results file ({opening['tasks']:,} tasks)"
        lines += [f"## Opening a {title}", ""]
        lines += table(
            ["figure", "value"], [[k, fmt(v)] for k, v in opening.items() if k != "tasks"]
        )
    lines += ["## Start-up", ""]
    lines += table(["figure", "value"], [[k, fmt(v, 1)] for k, v in figures["startup"].items()])
    for section in ("window", "responsiveness"):
        if section in figures:
            lines += [f"## {section.capitalize()}", ""]
            if section == "responsiveness":
                lines += [
                    "A 10 ms timer on the window's loop while the window runs each experiment:",
                    "how late it fires, over the whole experiment (from the click to the outcome",
                    "on screen: the target's reading) and during the run alone (from the run's",
                    "start to its record complete). The target's case, the big gather, runs",
                    "several times in the same window; its figures pool their ticks (one",
                    "experiment's p99 is its fifth-latest tick or so, and moves by several ms",
                    "from one to the next).",
                    "",
                ]
            lines += table(
                ["figure", "value"], [[k, fmt(v, 1)] for k, v in figures[section].items()]
            )
    return "\n".join(lines)
