"""The wall-time column's min–max range, when a strategy was repeated."""

from __future__ import annotations

import pytest

from workbench.core.comparison import _figures


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (1.04, 1.21, "1.0–1.3"),
        (0.521, 0.618, "0.52–0.62"),
        (0.0612, 0.0637, "0.061–0.064"),
        (0.962, 1.008, "0.96–1.01"),  # across 1 s: read "1.0–1.0" beside a median of 0.975
        (1.054, 1.17, "1.0–1.2"),  # to the nearest: "1.1–1.2" beside a median of 1.074
        (1.2, 1.3, "1.2–1.3"),  # exact ends stay as they are
        (1.001, 1.009, "1.001–1.009"),  # outwards to two figures: "1.0–1.1", ten times as wide
        (1.0001, 1.0002, "1.000–1.001"),  # a figure of the spread, but two decimals more at most
        (0.0, 0.004, "0.000–0.004"),
    ],
)
def test_a_range_keeps_two_figures_of_its_low_end(low: float, high: float, shown: str) -> None:
    assert _figures(low, high) == shown


@pytest.mark.parametrize(
    ("low", "high"),
    [(1.054, 1.17), (0.0951, 0.1049), (2.449, 2.551), (9.96, 10.04), (1.0001, 1.0002)],
)
def test_the_range_shown_holds_every_run(low: float, high: float) -> None:
    shown_low, shown_high = (float(end) for end in _figures(low, high).split("–"))
    assert shown_low <= low and high <= shown_high
