"""The values of a results file, each checked before it becomes part of a Results.

The JSON Schema says what *form* a file has; it cannot say that a time is finite (Python's
``json`` reads ``Infinity`` and ``1e308``), that a task ends after it starts, that an id fits
the arrays the window draws from, or that a CPU sample has one figure per CPU of the machine
that recorded it. A file that broke any of these used to load and fail later, deep in a view.

These are small pure functions, one per kind of value, so that any decoder of a results file
(the JSON reader, or another on-disk layout) refuses the same values with the same words. Each
raises :class:`BadValue` saying what is wrong; :func:`field` adds which field, and the reader
adds where in the file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from workbench.core.clock import to_ns
from workbench.core.schemas import location

MAX_SECONDS = 10_000_000.0
"""The longest time a file may hold (about 116 days): far beyond any run, and small enough
that every time fits an int64 of nanoseconds with room to add and subtract."""
MAX_ID = 2**63 - 1
"""The largest whole number a file may hold where the window keeps it in an int64 array."""
MAX_CPUS = 65_536
"""The most logical CPUs a machine in a file may have (the window draws a lane per CPU)."""

T = TypeVar("T")
Path = tuple[str | int, ...]


class BadValue(ValueError):
    """One value of a results file that is not what the format allows.

    ``path`` is where the value sits below the record being checked (empty: the record
    itself); the reader puts the record's own place in the file in front of it.
    """

    def __init__(self, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def placed(place: Sequence[Any], exc: Exception) -> str:
    """``runs[0].tasks[8].end_s: …``: where the problem is, then what it is."""
    if isinstance(exc, BadValue):
        return f"{location([*place, *exc.path])}: {exc.message}"
    return f"{location(list(place))}: {detail(exc)}"


def detail(exc: Exception) -> str:
    """What went wrong in a record, without its place."""
    return f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)


def shown(value: Any) -> str:
    """A value as a message quotes it: short, whatever the file held."""
    text = repr(value) if isinstance(value, str) else _plain(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _plain(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def record(value: Any) -> Mapping[str, Any]:
    """An object of the file (a JSON object)."""
    if not isinstance(value, dict):
        raise BadValue(f"expected an object, got {shown(value)}")
    return value


def items(value: Any) -> Sequence[Any]:
    """A list of the file."""
    if not isinstance(value, list):
        raise BadValue(f"expected a list, got {shown(value)}")
    return value


def field(data: Any, name: str, check: Callable[[Any], T]) -> T:
    """``data[name]`` checked by ``check``; a problem names the field."""
    found = record(data)
    if name not in found:
        raise BadValue(f"missing field {name!r}")
    return at(name, check, found[name])


def optional(data: Any, name: str, check: Callable[[Any], T], default: T) -> T:
    """``data[name]`` checked by ``check``; ``default`` when absent or null."""
    found = record(data)
    value = found.get(name)
    return default if value is None else at(name, check, value)


def at(place: str | int, check: Callable[[Any], T], value: Any) -> T:
    """``check(value)``, a problem placed at ``place`` (a field's name or an item's index)."""
    try:
        return check(value)
    except BadValue as exc:
        raise BadValue(exc.message, (place, *exc.path)) from None


def each(check: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    """A check of a list whose every item is checked by ``check``; a problem names the item."""

    def check_all(value: Any) -> tuple[T, ...]:
        return tuple(at(index, check, item) for index, item in enumerate(items(value)))

    return check_all


def number(value: Any, low: float = -math.inf, high: float = math.inf) -> float:
    """A finite number from ``low`` to ``high`` (never true/false, text, NaN or Infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"expected a number, got {shown(value)}")
    if not math.isfinite(value):
        raise BadValue(f"expected a finite number, got {shown(value)}")
    if value < low:
        raise BadValue(f"must be at least {low:g}, got {shown(value)}")
    if value > high:
        raise BadValue(f"must be at most {high:g}, got {shown(value)}")
    return float(value)


def whole(value: Any, low: int = 0, high: int = MAX_ID) -> int:
    """A whole number from ``low`` to ``high`` (1.0 counts; 1.5 and "1" do not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"expected a whole number, got {shown(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise BadValue(f"expected a whole number, got {shown(value)}")
    if value < low:
        raise BadValue(f"must be at least {low:,}, got {shown(value)}")
    if value > high:
        raise BadValue(f"must be at most {high:,}, got {shown(value)}")
    return int(value)


def count(value: Any) -> int:
    """A whole number of things (bytes, samples): not negative, fits an int64."""
    return whole(value)


def seconds(value: Any) -> int:
    """A time relative to the run's start (or a duration) in nanoseconds: not negative."""
    return to_ns(number(value, 0.0, MAX_SECONDS))


def offset(value: Any) -> int:
    """A signed difference of clocks in nanoseconds (a Dask worker's clock offset)."""
    return to_ns(number(value, -MAX_SECONDS, MAX_SECONDS))


def percent(value: Any) -> float:
    """A CPU's busy share in percent, 0-100."""
    return number(value, 0.0, 100.0)


def text(value: Any) -> str:
    """Text, of any length: the file keeps it whole; the window shows long text elided."""
    if not isinstance(value, str):
        raise BadValue(f"expected text, got {shown(value)}")
    if not value.isascii():  # JSON's escapes can spell half a surrogate pair: not writable
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadValue(f"{shown(value)} is not valid Unicode text") from None
    return value


def optional_text(value: Any) -> str | None:
    return None if value is None else text(value)


def flag(value: Any) -> bool:
    """true or false (never 0/1 or "false")."""
    if not isinstance(value, bool):
        raise BadValue(f"expected true or false, got {shown(value)}")
    return value


def interval(value: Any) -> tuple[int, int]:
    """``[start_s, end_s]`` → nanoseconds, the end not before the start."""
    pair = items(value)
    if len(pair) != 2:
        raise BadValue(f"expected [start, end], got {len(pair)} items")
    return span(at(0, seconds, pair[0]), at(1, seconds, pair[1]))


def span(start_ns: int, end_ns: int) -> tuple[int, int]:
    """A start and an end, the end not before the start."""
    if end_ns < start_ns:
        raise BadValue(f"ends before it starts ({start_ns / 1e9:g} s → {end_ns / 1e9:g} s)")
    return start_ns, end_ns


def per_core(value: Any, cpus: int) -> tuple[float, ...]:
    """One busy percentage per logical CPU of the machine that recorded the file."""
    figures = items(value)
    if len(figures) != cpus:
        raise BadValue(f"has {len(figures)} figures, the machine has {cpus} logical CPUs")
    return tuple(at(index, percent, p) for index, p in enumerate(figures))


def core(value: Any, cpus: int) -> int:
    """The logical CPU a task ran on: 0 to ``cpus - 1``, or -1 when not known."""
    return whole(value, -1, cpus - 1)
