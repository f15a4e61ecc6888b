"""The wall-time column's min–max range, when a strategy was repeated."""

from __future__ import annotations

import pytest

from workbench.core.comparison import _figures


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (1.04, 1.21, "1.0–1.2"),
        (0.521, 0.618, "0.52–0.62"),
        (0.0612, 0.0637, "0.061–0.064"),
        (0.962, 1.008, "0.96–1.01"),  # across 1 s: read "1.0–1.0" beside a median of 0.975
        (0.0, 0.004, "0.000–0.004"),
    ],
)
def test_a_range_keeps_two_figures_of_its_low_end(low: float, high: float, shown: str) -> None:
    assert _figures(low, high) == shown
