"""What the CLI prints: a live progress bar on stderr and the comparison table on stdout.

Both are drawn by ``rich``. On a terminal the bar redraws in place and the table fits the
terminal's width; anywhere else (a pipe, a CI log) both are plain text — no escape codes, no
redraws: one line per finished run, and the table as wide as its cells. The bar is redrawn
from the engine's own events, at most ten times a second, rather than by rich's refresh thread:
this process is the one watching the measured run, and it should cost as little as it can.
The table's rows and cell texts are :mod:`workbench.core.comparison`'s, the window's own.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from workbench.core.clock import to_seconds
from workbench.core.comparison import COLUMNS, comparison_rows, table_cells
from workbench.core.observer import Observer
from workbench.core.presets import PresetVerdict
from workbench.core.results import Config, Results, Run
from workbench.core.timeline import END_EVENT, TaskEvent

_REDRAW_S = 0.1
_UNBOUNDED = 10_000
READING_WIDTH = 96
"""Readings and explanations wrap here, or at the terminal's width if it is narrower."""

# A dashed line under the header and nothing else: plain ASCII, so any console encodes it.
_HEADER_RULE = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def terminal_width(stream: TextIO) -> int | None:
    """The terminal's width in columns when ``stream`` is one, else None (a pipe, a file)."""
    return shutil.get_terminal_size().columns if _is_terminal(stream) else None


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar(Observer):
    """Tasks done / total for the current run, live on a terminal; a line per finished run."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._live = _is_terminal(stream)
        # Decided here, not by rich from the environment: FORCE_COLOR in a CI job must not
        # turn its log into redraws.
        self._console = Console(file=stream, force_terminal=self._live, highlight=False)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._total_runs = 0
        self._run_number = 0
        self._tasks = 0
        self._done = 0
        self._label = ""
        self._last_draw = 0.0
        self._several = False

    def experiment_started(self, config: Config) -> None:
        self._total_runs = config.total_runs
        self._run_number = 0
        self._tasks = config.tasks
        self._several = len(config.interpreters) > 1

    def run_started(self, strategy: str, repeat_index: int, interpreter: str = "") -> None:
        self._run_number += 1
        self._done = 0
        on = f" on {interpreter}" if self._several and interpreter else ""
        self._label = f"[{self._run_number}/{self._total_runs}] {strategy}{on}"
        if not self._live:
            return
        self.close()
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("tasks"),
            TimeElapsedColumn(),
            console=self._console,
            auto_refresh=False,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task(self._label, total=self._tasks)
        self._progress.start()
        self._last_draw = time.monotonic()

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        self._done += sum(event.kind == END_EVENT for event in events)
        now = time.monotonic()
        if self._progress is None or self._task is None or now - self._last_draw < _REDRAW_S:
            return
        self._last_draw = now
        self._progress.update(self._task, completed=self._done)
        self._progress.refresh()

    def run_finished(self, run: Run) -> None:
        self.close()
        outcome = f"{to_seconds(run.wall_ns):.3f} s" if run.ok else f"FAILED: {run.error}"
        failed = f", {run.failed_tasks} task(s) failed" if run.failed_tasks else ""
        line = f"{self._label}: {len(run.tasks)}/{self._tasks} tasks, {outcome}{failed}"
        if self._live:
            self._console.print(line, markup=False, soft_wrap=True)
        else:
            self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        """Take the live bar off the terminal (and give the cursor back)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._task = None


@contextmanager
def progress(stream: TextIO = sys.stderr, *, quiet: bool = False) -> Iterator[Observer]:
    """The CLI's observer for one command: a :class:`ProgressBar` (or nothing when ``quiet``),
    closed however the command ends — Ctrl-C included."""
    if quiet:
        yield Observer()
        return
    bar = ProgressBar(stream)
    try:
        yield bar
    finally:
        bar.close()


def title_line(results: Results) -> str:
    c, m = results.config, results.machine
    params = ", ".join(f"{k}={v:g}" for k, v in c.params.items())
    what = c.code.title() if c.code is not None else f"{c.workload} ({params})"
    python = ", ".join(i.label for i in c.interpreters) or m.python
    return (
        f"{what}, {c.tasks} tasks, {c.workers} workers, "
        f"repeat {c.repeat} — {m.logical_cpus} CPUs, Python {python}"
    )


_GAP = 2
"""Columns apart: one space of padding and the (blank) divider."""


@dataclass(frozen=True)
class _Column:
    index: int
    narrowest: int
    """The longest word in the column (header included): narrower would cut a figure."""
    widest: int
    """The longest cell: this wide, nothing wraps."""


def _measure(rows: Sequence[Sequence[str]]) -> list[_Column]:
    measured = []
    for index, header in enumerate(COLUMNS):
        cells = [header, *(cells[index] for cells in rows)]
        words = [cell_len(word) for cell in cells for word in cell.split()]
        measured.append(_Column(index, max(words, default=1), max(map(cell_len, cells))))
    return measured


def _span(columns: Sequence[_Column], widths: Sequence[int]) -> int:
    return sum(widths) + _GAP * (len(columns) - 1)


def _groups(columns: Sequence[_Column], width: int) -> list[list[_Column]]:
    """Columns in as few tables as fit ``width`` unwrapped, each led by the strategy's (one
    table when it fits); a column too wide even alone beside it wraps (see :func:`_widths`)."""
    lead, rest = columns[0], columns[1:]
    groups: list[list[_Column]] = [[lead]]
    for column in rest:
        trial = [*groups[-1], column]
        if len(groups[-1]) > 1 and _span(trial, [c.widest for c in trial]) > width:
            groups.append([lead])
        groups[-1].append(column)
    return groups


def _widths(columns: Sequence[_Column], width: int) -> list[int] | None:
    """Each column's width: its narrowest, plus a share of the room left in proportion to what
    wrapping costs it; None when everything fits unwrapped. Rich's own fitting narrows the
    widest columns first, down to cutting figures ("148…"), so it is not left to decide."""
    if _span(columns, [c.widest for c in columns]) <= width:
        return None
    room = max(0, width - _span(columns, [c.narrowest for c in columns]))
    wants = [c.widest - c.narrowest for c in columns]
    shares = [room * want // max(1, sum(wants)) for want in wants]
    return [c.narrowest + share for c, share in zip(columns, shares, strict=True)]


def _table(columns: Sequence[_Column], rows: Sequence[Sequence[str]], width: int | None) -> Table:
    widths = None if width is None else _widths(columns, width)
    table = Table(box=_HEADER_RULE, show_edge=False, pad_edge=False, collapse_padding=True)
    for number, column in enumerate(columns):
        table.add_column(
            COLUMNS[column.index],
            justify="left" if column.index == 0 else "right",
            width=None if widths is None else widths[number],
            overflow="fold",
        )
    for cells in rows:
        table.add_row(*(cells[column.index] for column in columns))
    return table


def comparison_table(results: Results, width: int | None = None) -> str:
    """A title line, then the window's comparison table: the same rows, the same text.

    ``width`` is the terminal's: a table wider than that is split in two (or more), each led
    by the strategy column, and cells wrap only where a column cannot fit otherwise — a figure
    is never cut. None lays it out as wide as its cells, as a log or a pipe wants it.
    """
    rows = [table_cells(row) for row in comparison_rows(results)]
    columns = _measure(rows)
    groups = [columns] if width is None else _groups(columns, width)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or _UNBOUNDED,
        force_terminal=False,
        color_system=None,
        highlight=False,
    )
    for number, group in enumerate(groups):
        if number:
            console.print()
        console.print(_table(group, rows, width))
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join([title_line(results), *lines])


_UNIT_AFTER_FIGURE = re.compile(r"(?<=\d) (?=(%|×|s|ms|µs|MB|GB|KB|cores?)\b)")
"""A space between a figure and its unit: a line is never broken there ("98 / %")."""


def _fill(text: str, width: int, **indents: str) -> str:
    """textwrap.fill that keeps each figure on the same line as its unit."""
    glued = _UNIT_AFTER_FIGURE.sub("\u00a0", text)
    return textwrap.fill(glued, width=width, **indents).replace("\u00a0", " ")


def readings(results: Results, width: int | None = None) -> str:
    """The plain-language reading of each strategy, as the window shows them."""
    from workbench.core.explain import explain

    wrap = min(width or READING_WIDTH, READING_WIDTH)
    return "\n".join(_fill(r.text, wrap, subsequent_indent="    ") for r in explain(results))


def verdict_report(verdict: PresetVerdict, width: int | None = None, rerun: str = "") -> str:
    """Claim / Measured / Verdict, as plain text: each rule's line marked ✔ ✘ ~ ?, then the
    paragraph that explains this verdict and, when a rerun could decide it, how to rerun."""
    preset = verdict.preset
    scale = "" if verdict.time_scale == 1 else f" (time scale ×{verdict.time_scale:g})"
    wrap = min(width or READING_WIDTH, READING_WIDTH)
    lines = [
        f"{preset.title}{scale} — {preset.purpose.described}",
        f"Claim:    {preset.claim}",
        f"          — {preset.source}",
        "Measured:",
        *(
            _fill(line, wrap, initial_indent="  ", subsequent_indent="      ")
            for line in verdict.lines
        ),
        f"Verdict:  {verdict.verdict.mark} {verdict.verdict.value.upper()}",
        "",
        _fill(verdict.why, wrap - 4),
    ]
    if verdict.rerun_advised and rerun:
        lines += ["", f"Rerun:    {rerun}"]
    return "\n".join(lines)


def recommendation(results: Results) -> str:
    """The engineer's one line for an experiment ("" when there is nothing to choose)."""
    from workbench.core.recommend import recommend

    advice = recommend(results)
    return "" if advice is None else f"→ {advice.text}"


def experiment_report(results: Results, width: int | None = None) -> str:
    """What `workbench run` prints for one experiment — its table, readings and the
    recommendation — and what `workbench history show` prints again, the same way."""
    parts = [comparison_table(results, width)]
    if results.runs:
        parts.append(readings(results, width))
        advice = recommendation(results)
        if advice:
            parts.append(advice)
    return "\n\n".join(parts)
