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
    Subcommands,
    UsageError,
    install_stop_handlers,
    parse_params,
)
from workbench.cli.outputs import (
    WriteFailure,
    check_outputs,
    preset_outputs,
    report_to,
    run_outputs,
    write_outputs,
)
from workbench.cli.run_ending import run_ending

if TYPE_CHECKING:
    from workbench.core.observer import Observer
    from workbench.core.presets import Preset, PresetVerdict
    from workbench.core.results import Config, Results
    from workbench.core.session import Measurement, Outcome
    from workbench.core.usercode.model import UserCode
    from workbench.core.usercode.preflight import CodeProblem

EXIT_CODES = (
    "exit codes: 0 every run finished; 1 a run failed, or every task of a strategy did "
    "(the first reason is printed); 2 bad input, refused before any run; 3 the runs finished "
    "but an output file could not be written (the results are kept in the history, or in the "
    "data folder, and a line says where); 130 interrupted (what finished is kept)"
)
DEFAULT_TASKS = "10"
PRESET_OWN = (
    ("workload", "--workload"),
    ("tasks", "--tasks"),
    ("strategies", "--strategies"),
    ("workers", "--workers"),
    ("param", "--param"),
    ("scheduler", "--scheduler"),
)
"""Options a preset cannot honour: its experiments say these themselves."""


def register(commands: Subcommands) -> None:
    run = commands.add_parser(
        "run", help="run one workload under several strategies", epilog=EXIT_CODES
    )
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
    run.add_argument(
        "--tasks", "-n", default=None, help=f"number of tasks (default: {DEFAULT_TASKS})"
    )
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
        help="write the results file here (JSON; compact if it ends in .wbr; '-': standard output)",
    )
    run.add_argument("--csv", type=Path, help="write task spans CSV here ('-': standard output)")
    run.add_argument(
        "--trace", type=Path, help="write a Chrome trace (Perfetto) here ('-': standard output)"
    )
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
        help="with --preset: multiply its durations by this, between 0.000001 and 10 "
        "(default: its own)",
    )
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    preset = args.preset is not None
    if preset and not args.preset.strip():
        raise UsageError(
            "--preset needs a name, or a preset's .json file (see 'workbench presets')"
        )
    if args.code is not None and (preset or args.workload):
        other = "--preset" if preset else "--workload"
        raise UsageError(f"give --code or {other}, not both")
    if args.time_scale is not None and not preset:
        raise UsageError("--time-scale scales a preset's durations: give it with --preset")
    if args.show_output and not (args.code or preset):
        raise UsageError("--show-output prints what your code printed: give it with --code")
    try:
        return run_preset(args) if preset else run_experiment(args)
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
    from workbench.core.params import ConfigError
    from workbench.core.presets import PresetError, PresetVerdict, check_time_scale
    from workbench.core.session import RunPreset

    if args.python is not None:
        raise UsageError("--python applies to one experiment; a preset names its own Pythons")
    cannot = [flag for name, flag in PRESET_OWN if getattr(args, name) not in (None, [])]
    if cannot:
        raise UsageError(
            f"{', '.join(cannot)} cannot apply to --preset: its experiments set them themselves"
        )
    try:
        preset = _preset(args.preset)
        if args.time_scale is not None:
            check_time_scale(args.time_scale)
        scale = preset.time_scale if args.time_scale is None else args.time_scale
        configs = [experiment.config(scale) for experiment in preset.experiments]
        repeat = None if args.repeat is None else _repeat(args.repeat, MAX_REPEAT)
    except (PresetError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    outputs = preset_outputs(args.out, args.csv, args.trace, len(configs), _inputs(args, configs))
    for config in configs:
        if config.code is not None:
            _check_code(config.code)
    with progress(sys.stderr, quiet=args.quiet) as observer:
        verdict = _measure(RunPreset(preset, scale, repeat), observer)
    if not isinstance(verdict, PresetVerdict):
        print("workbench: interrupted; the preset's verdict needs every run", file=sys.stderr)
        return EXIT_INTERRUPTED
    many, width = len(verdict.results) > 1, terminal_width(sys.stdout)
    failures: list[WriteFailure] = []
    for index, results in enumerate(verdict.results):
        files = [output.numbered(index + 1) for output in outputs] if many else outputs
        failures += write_outputs(results, files)
    with report_to(outputs):
        for results in verdict.results:
            print(comparison_table(results, width))
            advice = recommendation(results)
            print(f"{advice}\n" if advice else "")
            _print_output(results, args, width)
        print(verdict_report(verdict, width, rerun_command(args, verdict)))
    kept: list[int | None] = []
    if not args.no_history:
        for results in verdict.results:
            kept.append(
                remember(
                    results, preset=preset.name, verdict=verdict.verdict.value, quiet=args.quiet
                )
            )
    return run_ending(verdict.results, failures, kept)


def _inputs(args: argparse.Namespace, configs: list[Config]) -> list[tuple[str, str]]:
    """The files the run reads, which no output may replace: the code, the preset file."""
    found = [("the code being run", config.code.path) for config in configs if config.code]
    if args.preset is not None and Path(args.preset).suffix.lower() == ".json":
        found.append(("the preset being run", args.preset))
    return found


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
    from workbench.core.cluster.address import check_reachable
    from workbench.core.config import build_config
    from workbench.core.interpreter_launch import chosen
    from workbench.core.params import ConfigError
    from workbench.core.results import Results
    from workbench.core.session import RunExperiment

    try:
        config = build_config(
            args.workload or "sleep",
            _strategies(args),
            DEFAULT_TASKS if args.tasks is None else args.tasks,
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
    outputs = run_outputs(args.out, args.csv, args.trace)
    check_outputs(outputs, _inputs(args, [config]))
    if config.code is not None:
        _check_code(config.code)
    with progress(sys.stderr, quiet=args.quiet) as observer:
        results = _measure(RunExperiment(config), observer)
    assert isinstance(results, Results)
    failures = write_outputs(results, outputs)
    width = terminal_width(sys.stdout)
    with report_to(outputs):
        print(experiment_report(results, width))
        _print_output(results, args, width)
    kept = [] if args.no_history else [remember(results, quiet=args.quiet)]
    return run_ending([results], failures, kept)
