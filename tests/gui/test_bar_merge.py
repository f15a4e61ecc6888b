"""Merging bars that share a pixel row: the union is drawn, nothing a reader could see is lost."""

from __future__ import annotations

import numpy as np

from workbench.gui.model.bar_merge import Rects, merge_rows

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
