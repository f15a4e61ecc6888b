"""``workbench compare A B [C…]``: experiments from the history or from files, side by side."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from workbench.cli.common import EXIT_OK, Subcommands, UsageError
from workbench.cli.text_table import text_table

if TYPE_CHECKING:
    from workbench.core.history.compare import Comparison


def register(commands: Subcommands) -> None:
    compare = commands.add_parser(
        "compare", help="two or more experiments side by side (history ids or results files)"
    )
    compare.add_argument(
        "experiments", nargs="+", metavar="ID_OR_FILE", help="history ids (12 or #12) or files"
    )
    compare.add_argument("--json", action="store_true", help="print a machine-readable form")
    compare.set_defaults(handler=compare_command)


def comparison_text(comparison: Comparison) -> str:
    from workbench.core.history.compare_text import (
        describe,
        figure_cells,
        figure_columns,
        ratio_legend,
    )

    letters = comparison.letters
    first = letters[0]
    heading = [describe(name, e) for name, e in zip(letters, comparison.experiments, strict=True)]
    header = ("strategy", "", *figure_columns(first))
    rows = [
        (row.strategy if index == 0 else "", name, *figure_cells(figures))
        for row in comparison.rows
        for index, (name, figures) in enumerate(zip(letters, row.figures, strict=True))
    ]
    table = text_table(header, rows, "llrrrrrrrr")
    legend = ratio_legend(first)
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
