"""The files ``workbench run`` writes (``--out``, ``--csv``, ``--trace``): checked before the
run, written after it, and a write that fails never costs the results.

Before the run each path is really tried (see :func:`~workbench.cli.common.check_writable`),
two options naming one file are refused, and ``-`` means standard output (the table then goes
to standard error, so that the data can be piped). After the run a write can still fail (a
full disk): the table is printed anyway, the results are kept in the history — or, when the
history is off or cannot be written, in a file in the user's data folder — and one line says
where; the exit code is then :data:`~workbench.cli.common.EXIT_NOT_WRITTEN`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import STDOUT, UsageError, check_writable

if TYPE_CHECKING:
    from workbench.core.results import Results

UNSAVED_FOLDER = "unsaved"
"""In the user's data folder: results whose file could not be written and that the history
did not keep either."""


@dataclass(frozen=True)
class Output:
    """One file to write from the results: the option that named it, where, and how."""

    flag: str
    path: Path
    render: Callable[[Results], str | bytes]

    @property
    def to_stdout(self) -> bool:
        return str(self.path) == STDOUT

    def numbered(self, number: int) -> Output:
        """The file for a preset's ``number``-th experiment (``r.json`` → ``r-2.json``)."""
        path = self.path.with_stem(f"{self.path.stem}-{number}")
        return Output(self.flag, path, self.render)


@dataclass(frozen=True)
class WriteFailure:
    flag: str
    path: Path
    reason: str


def run_outputs(out: Path | None, csv: Path | None, trace: Path | None) -> list[Output]:
    """The outputs asked for, in the order they are written."""
    from workbench.core.exports import to_chrome_trace, to_csv
    from workbench.core.exports.json_io import results_file

    asked = (
        ("--out", out, lambda results: results_file(results, out or "")),
        ("--csv", csv, to_csv),
        ("--trace", trace, to_chrome_trace),
    )
    return [Output(flag, path, render) for flag, path, render in asked if path is not None]


def check_outputs(
    outputs: Sequence[Output], inputs: Sequence[tuple[str, str | os.PathLike[str]]] = ()
) -> None:
    """Refuse, before any work, outputs that could not all be written: one that cannot, two
    that are the same file (the second would silently replace the first), or one that is
    among ``inputs`` — ``(what, path)``: the code being run, the preset file."""
    read = {_key(path): what for what, path in inputs}
    seen: dict[str, Output] = {}
    for output in outputs:
        key = STDOUT if output.to_stdout else _key(output.path)
        if key in read:
            raise UsageError(
                f"{output.flag} {output.path} is {read[key]}: writing there would replace it"
            )
        if key in seen:
            first = seen[key]
            same = "both take standard output" if output.to_stdout else "are the same file"
            raise UsageError(
                f"{first.flag} {first.path} and {output.flag} {output.path} {same}: "
                "give each a file of its own"
            )
        seen[key] = output
        check_writable(output.path, output.flag, stdout_ok=True)


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(path))


def preset_outputs(
    out: Path | None,
    csv: Path | None,
    trace: Path | None,
    experiments: int,
    inputs: Sequence[tuple[str, str | os.PathLike[str]]] = (),
) -> list[Output]:
    """The preset's output files, checked: one per experiment (``r-1.json``, ``r-2.json``)
    when it runs several, so standard output can take only a one-experiment preset's."""
    outputs = run_outputs(out, csv, trace)
    check_outputs(outputs, inputs)
    if experiments > 1:
        if any(output.to_stdout for output in outputs):
            raise UsageError(
                f"this preset runs {experiments} experiments, each written to a file of its own "
                "(name-1, name-2 …): give a file name, not -"
            )
        numbered = [output.numbered(n + 1) for output in outputs for n in range(experiments)]
        check_outputs(numbered, inputs)
    return outputs


def report_to(outputs: Sequence[Output]) -> contextlib.AbstractContextManager[object]:
    """Where the table goes: standard error when an output takes standard output."""
    if any(output.to_stdout for output in outputs):
        return contextlib.redirect_stdout(sys.stderr)
    return contextlib.nullcontext()


def write_outputs(results: Results, outputs: Sequence[Output]) -> list[WriteFailure]:
    """Write each output (atomically); those that failed, with why."""
    from workbench.core.atomic import write_atomically

    failures = []
    for output in outputs:
        data = output.render(results)
        if output.to_stdout:
            _to_stdout(data)
            continue
        try:
            write_atomically(output.path, data)
        except OSError as exc:
            failures.append(WriteFailure(output.flag, output.path, exc.strerror or str(exc)))
    return failures


def _to_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(data if data.endswith("\n") else f"{data}\n")
    sys.stdout.flush()


def unwritten_message(
    failures: Sequence[WriteFailure], kept: Sequence[int], results: Sequence[Results]
) -> str:
    """One line: what could not be written and where the results are instead.

    ``kept`` are the history entries that hold them; with none, they are saved in the data
    folder now."""
    what = ", ".join(f"{f.flag} {f.path} ({f.reason})" for f in failures)
    if kept:
        ids = ", ".join(str(entry) for entry in kept)
        plural = "entries" if len(kept) > 1 else "entry"
        where = (
            f"the results are kept as history {plural} {ids} "
            f"('workbench history export {kept[0]} FILE' writes them)"
        )
    else:
        where = _save_elsewhere(results)
    return f"workbench: could not write {what}; {where}"


def _save_elsewhere(results: Sequence[Results]) -> str:
    from workbench.core.datadir import data_dir
    from workbench.core.exports import save

    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        folder = data_dir() / UNSAVED_FOLDER
        folder.mkdir(exist_ok=True)
        saved = []
        for number, one in enumerate(results, start=1):
            suffix = f"-{number}" if len(results) > 1 else ""
            path = folder / f"results-{stamp}-{os.getpid()}{suffix}.json"
            save(one, path)
            saved.append(str(path))
    except OSError as exc:
        return f"nor could the results be kept anywhere else ({exc.strerror or exc})"
    return f"the results are saved in {', '.join(saved)}"
