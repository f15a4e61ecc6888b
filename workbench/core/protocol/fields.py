"""Readers for the wire's fields: each checks one field's type, so what reaches the engine is
what the message types say, and a garbled line is a :class:`ProtocolError`, not a crash."""

from __future__ import annotations

from typing import Any

from workbench.core.protocol.messages import Scalar


def read_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def read_ints(value: Any) -> list[int]:
    """A list of integers, checked at C speed: ``sum`` refuses text, lists and null, and a
    single float makes the total a float (~5 µs per 1,000 timestamps; ``array`` takes 35).
    A frame's packed columns arrive here as such lists (see
    :func:`~workbench.core.protocol.frames.unframe`)."""
    if not isinstance(value, list):
        raise TypeError("expected a list of integers")
    try:
        total = sum(value)
    except TypeError:
        total = None
    if type(total) is not int:
        raise TypeError("expected a list of integers")
    return value


def read_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def read_optional_text(value: Any) -> str | None:
    return None if value is None else read_text(value)


def read_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def read_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return value


def read_pairs(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in value
    ):
        raise TypeError("expected a list of pairs")
    return value


def read_optional_int(value: Any) -> int | None:
    return None if value is None else read_int(value)


def read_scalar(value: Any) -> Scalar:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"expected a number, text, true/false or null, got {value!r}")
