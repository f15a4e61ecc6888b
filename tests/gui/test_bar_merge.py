"""Merging bars that share a pixel row: the union is drawn, nothing a reader could see is lost."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.gui.model import bar_merge
from workbench.gui.model.bar_merge import Rects, merge_rows
from workbench.gui.model.inside import first_in_each_cell

PIXEL_S = 0.01


def _merge(starts: list[float], ends: list[float], rows: list[int], pixel_rows: float) -> Rects:
    start = np.asarray(starts, float)
    width = np.asarray(ends, float) - start
    return merge_rows(start, width, np.asarray(rows), 0.8, PIXEL_S, pixel_rows)


def test_bars_are_drawn_one_by_one_while_each_row_has_pixels_of_its_own() -> None:
    rects = _merge([0.0, 0.5], [1.0, 2.0], [0, 1], pixel_rows=0.5)
    assert rects.x0.tolist() == [0.0, 0.5]
    assert np.allclose(rects.width, [1.0, 1.5])
    assert np.allclose(rects.y0, [-0.4, 0.6])


def test_overlapping_bars_in_one_pixel_row_become_their_union() -> None:
    rects = _merge([0.0, 0.5, 0.2], [1.0, 2.0, 0.3], [0, 1, 2], pixel_rows=4)
    assert rects.x0.tolist() == [0.0]
    assert np.allclose(rects.width, [2.0])
    assert rects.height == 4


def test_a_gap_wider_than_a_pixel_is_kept() -> None:
    rects = _merge([0.0, 1.5], [1.0, 2.0], [0, 1], pixel_rows=4)
    assert rects.x0.tolist() == [0.0, 1.5]


def test_a_gap_narrower_than_a_pixel_is_closed() -> None:
    rects = _merge([0.0, 1.005], [1.0, 2.0], [0, 1], pixel_rows=4)
    assert rects.x0.tolist() == [0.0]
    assert np.allclose(rects.width, [2.0])


def test_bars_in_different_pixel_rows_never_merge() -> None:
    rects = _merge([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0, 1, 9], pixel_rows=4)
    assert rects.x0.size == 2
    assert np.allclose(rects.y0, [-0.5, 7.5])  # pixel rows 0 (rows 0-3) and 2 (rows 8-11)


def test_a_late_long_bar_extends_its_rows_union() -> None:
    # Sorted by start, the long bar that started first must carry the union past later ones.
    rects = _merge([0.0, 0.1, 0.2], [5.0, 0.2, 0.3], [0, 1, 2], pixel_rows=4)
    assert rects.x0.tolist() == [0.0]
    assert np.allclose(rects.width, [5.0])


def _centres_covered(
    x0: np.ndarray, x1: np.ndarray, y: np.ndarray, origin: float
) -> set[tuple[int, int]]:
    """The (pixel row, pixel column) cells whose centre some rectangle covers."""
    cells = set()
    for a, b, row in zip(x0.tolist(), x1.tolist(), y.tolist(), strict=True):
        first = int(np.ceil((a - origin) / PIXEL_S - 0.5 - 1e-9))
        last = int(np.floor((b - origin) / PIXEL_S - 0.5 + 1e-9))
        cells.update((int(row), column) for column in range(first, last + 1))
    return cells


def test_many_bars_merge_on_a_pixel_grid_painting_the_pixels_each_bar_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bar_merge, "RASTER_FROM", 2)
    rng = np.random.default_rng(7)
    start = rng.random(400) * 3
    width = np.maximum(rng.random(400) * rng.choice([0.005, 0.05, 0.5], 400), PIXEL_S)
    rows = rng.integers(0, 40, 400)
    rects = merge_rows(start, width, rows, 0.8, PIXEL_S, 4)
    origin = float(start.min())
    band = np.floor((rows + 0.5) / 4)
    assert _centres_covered(rects.x0, rects.x0 + rects.width, (rects.y0 + 0.5) / 4, origin) == (
        _centres_covered(start, start + width, band, origin)
    )
    assert rects.x0.size < 400


def test_the_grid_is_left_for_sorting_when_zoomed_far_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bar_merge, "RASTER_FROM", 2)
    monkeypatch.setattr(bar_merge, "RASTER_CELLS", 10)
    rects = _merge([0.0, 1.005], [1.0, 2.0], [0, 1], pixel_rows=4)
    assert rects.x0.tolist() == [0.0]  # the sorting path's exact union, gap closed
    assert np.allclose(rects.width, [2.0])


def test_first_in_each_cell_is_uniques_first_index_with_or_without_a_table() -> None:
    rng = np.random.default_rng(3)
    for key in (rng.integers(0, 5_000, 20_000), np.array([2**40, 3, 2**40, -1])):
        assert np.array_equal(first_in_each_cell(key), np.unique(key, return_index=True)[1])
