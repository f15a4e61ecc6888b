"""What the user's code printed, after the table: one line per run by default, all on request.

Why not all of it by default: the table is what the command is for, and a class's ``print`` in
10,000 tasks would bury it. Why not nothing: someone who prints a result to check it would
think it lost, and the order of the lines is itself a lesson (three gathered ``count()``\\ s
print ``One One One Two Two Two``; awaited in turn, ``One Two One Two …``). So each run that
printed gets one line — how many lines, and as many of them as fit — and ``--show-output``
prints every run's output whole (as far as it was kept: see
:mod:`workbench.core.output_capture`). The results file keeps it either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.output_capture import truncation_note
from workbench.core.results import Results, Run

SEPARATOR = " | "
BRIEF_WIDTH = 96


def _label(run: Run, repeats: int) -> str:
    return f"{run.strategy} #{run.repeat_index + 1}" if repeats > 1 else run.strategy


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _count(lines: Sequence[str]) -> str:
    return "1 line" if len(lines) == 1 else f"{len(lines):,} lines"


def _note(run: Run) -> str:
    kept = len(run.output.encode("utf-8", errors="replace"))
    return truncation_note(run.output_bytes, kept) if run.output_truncated else ""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def brief_output(results: Results, width: int | None = None) -> str:
    """One line per run that printed something; empty if none did."""
    printed = [run for run in results.runs if run.output_bytes]
    if not printed:
        return ""
    width = min(width or BRIEF_WIDTH, BRIEF_WIDTH)
    labels = [_label(run, results.config.repeat) for run in printed]
    pad = max(map(len, labels))
    out = ["What the code printed (--show-output prints all of it):"]
    for label, run in zip(labels, printed, strict=True):
        lines = _lines(run.output)
        note = _note(run)
        head = f"  {label:<{pad}}  {_count(lines)}" + (f", {note}" if note else "") + ": "
        out.append(_fit(head + SEPARATOR.join(line.strip() for line in lines), width))
    return "\n".join(out)


def full_output(results: Results) -> str:
    """Every run's output whole (as far as it was kept), each under a heading."""
    blocks = []
    for run in results.runs:
        if not run.output_bytes:
            continue
        note = _note(run)
        heading = f"--- {_label(run, results.config.repeat)}: {_count(_lines(run.output))}"
        blocks.append(f"{heading}{f' ({note})' if note else ''} ---\n{run.output.rstrip()}")
    return "\n".join(blocks)
