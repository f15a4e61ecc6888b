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
    from workbench.core.presets import Preset, PresetVerdict
    from workbench.core.results import Results
    from workbench.core.session import Measurement, Outcome
    from workbench.core.usercode.model import UserCode
    from workbench.core.usercode.preflight import CodeProblem


def register(commands: Subcommands) -> None:
    run = commands.add_parser("run", help="run one workload under several strategies")
    run.add_argument("--workload", "-w", default=None, help="workload name (default: sleep)")
    run.add_argument(
        "--code",
        "-c",
        metavar="PATH.py[:NAME[,NAME]]",
        help="your own code as the workload: a plain function and/or a coroutine function "
        "from a file (default names: task, async_task), or example:NAME (see 'workbench "
        "examples'); --param gives their keyword arguments",
    )
    run.add_argument(
        "--show-output",
        action="store_true",
        help="with --code: print everything the code printed (by default one line per run)",
    )
    run.add_argument("--tasks", "-n", default="10", help="number of tasks (default: 10)")
    run.add_argument(
        "--strategies",
        "-s",
        default=None,
        help="comma-separated strategy names (default: sequential,async-gather,threads; with "
        "--code, those of them its functions can run)",
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
    run.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="the dask strategy on an existing Dask cluster (default: one started per run)",
    )
    run.add_argument(
        "--python",
        metavar="SPEC[,SPEC…]",
        help="run every strategy on each of these Pythons: a path, a name from "
        "'workbench interpreters' (3.13t, 3.11), 'this' or 'free-threaded'; "
        "SPEC:gil=0 or :gil=1 forces a free-threaded build's GIL off or on "
        "(default: the Python the workbench runs on)",
    )
    run.add_argument(
        "--out",
        "-o",
        type=Path,
        help="write the results file here (JSON; compact if it ends in .wbr)",
    )
    run.add_argument("--csv", type=Path, help="write task spans CSV here")
    run.add_argument("--trace", type=Path, help="write a Chrome trace (Perfetto) here")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.add_argument(
        "--no-history",
        action="store_true",
        help="don't keep this experiment in the history (see 'workbench history')",
    )
    run.add_argument(
        "--preset",
        help="run a preset (a name from 'workbench presets', or a preset's .json file) and "
        "judge its claim",
    )
    run.add_argument(
        "--time-scale",
        type=float,
        default=None,
        help="with --preset: multiply its durations by this (default: its own)",
    )
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    if args.code is not None and (args.preset or args.workload):
        other = "--preset" if args.preset else "--workload"
        raise UsageError(f"give --code or {other}, not both")
    if args.time_scale is not None and not args.preset:
        raise UsageError("--time-scale scales a preset's durations: give it with --preset")
    if args.show_output and not (args.code or args.preset):
        raise UsageError("--show-output prints what your code printed: give it with --code")
    try:
        return run_preset(args) if args.preset else run_experiment(args)
    except _Failed as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except _Interrupted:
        print("workbench: interrupted before any run", file=sys.stderr)
        return EXIT_INTERRUPTED


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


class _Interrupted(Exception):
    """Ctrl-C or SIGTERM while the code was being checked: nothing ran."""


def _check_code(code: UserCode) -> None:
    """Load the file and run its ``setup()`` once in a child, before any run: a failure is
    bad input (one line naming file:line, exit 2), not a failed run."""
    from workbench.core.usercode.preflight import CheckStopped, check_code

    async def main() -> CodeProblem | None:
        stop = asyncio.Event()
        install_stop_handlers(asyncio.get_running_loop(), stop.set)
        return await check_code(code, stop=stop)

    try:
        problem = asyncio.run(main())
    except CheckStopped:
        raise _Interrupted from None
    if problem is not None:
        raise UsageError(problem.message)


def _print_output(results: Results, args: argparse.Namespace, width: int | None) -> None:
    from workbench.cli.code_output import brief_output, full_output

    text = full_output(results) if args.show_output else brief_output(results, width)
    if text:
        print()
        print(text)


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
    from workbench.core.presets import PresetError, PresetVerdict, check_time_scale
    from workbench.core.session import RunPreset

    if args.python is not None:
        raise UsageError("--python applies to one experiment; a preset names its own Pythons")
    try:
        preset = _preset(args.preset)
        if args.time_scale is not None:
            check_time_scale(args.time_scale)
        scale = preset.time_scale if args.time_scale is None else args.time_scale
        configs = [experiment.config(scale) for experiment in preset.experiments]
        repeat = None if args.repeat is None else _repeat(args.repeat, MAX_REPEAT)
    except (PresetError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    check_writable(args.out, "--out")
    for config in configs:
        if config.code is not None:
            _check_code(config.code)
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
        _print_output(results, args, width)
        if args.out:
            target = args.out.with_stem(f"{args.out.stem}-{index + 1}") if many else args.out
            save(results, target)
    print(verdict_report(verdict, width, rerun_command(args, verdict)))
    if not args.no_history:
        for results in verdict.results:
            remember(results, preset=preset.name, verdict=verdict.verdict.value, quiet=args.quiet)
    return EXIT_OK


def _preset(reference: str) -> Preset:
    """A preset by name, or from its own file (a teacher's, beside the code it runs)."""
    from workbench.core.presets import PresetError, preset_named, read_preset

    path = Path(reference)
    if path.suffix.lower() != ".json":
        return preset_named(reference)
    if not path.is_file():
        raise PresetError(f"{reference}: no such preset file")
    return read_preset(path, reference)


DEFAULT_STRATEGIES = ("sequential", "async-gather", "threads")


def _strategies(args: argparse.Namespace) -> list[str]:
    """The strategies asked for. By default: sequential, async-gather and threads — for code
    with only one form, the two that compare it best (a file with only a coroutine function is
    not refused for plain-function strategies nobody asked for)."""
    if args.strategies is not None:
        return list(args.strategies.split(","))
    if args.code is None:
        return list(DEFAULT_STRATEGIES)
    from workbench.core.usercode.spec import resolve_code

    code = resolve_code(args.code, ())
    if code.plain is None:
        return ["async-sequential", "async-gather"]
    return ["sequential", "threads"] if code.coroutine is None else list(DEFAULT_STRATEGIES)


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
    from workbench.console import experiment_report, progress, terminal_width
    from workbench.core.atomic import write_atomically
    from workbench.core.cluster.address import check_reachable
    from workbench.core.config import build_config
    from workbench.core.exports import save, to_chrome_trace, to_csv
    from workbench.core.interpreter_launch import chosen
    from workbench.core.params import ConfigError
    from workbench.core.results import Results
    from workbench.core.session import RunExperiment

    try:
        config = build_config(
            args.workload or "sleep",
            _strategies(args),
            args.tasks,
            args.workers,
            parse_params(args.param),
            args.repeat or 1,
            scheduler=args.scheduler,
            interpreters=chosen(args.python) if args.python is not None else (),
            code=args.code,
        )
        if config.scheduler is not None:
            check_reachable(config.scheduler)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for path, flag in ((args.out, "--out"), (args.csv, "--csv"), (args.trace, "--trace")):
        check_writable(path, flag)
    if config.code is not None:
        _check_code(config.code)
    with progress(sys.stderr, quiet=args.quiet) as observer:
        results = _measure(RunExperiment(config), observer)
    assert isinstance(results, Results)
    if args.out:
        save(results, args.out)
    if args.csv:
        write_atomically(args.csv, to_csv(results))
    if args.trace:
        write_atomically(args.trace, to_chrome_trace(results))
    width = terminal_width(sys.stdout)
    print(experiment_report(results, width))
    _print_output(results, args, width)
    if not args.no_history:
        remember(results, quiet=args.quiet)
    if results.interrupted:
        print(f"workbench: interrupted; {len(results.runs)} finished run(s) kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if results.ok else EXIT_FAILED
