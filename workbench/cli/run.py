"""``workbench run``: one workload under several strategies, or a preset and its verdict."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Subcommands,
    UsageError,
    check_writable,
    install_stop_handlers,
    parse_params,
)

if TYPE_CHECKING:
    from workbench.core.observer import Observer
    from workbench.core.presets import PresetVerdict
    from workbench.core.session import Measurement, Outcome


def register(commands: Subcommands) -> None:
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
    run.add_argument(
        "--repeat",
        "-r",
        default=None,
        help="runs per strategy, interleaved (default: 1; with --preset, the preset's own)",
    )
    run.add_argument("--out", "-o", type=Path, help="write results JSON here")
    run.add_argument("--csv", type=Path, help="write task spans CSV here")
    run.add_argument("--trace", type=Path, help="write a Chrome trace (Perfetto) here")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.add_argument(
        "--no-history",
        action="store_true",
        help="don't keep this experiment in the history (see 'workbench history')",
    )
    run.add_argument("--preset", help="run a preset (see 'workbench presets') and judge its claim")
    run.add_argument(
        "--time-scale",
        type=float,
        default=None,
        help="with --preset: multiply its durations by this (default: its own)",
    )
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    try:
        return run_preset(args) if args.preset else run_experiment(args)
    except _Failed as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _measure(measurement: Measurement, observer: Observer) -> Outcome | None:
    """Run ``measurement`` through one session on a fresh loop; Ctrl-C and SIGTERM stop it.

    A measurement that cannot run at all is one line and exit 1 (:class:`_Failed`)."""
    from workbench.core.session import MeasurementFailed, Session

    session = Session(observer)

    async def main() -> Outcome | None:
        install_stop_handlers(asyncio.get_running_loop(), session.stop)
        return await session.run(measurement)

    try:
        return asyncio.run(main())
    except MeasurementFailed as exc:
        raise _Failed(str(exc)) from None


class _Failed(Exception):
    """The measurement could not run (the session already said why in one sentence)."""


def run_preset(args: argparse.Namespace) -> int:
    from workbench.cli.history import remember
    from workbench.console import (
        comparison_table,
        progress,
        recommendation,
        terminal_width,
        verdict_report,
    )
    from workbench.core.config import MAX_REPEAT
    from workbench.core.exports import save
    from workbench.core.params import ConfigError
    from workbench.core.presets import PresetError, PresetVerdict, check_time_scale, preset_named
    from workbench.core.session import RunPreset

    try:
        preset = preset_named(args.preset)
        if args.time_scale is not None:
            check_time_scale(args.time_scale)
        repeat = None if args.repeat is None else _repeat(args.repeat, MAX_REPEAT)
    except (PresetError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    check_writable(args.out, "--out")
    scale = preset.time_scale if args.time_scale is None else args.time_scale
    with progress(sys.stderr, quiet=args.quiet) as observer:
        verdict = _measure(RunPreset(preset, scale, repeat), observer)
    if not isinstance(verdict, PresetVerdict):
        print("workbench: interrupted; the preset's verdict needs every run", file=sys.stderr)
        return EXIT_INTERRUPTED
    many, width = len(verdict.results) > 1, terminal_width(sys.stdout)
    for index, results in enumerate(verdict.results):
        print(comparison_table(results, width))
        advice = recommendation(results)
        print(f"{advice}\n" if advice else "")
        if args.out:
            target = args.out.with_stem(f"{args.out.stem}-{index + 1}") if many else args.out
            save(results, target)
    print(verdict_report(verdict, width, rerun_command(args, verdict)))
    if not args.no_history:
        for results in verdict.results:
            remember(results, preset=preset.name, verdict=verdict.verdict.value, quiet=args.quiet)
    return EXIT_OK


def _repeat(text: str, most: int) -> int:
    from workbench.core.params import ConfigError

    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"repeat must be a whole number, got {text!r}") from None
    if not 1 <= value <= most:
        raise ConfigError(f"repeat must be between 1 and {most}, got {value}")
    return value


def rerun_command(args: argparse.Namespace, verdict: PresetVerdict) -> str:
    """How to run the preset again with more repeats: what an inconclusive verdict offers."""
    scale = "" if args.time_scale is None else f" --time-scale {args.time_scale:g}"
    repeat = verdict.rerun_repeat
    return f"workbench run --preset {verdict.preset.name}{scale} --repeat {repeat}"


def run_experiment(args: argparse.Namespace) -> int:
    from workbench.cli.history import remember
    from workbench.console import (
        comparison_table,
        progress,
        readings,
        recommendation,
        terminal_width,
    )
    from workbench.core.config import build_config
    from workbench.core.exports import save, to_chrome_trace, to_csv
    from workbench.core.params import ConfigError
    from workbench.core.results import Results
    from workbench.core.session import RunExperiment

    try:
        config = build_config(
            args.workload,
            args.strategies.split(","),
            args.tasks,
            args.workers,
            parse_params(args.param),
            args.repeat or 1,
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for path, flag in ((args.out, "--out"), (args.csv, "--csv"), (args.trace, "--trace")):
        check_writable(path, flag)
    with progress(sys.stderr, quiet=args.quiet) as observer:
        results = _measure(RunExperiment(config), observer)
    assert isinstance(results, Results)
    if args.out:
        save(results, args.out)
    if args.csv:
        args.csv.write_text(to_csv(results), encoding="utf-8")
    if args.trace:
        args.trace.write_text(to_chrome_trace(results), encoding="utf-8")
    width = terminal_width(sys.stdout)
    print(comparison_table(results, width))
    if results.runs:
        print()
        print(readings(results, width))
        advice = recommendation(results)
        if advice:
            print(f"\n{advice}")
    if not args.no_history:
        remember(results, quiet=args.quiet)
    if results.interrupted:
        print(f"workbench: interrupted; {len(results.runs)} finished run(s) kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if results.ok else EXIT_FAILED
