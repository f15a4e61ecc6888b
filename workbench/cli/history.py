"""``workbench history``: every finished experiment, listed, shown again, exported, deleted.

``workbench run`` records into the same history (unless ``--no-history``), through
:func:`remember` below.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    STDOUT,
    Subcommands,
    UsageError,
    check_writable,
)
from workbench.cli.text_table import text_table

if TYPE_CHECKING:  # the core loads only when a history command runs
    from workbench.core.history import HistoryEntry, HistoryError
    from workbench.core.results import Results

DEFAULT_LIMIT = 20


def register(commands: Subcommands) -> None:
    history = commands.add_parser(
        "history", help="list the experiments kept in the history; show, export, delete one"
    )
    history.add_argument("--workload", "-w", help="only this workload")
    history.add_argument("--preset", help="only this preset")
    history.add_argument("--since", help="only from this date on (2026-11-30 or 2026-11-30T14:00)")
    history.add_argument("--until", help="only before this date")
    history.add_argument(
        "--limit", "-n", default=str(DEFAULT_LIMIT), help=f"at most N (default {DEFAULT_LIMIT})"
    )
    history.set_defaults(handler=list_entries)
    actions = history.add_subparsers(dest="action", parser_class=type(history))
    show = actions.add_parser("show", help="the comparison of one experiment, as run prints it")
    show.add_argument("id")
    show.set_defaults(handler=show_entry)
    export = actions.add_parser("export", help="write one experiment's results file")
    export.add_argument("id")
    export.add_argument("file", type=Path, help="where ('-': standard output)")
    export.set_defaults(handler=export_entry)
    delete = actions.add_parser("delete", help="remove one experiment from the history")
    delete.add_argument("id")
    delete.set_defaults(handler=delete_entry)


def remember(
    results: Results, *, preset: str | None = None, verdict: str | None = None, quiet: bool
) -> int | None:
    """Record a finished experiment; a history that cannot be written costs a warning, never
    the run. Interrupted experiments are kept only if at least one run finished."""
    from workbench.core.history import History, HistoryError

    if not results.runs:
        return None
    try:
        entry_id = History().record(results, preset=preset, verdict=verdict)
    except (HistoryError, OSError) as exc:
        print(f"workbench: not kept in the history: {exc}", file=sys.stderr)
        return None
    except KeyboardInterrupt:
        print("workbench: not kept in the history: interrupted", file=sys.stderr)
        return None
    if not quiet:
        print(f"workbench: kept as history entry {entry_id}", file=sys.stderr)
    return entry_id


def _entry_id(text: str) -> int:
    from workbench.core.history.experiments import parse_id

    entry_id = parse_id(text)
    if entry_id is None:
        raise UsageError(f"a history ID is a whole number (see 'workbench history'), got {text!r}")
    return entry_id


def _date(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag} takes a date like 2026-11-30 or 2026-11-30T14:00, got {text!r}"
        ) from None


def _limit(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"--limit must be a whole number of at least 1, got {text!r}")
    return int(text)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _note(entry: HistoryEntry) -> str:
    from workbench.core.history.index import entry_note

    return entry_note(entry)


def entries_table(entries: tuple[HistoryEntry, ...]) -> str:
    from workbench.core.history.index import best_text

    rows = [
        (
            str(e.id),
            _when(e.recorded_at),
            e.workload,
            f"{e.tasks:,}",
            str(len(e.strategies)),
            best_text(e),
            e.preset or "",
            e.verdict or "",
            f"{e.hostname} ({e.logical_cpus} CPUs)",
            ", ".join(e.interpreters),
            _note(e),
        )
        for e in entries
    ]
    header = ("id", "date", "workload", "tasks", "strategies", "best", "preset", "verdict",
              "machine", "python", "note")  # fmt: skip
    return text_table(header, rows, "rllrrllllll")


def _failing(exc: HistoryError) -> int:
    from workbench.core.history import NoSuchEntry

    if isinstance(exc, NoSuchEntry):
        raise UsageError(str(exc)) from None
    print(f"workbench: error: {exc}", file=sys.stderr)
    return EXIT_FAILED


def list_entries(args: argparse.Namespace) -> int:
    from workbench.core.history import History, HistoryError

    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    limit = _limit(args.limit)
    history = History()
    try:
        entries = history.list(
            workload=args.workload, preset=args.preset, since=since, until=until, limit=limit
        )
        total = len(history)
    except HistoryError as exc:
        return _failing(exc)
    if not entries:
        print("No experiments match." if total else "The history is empty: run an experiment.")
        return EXIT_OK
    print(entries_table(entries))
    print(f"\n{len(entries)} of {total} shown; 'workbench history show ID' for one of them.")
    return EXIT_OK


def entry_heading(entry: HistoryEntry) -> str:
    """Where and when an experiment ran, and what a preset concluded from it."""
    lines = [
        f"History entry {entry.id}, {_when(entry.recorded_at)} on {entry.hostname}: "
        f"{entry.logical_cpus} CPUs, {entry.cpu_model}, {entry.os}, {', '.join(entry.interpreters)}"
    ]
    if entry.preset:
        lines.append(f"Preset {entry.preset}: {entry.verdict or 'no verdict'}")
    if note := _note(entry):
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def show_entry(args: argparse.Namespace) -> int:
    from workbench.console import experiment_report
    from workbench.core.history import History, HistoryError

    entry_id = _entry_id(args.id)
    history = History()
    try:
        entry = history.entry(entry_id)
        results = history.get(entry_id)
    except HistoryError as exc:
        return _failing(exc)
    print(entry_heading(entry), end="\n\n")
    print(experiment_report(results))
    return EXIT_OK


def export_entry(args: argparse.Namespace) -> int:
    from workbench.core.history import History, HistoryError

    entry_id = _entry_id(args.id)
    check_writable(args.file, "FILE", stdout_ok=True)
    try:
        if str(args.file) == STDOUT:
            sys.stdout.write(History().results_text(entry_id))
            return EXIT_OK
        History().export(entry_id, args.file)
    except HistoryError as exc:
        return _failing(exc)
    except OSError as exc:
        print(f"workbench: error: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"History entry {entry_id} written to {args.file}")
    return EXIT_OK


def delete_entry(args: argparse.Namespace) -> int:
    from workbench.core.history import History, HistoryError

    entry_id = _entry_id(args.id)
    try:
        History().delete(entry_id)
    except HistoryError as exc:
        return _failing(exc)
    print(f"History entry {entry_id} deleted")
    return EXIT_OK
