"""Small statistics for benchmark figures."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def as_dict(self, prefix: str, digits: int = 4) -> dict[str, float]:
        return {
            f"{prefix}_median": round(self.median, digits),
            f"{prefix}_min": round(self.min, digits),
            f"{prefix}_max": round(self.max, digits),
        }
