"""Small statistics for benchmark figures."""

from __future__ import annotations

import math
import random
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


_T_975 = (
    (1, 12.706),
    (2, 4.303),
    (3, 3.182),
    (4, 2.776),
    (5, 2.571),
    (6, 2.447),
    (7, 2.365),
    (8, 2.306),
    (9, 2.262),
    (10, 2.228),
    (12, 2.179),
    (15, 2.131),
    (20, 2.086),
    (30, 2.042),
    (60, 2.000),
)
"""Student's t, two-sided 95 %, by degrees of freedom (between two rows: the row above, which
is wider, so an interval is never narrower than it should be)."""


def t_975(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("an interval needs at least two values")
    fitting = [t for df, t in _T_975 if df <= degrees_of_freedom]
    return fitting[-1] if degrees_of_freedom <= _T_975[-1][0] else 1.96


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95 % confidence interval."""

    estimate: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def as_dict(self, prefix: str, digits: int = 4) -> dict[str, float]:
        return {
            f"{prefix}": round(self.estimate, digits),
            f"{prefix}_ci_low": round(self.low, digits),
            f"{prefix}_ci_high": round(self.high, digits),
        }


def mean_interval(values: Sequence[float]) -> Interval:
    """The mean of ``values`` with Student's t interval: for paired differences (workbench −
    bare, one pair per repeat), whose noise is roughly normal once the pairs interleave."""
    mean = statistics.fmean(values)
    half = t_975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return Interval(mean, mean - half, mean + half)


def median_ratio_interval(
    numerators: Sequence[float],
    denominators: Sequence[float],
    resamples: int = 2000,
    seed: int = 20,
) -> Interval:
    """median(numerators) ÷ median(denominators), with a percentile bootstrap interval that
    resamples the repeats as pairs (each pair ran back to back, so it shares the machine's
    mood); seeded, so one set of figures always gives one interval."""
    if len(numerators) != len(denominators) or len(numerators) < 2:
        raise ValueError("an interval needs at least two pairs")
    pairs = list(zip(numerators, denominators, strict=True))
    rng = random.Random(seed)
    ratios = []
    for _ in range(resamples):
        sample = rng.choices(pairs, k=len(pairs))
        ratios.append(
            statistics.median(n for n, _ in sample) / statistics.median(d for _, d in sample)
        )
    ratios.sort()
    low = ratios[int(0.025 * (resamples - 1))]
    high = ratios[int(0.975 * (resamples - 1))]
    estimate = statistics.median(numerators) / statistics.median(denominators)
    return Interval(estimate, low, high)
