"""``workbench compare A B [C…]``: experiments from the history or from files, side by side."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING

from workbench.cli.common import EXIT_OK, Subcommands, UsageError
from workbench.cli.text_table import text_table

if TYPE_CHECKING:
    from workbench.core.history.compare import Comparison, Experiment, Figures


def register(commands: Subcommands) -> None:
    compare = commands.add_parser(
        "compare", help="two or more experiments side by side (history ids or results files)"
    )
    compare.add_argument(
        "experiments", nargs="+", metavar="ID_OR_FILE", help="history ids (12 or #12) or files"
    )
    compare.add_argument("--json", action="store_true", help="print a machine-readable form")
    compare.set_defaults(handler=compare_command)


def _s(ns: int | None) -> str:
    return "—" if ns is None else f"{ns / 1e9:.3f}"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _describe(letter: str, e: Experiment) -> str:
    c, m = e.results.config, e.results.machine
    from workbench.core.history.index import cores_label, interpreter_label

    params = ", ".join(f"{k}={v:g}" for k, v in c.params.items())
    when = (
        ""
        if e.recorded_at is None
        else datetime.fromtimestamp(e.recorded_at).strftime(" %Y-%m-%d %H:%M")
    )
    host = f"{e.hostname}, " if e.hostname else ""
    line = (
        f"{letter}  {e.label}{when}: {c.workload} ({params}), {c.tasks:,} tasks, "
        f"{c.workers} workers, repeat {c.repeat} — {host}{cores_label(m)}, {m.cpu_model}, "
        f"{interpreter_label(m)}"
    )
    if e.preset:
        line += f" — preset {e.preset}: {e.verdict or 'no verdict'}"
    if e.results.interrupted:
        line += " — interrupted"
    return line


def _cells(figures: Figures | None) -> tuple[str, ...]:
    if figures is None:
        return ("did not run", "", "", "", "", "", "", "")
    f = figures
    failed = f"{f.failed_runs} run(s)" if f.failed_runs else "0"
    cpu = "—" if f.cpu_percent is None else f"{f.cpu_percent:.0f}"
    return (
        _s(f.wall_ns_median),
        _s(f.wall_ns_min),
        _s(f.wall_ns_max),
        _x(f.ratio),
        _x(f.speedup),
        _s(f.cpu_ns_median),
        cpu,
        failed,
    )


def comparison_text(comparison: Comparison) -> str:
    letters = comparison.letters
    first = letters[0]
    heading = [_describe(name, e) for name, e in zip(letters, comparison.experiments, strict=True)]
    header = ("strategy", "", "wall s", "min s", "max s", f"vs {first}", "speedup", "cpu s",
              "cpu %", "failed")  # fmt: skip
    rows = [
        (row.strategy if index == 0 else "", name, *_cells(figures))
        for row in comparison.rows
        for index, (name, figures) in enumerate(zip(letters, row.figures, strict=True))
    ]
    table = text_table(header, rows, "llrrrrrrrr")
    legend = (
        f"vs {first}: wall time over {first}'s for the same strategy (below 1.00× is faster); "
        "speedup: over each experiment's own baseline."
    )
    notes = "\n".join(comparison.notes)
    return "\n".join([*heading, "", table, "", legend, *([notes] if notes else [])])


def compare_command(args: argparse.Namespace) -> int:
    from workbench.core.history import History, HistoryError
    from workbench.core.history.compare import compare, comparison_to_dict
    from workbench.core.history.experiments import load_experiment

    if len(args.experiments) < 2:
        raise UsageError("compare needs at least two experiments (history ids or results files)")
    history = History()
    try:
        experiments = [load_experiment(reference, history) for reference in args.experiments]
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    comparison = compare(experiments)
    if args.json:
        print(json.dumps(comparison_to_dict(comparison), indent=2))
    else:
        print(comparison_text(comparison))
    return EXIT_OK
