"""Declared workload parameters: the single source for CLI flags, GUI forms and validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(ValueError):
    """Bad input, phrased for the person who typed it (one line, names what is allowed)."""


@dataclass(frozen=True)
class Param:
    """One tunable of a workload, declared once so every front end can build its input from it."""

    name: str
    unit: str
    default: float
    minimum: float
    maximum: float
    help: str
    integer: bool = False

    def parse(self, text: str) -> float:
        """Parse user text into a bounded value, or raise :class:`ConfigError`."""
        try:
            value = int(text) if self.integer else float(text)
        except ValueError:
            kind = "a whole number" if self.integer else "a number"
            raise ConfigError(f"{self.name} must be {kind}, got {text!r}") from None
        return self.check(value)

    def check(self, value: float) -> float:
        """Reject values outside the declared bounds (and NaN/inf) with a plain message."""
        if self.integer and value != int(value):
            raise ConfigError(f"{self.name} must be a whole number, got {value}")
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            raise ConfigError(
                f"{self.name} must be between {self.format(self.minimum)} and "
                f"{self.format(self.maximum)} {self.unit}, got {value}"
            )
        return int(value) if self.integer else float(value)

    def format(self, value: float) -> str:
        return str(int(value)) if self.integer else f"{value:g}"


def resolve_params(
    declared: tuple[Param, ...], given: Mapping[str, float | str]
) -> dict[str, float]:
    """Merge user-given values over the declared defaults, validating each one."""
    by_name = {p.name: p for p in declared}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        allowed = ", ".join(by_name) or "none"
        raise ConfigError(f"unknown parameter {unknown[0]!r}; allowed: {allowed}")
    values: dict[str, float] = {}
    for param in declared:
        raw = given.get(param.name, param.default)
        values[param.name] = param.parse(raw) if isinstance(raw, str) else param.check(raw)
    return values
