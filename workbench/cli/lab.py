"""``workbench class collect`` and ``workbench class submit``: a room's results, headless.

The teacher runs ``collect`` (it listens only until Ctrl-C or SIGTERM); each student runs
``submit ADDRESS CODE FILE`` with what the collector shows. ``submit`` exits 0 only when the
collector accepted the file, and otherwise 2 with the collector's reason in one line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import EXIT_OK, Subcommands, UsageError, install_stop_handlers

if TYPE_CHECKING:
    from workbench.core.lab import ClassEntry, Refusal


def register(commands: Subcommands) -> None:
    lab = commands.add_parser("class", help="collect the class's results on the LAN, or send yours")
    actions = lab.add_subparsers(dest="action", parser_class=type(lab), required=True)
    collect = actions.add_parser("collect", help="collect results until Ctrl-C (headless)")
    collect.add_argument("--port", "-p", default="0", help="TCP port (default 0: any free one)")
    collect.add_argument(
        "--host", default="0.0.0.0", help="listen on this address only (default: every one)"
    )
    collect.add_argument("--join-code", help="the code students type (default: a random one)")
    collect.add_argument("--out", "-o", type=Path, help="also write each accepted file here")
    collect.set_defaults(handler=collect_command)
    submit = actions.add_parser("submit", help="send a results file to the teacher's collector")
    submit.add_argument("address", help="HOST:PORT, as the collector shows it")
    submit.add_argument("code", help="the join code the collector shows")
    submit.add_argument("file", help="a results file (workbench run --out) or a history id")
    submit.add_argument("--timeout", default="10", help="seconds to wait (default 10)")
    submit.set_defaults(handler=submit_command)


def entry_line(entry: ClassEntry) -> str:
    """One accepted submission, as the headless collector prints it."""
    from workbench.core.history.index import speedup_text

    speedups = ", ".join(
        f"{strategy} {speedup_text(speedup)}" for strategy, speedup in entry.speedups
    )
    verdict = f" — {entry.preset}: {entry.verdict}" if entry.verdict else ""
    kept = [f"history #{entry.history_id}"] if entry.history_id is not None else []
    if entry.saved_to is not None:
        kept.append(str(entry.saved_to))
    return (
        f"#{entry.number} {entry.hostname} ({entry.client}): {entry.logical_cpus} CPUs, "
        f"{entry.cpu_model}, {entry.os}, {entry.interpreter} — {entry.workload}, "
        f"{entry.tasks:,} tasks: {speedups}{verdict}" + (f" [{', '.join(kept)}]" if kept else "")
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise UsageError(f"--port must be a whole number from 0 to 65535, got {text!r}")
    return int(text)


def _out_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path}: not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {path}: {exc.strerror or exc}") from None
    return path


def collect_command(args: argparse.Namespace) -> int:
    from workbench.core.history import History
    from workbench.core.lab import Collector, Roster, RosterObserver
    from workbench.core.lab.protocol import normalise_join_code

    port = _port(args.port)
    try:
        code = normalise_join_code(args.join_code) if args.join_code else None
    except ValueError as exc:
        raise UsageError(f"--join-code: {exc}") from None
    roster = Roster(out_dir=_out_dir(args.out), history=History())

    class Printer(RosterObserver):
        def submission_accepted(self, entry: ClassEntry) -> None:
            print(entry_line(entry), flush=True)

        def submission_refused(self, refusal: Refusal) -> None:
            if refusal.status != 429:  # a flood is slowed down, not echoed line by line
                print(f"refused {refusal.client}: {refusal.status} {refusal.reason}",
                      file=sys.stderr, flush=True)  # fmt: skip

        def notice(self, message: str) -> None:
            print(f"workbench: {message}", file=sys.stderr, flush=True)

    roster.add_observer(Printer())

    async def collect() -> int:
        collector = Collector(roster, host=args.host, port=port, join_code=code)
        try:
            await collector.start()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UsageError(f"cannot listen on {args.host}:{port}: {reason}") from None
        stop = asyncio.Event()
        install_stop_handlers(asyncio.get_running_loop(), stop.set)
        print(f"Collecting results. Join code: {collector.join_code}", flush=True)
        urls = collector.urls or [f"http://{args.host}:{collector.port}"]
        for url in urls:
            print(f"  {url}", flush=True)
        address = urls[0].removeprefix("http://")
        print(f"Students: workbench class submit {address} {collector.join_code} results.json")
        print("Ctrl-C stops.", flush=True)
        try:
            await stop.wait()
        finally:
            await collector.stop()
        print(f"Stopped: {len(roster.entries)} file(s) collected.", flush=True)
        return EXIT_OK

    try:
        return asyncio.run(collect())
    except KeyboardInterrupt:  # where the loop cannot take signals over (Windows)
        print(f"Stopped: {len(roster.entries)} file(s) collected.", flush=True)
        return EXIT_OK


def _read_submission(reference: str) -> tuple[str, str | None, str | None]:
    """The file's text (checked here first: a bad file never travels), or a history entry's
    with its preset and verdict."""
    from workbench.core.exports.json_io import ResultsFileError, from_json
    from workbench.core.history import History, HistoryError
    from workbench.core.history.experiments import parse_id

    path = Path(reference)
    if path.is_file() or parse_id(reference) is None:
        try:
            text = path.read_text(encoding="utf-8")
            from_json(text)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise UsageError(f"{reference}: {reason}") from None
        except ResultsFileError as exc:
            raise UsageError(f"{reference}: {exc}") from None
        return text, None, None
    history, entry_id = History(), parse_id(reference)
    assert entry_id is not None
    try:
        entry = history.entry(entry_id)
        return history.results_text(entry_id), entry.preset, entry.verdict
    except HistoryError as exc:
        raise UsageError(str(exc)) from None


def submit_command(args: argparse.Namespace) -> int:
    from workbench.core.lab.client import SubmitError, submit, submit_url

    try:
        submit_url(args.address)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        timeout_s = float(args.timeout)
    except ValueError:
        timeout_s = 0.0
    if not 0 < timeout_s <= 600:
        raise UsageError(f"--timeout takes seconds above 0, at most 600, got {args.timeout!r}")
    text, preset, verdict = _read_submission(args.file)
    try:
        reply = asyncio.run(
            submit(args.address, args.code, text, preset=preset, verdict=verdict,
                   timeout_s=timeout_s)
        )  # fmt: skip
    except SubmitError as exc:
        raise UsageError(str(exc)) from None
    if not reply.accepted:
        raise UsageError(f"the collector refused the file ({reply.status}): {reply.message}")
    print(f"Collector: {reply.message}")
    return EXIT_OK
