"""The pieces every benchmark table is printed with: figures, intervals and the table itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def fmt(value: Any, digits: int = 3) -> str:
    """A figure as the tables print it: a dash for none, yes or a bold no, ``digits`` places."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def percent(share: float | None) -> str:
    """A share of one as a percentage to a tenth (a dash for none)."""
    return "—" if share is None else f"{100 * share:.1f} %"


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table's lines, and the blank line after it."""
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def interval(figures: Mapping[str, Any], prefix: str, digits: int) -> str:
    """``prefix``'s 95 % interval from ``figures`` (``<prefix>_ci_low`` … ``_ci_high``)."""
    low, high = figures.get(f"{prefix}_ci_low"), figures.get(f"{prefix}_ci_high")
    if low is None or high is None:
        return "—"
    return f"{low:.{digits}f} … {high:.{digits}f}"
