"""A table's rows as data: each cell's text, the key it sorts by, and its tooltip (Qt-free).

The history panel and the class view show tables a user sorts by clicking a header. Text
sorts badly ("10" before "2", "—" anywhere), so each cell carries a key of one type per
column — a number or a lower-case string — and the Qt model sorts by the key. Building rows
is pure, so it is tested without a display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SortKey = float | str

MISSING = -math.inf
"""The key of a number that is not known: sorts before every known one."""


@dataclass(frozen=True)
class Column:
    title: str
    tip: str = ""
    numeric: bool = False
    """Right-aligned, sorted by number."""


@dataclass(frozen=True)
class Row:
    id: int
    """What the row stands for (a history id, a class entry's number): selections keep it."""
    cells: tuple[str, ...]
    keys: tuple[SortKey, ...]
    tips: tuple[str, ...] = ()
    """Per cell; empty for none."""
    alert: bool = False
    """Drawn as a warning (failed runs, a refused verdict)."""


def number_key(value: float | None) -> float:
    return MISSING if value is None else float(value)


def text_key(value: str | None) -> str:
    return (value or "").casefold()


def sort_rows(rows: list[Row], column: int, descending: bool = False) -> list[Row]:
    """The rows ordered by one column's keys (ties keep their order)."""
    return sorted(rows, key=lambda row: row.keys[column], reverse=descending)
