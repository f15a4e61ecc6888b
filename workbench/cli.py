"""The command line: a thin client of the same engine the window uses.

Bad input is reported in one line with exit code 2, before any work starts; a run that failed
makes the exit code 1; an interrupted experiment (Ctrl-C, SIGTERM) still writes what finished
and exits with 130.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="workbench",
        description="See what sequential code, asyncio, threads and processes do with your "
        "machine. With no command, opens the window.",
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check this install headlessly; exit 0 if it works"
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    commands.add_parser("list", help="list workloads (with parameters) and strategies")
    commands.add_parser("presets", help="list the presets: the articles' claims, one click away")
    commands.add_parser("self-test", help="same as --self-test")
    run = commands.add_parser("run", help="run one workload under several strategies")
    run.add_argument("--workload", "-w", default="sleep", help="workload name (default: sleep)")
    run.add_argument("--tasks", "-n", default="10", help="number of tasks (default: 10)")
    run.add_argument(
        "--strategies",
        "-s",
        default="sequential,async-gather,threads",
        help="comma-separated strategy names (default: sequential,async-gather,threads)",
    )
    run.add_argument(
        "--workers", "-k", default=None, help="pool size / bound (default: logical CPU count)"
    )
    run.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a workload parameter, repeatable (see 'workbench list')",
    )
    run.add_argument("--repeat", "-r", default="1", help="runs per strategy (default: 1)")
    run.add_argument("--out", "-o", type=Path, help="write results JSON here")
    run.add_argument("--csv", type=Path, help="write task spans CSV here")
    run.add_argument("--trace", type=Path, help="write a Chrome trace (Perfetto) here")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.add_argument("--preset", help="run a preset (see 'workbench presets') and judge its claim")
    run.add_argument(
        "--time-scale",
        type=float,
        default=None,
        help="with --preset: multiply its durations by this (default: its own)",
    )
    bench = commands.add_parser("bench", help="measure the measurer: fidelity and overhead")
    bench.add_argument("--out", "-o", type=Path, help="write the figures as JSON here")
    bench.add_argument(
        "--markdown",
        type=Path,
        default=Path("docs/benchmarks.md"),
        help="write the markdown table here (default: docs/benchmarks.md)",
    )
    bench.add_argument(
        "--quick",
        action="store_true",
        help="one repeat of a few cases: checks the machinery, not the figures",
    )
    return parser


def _print_list() -> None:
    from workbench.core.strategies import STRATEGIES
    from workbench.core.workloads import WORKLOADS

    print("Workloads:")
    for workload in WORKLOADS.values():
        print(f"  {workload.name:<8} {workload.summary}")
        for p in workload.params:
            bounds = f"{p.format(p.minimum)}–{p.format(p.maximum)}"
            print(f"      {p.name}={p.format(p.default)} {p.unit} ({bounds}): {p.help}")
    print("\nStrategies:")
    for strategy in STRATEGIES.values():
        print(f"  {strategy.name:<17} {strategy.summary}")


def _print_presets() -> int:
    from workbench.core.presets import PresetError, load_presets

    try:
        presets = load_presets()
    except PresetError as exc:
        raise UsageError(str(exc)) from None
    for preset in presets.values():
        print(f"{preset.name:<18} {preset.title}")
        print(f"{'':<18} claim: {preset.claim}")
    return EXIT_OK


def _run_preset(args: argparse.Namespace) -> int:
    from workbench.console import ProgressBar, comparison_table, verdict_report
    from workbench.core.exports import save
    from workbench.core.observer import Observer
    from workbench.core.params import ConfigError
    from workbench.core.presets import PresetError, check_time_scale, preset_named, run_preset

    try:
        preset = preset_named(args.preset)
        if args.time_scale is not None:
            check_time_scale(args.time_scale)
    except (PresetError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    _check_writable(args.out, "--out")
    observer = Observer() if args.quiet else ProgressBar(sys.stderr)

    async def experiment() -> object:
        stop = asyncio.Event()
        _install_stop_handlers(asyncio.get_running_loop(), stop.set)
        return await run_preset(preset, observer, time_scale=args.time_scale, stop=stop)

    verdict = asyncio.run(experiment())
    if verdict is None:
        print("workbench: interrupted; the preset's verdict needs every run", file=sys.stderr)
        return EXIT_INTERRUPTED
    for index, results in enumerate(verdict.results):  # type: ignore[attr-defined]
        print(comparison_table(results), end="\n\n")
        if args.out:
            many = len(verdict.results) > 1  # type: ignore[attr-defined]
            target = args.out.with_stem(f"{args.out.stem}-{index + 1}") if many else args.out
            save(results, target)
    print(verdict_report(verdict))  # type: ignore[arg-type]
    return EXIT_OK


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes KEY=VALUE, got {pair!r}")
        params[key.strip()] = value.strip()
    return params


def _check_writable(path: Path | None, flag: str) -> None:
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, expected a file path")
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {path}: not writable")


def _write_outputs(results: object, args: argparse.Namespace) -> None:
    from workbench.core.exports import save, to_chrome_trace, to_csv
    from workbench.core.results import Results

    assert isinstance(results, Results)
    if args.out:
        save(results, args.out)
    if args.csv:
        args.csv.write_text(to_csv(results), encoding="utf-8")
    if args.trace:
        args.trace.write_text(to_chrome_trace(results), encoding="utf-8")


def _install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop)


def _run(args: argparse.Namespace) -> int:
    from workbench.console import ProgressBar, comparison_table, readings
    from workbench.core.config import build_config
    from workbench.core.engine import run_experiment
    from workbench.core.observer import Observer
    from workbench.core.params import ConfigError

    try:
        config = build_config(
            args.workload,
            args.strategies.split(","),
            args.tasks,
            args.workers,
            _parse_params(args.param),
            args.repeat,
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for path, flag in ((args.out, "--out"), (args.csv, "--csv"), (args.trace, "--trace")):
        _check_writable(path, flag)

    observer = Observer() if args.quiet else ProgressBar(sys.stderr)

    async def experiment() -> object:
        stop = asyncio.Event()
        _install_stop_handlers(asyncio.get_running_loop(), stop.set)
        return await run_experiment(config, observer, stop=stop)

    results = asyncio.run(experiment())
    _write_outputs(results, args)
    print(comparison_table(results))  # type: ignore[arg-type]
    if results.runs:  # type: ignore[attr-defined]
        print()
        print(readings(results))  # type: ignore[arg-type]
    if results.interrupted:  # type: ignore[attr-defined]
        print(
            f"workbench: interrupted; {len(results.runs)} finished run(s) kept",  # type: ignore[attr-defined]
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return EXIT_OK if results.ok else EXIT_FAILED  # type: ignore[attr-defined]


def main(argv: Sequence[str]) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.self_test or args.command == "self-test":
            from workbench.selftest import run_self_test

            return run_self_test()
        if args.command == "list":
            _print_list()
            return EXIT_OK
        if args.command == "presets":
            return _print_presets()
        if args.command == "run" and args.preset:
            return _run_preset(args)
        if args.command == "run":
            return _run(args)
        if args.command == "bench":
            _check_writable(args.out, "--out")
            _check_writable(args.markdown, "--markdown")
            from workbench.bench.runner import main as bench_main

            return bench_main(args.out, args.markdown, quick=args.quick)
    except UsageError as exc:
        print(f"workbench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from workbench.gui.app import main as open_window  # Qt loads only when a window is asked for

    return open_window()
