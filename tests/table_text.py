"""Reading the CLI's comparison table back into cells, to compare it with what the window
shows: each column spans the dashes of the rule under its header."""

from __future__ import annotations

import re


def table_cells(text: str) -> list[list[str]]:
    """Rows of cell texts from one table as the CLI prints it (header, rule, rows)."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("-"))
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    rows = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        cells = []
        for number, (start, end) in enumerate(spans):
            # Left-aligned first column, right-aligned others: a cell ends at its span's end.
            left = start if number == 0 else spans[number - 1][1]
            cells.append(line[left:end].strip())
        rows.append(cells)
    return rows


def tables(text: str) -> list[str]:
    """The tables of a comparison split to fit a narrow terminal (title line dropped)."""
    body = text.split("\n", 1)[1]
    return [part for part in body.split("\n\n") if part.strip()]
