"""Plain aligned text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """``align`` has one letter per column: ``l`` for names, ``r`` for figures."""
    table = [tuple(header), *(tuple(row) for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if how == "r" else cell.ljust(w)
            for cell, w, how in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
