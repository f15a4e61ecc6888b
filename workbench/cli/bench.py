"""``workbench bench``: measure the measurer (fidelity, overhead, responsiveness)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import EXIT_FAILED, Subcommands, UsageError, check_writable


def register(commands: Subcommands) -> None:
    bench = commands.add_parser("bench", help="measure the measurer: fidelity and overhead")
    bench.add_argument("--out", "-o", type=Path, help="write the figures as JSON here")
    bench.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="also write the markdown report here (e.g. docs/benchmarks.md in a checkout); "
        "by default it is only printed",
    )
    bench.add_argument(
        "--quick",
        action="store_true",
        help="one repeat of a few cases: checks the machinery, not the figures",
    )
    bench.add_argument(
        "--million",
        action="store_true",
        help="also run 1,000,000 gathered tasks: engine and window memory, the results file "
        "(a few minutes, a few GB of memory)",
    )
    bench.add_argument(
        "--overhead-up-to",
        type=int,
        default=None,
        metavar="TASKS",
        help="the per-task overhead curve's largest N (default 300000; 1000000 adds the "
        "million-task point, 5-10 more minutes on 2 cores)",
    )
    bench.set_defaults(handler=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    check_writable(args.out, "--out")
    check_writable(args.markdown, "--markdown")
    from workbench.bench.overhead import DEFAULT_LARGEST, SIZES

    largest = DEFAULT_LARGEST if args.overhead_up_to is None else args.overhead_up_to
    if largest < SIZES[0]:
        raise UsageError(f"--overhead-up-to must be at least {SIZES[0]:,} tasks, not {largest}")
    from workbench.bench.reference import BenchError
    from workbench.bench.runner import main as bench_main
    from workbench.core.httpserver_client import ServerError

    try:
        return bench_main(
            args.out,
            args.markdown,
            quick=args.quick,
            million=args.million,
            overhead_up_to=largest,
        )
    except (BenchError, ServerError) as exc:  # a part that cannot be measured here: one line
        print(f"workbench bench: {exc}", file=sys.stderr)
        return EXIT_FAILED
