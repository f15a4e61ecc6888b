"""Bars that would paint the same pixels, drawn once (Qt-free, numpy).

Zoomed out on a big run, hundreds of task rows share one pixel row: 100,000 gathered tasks on a
300-pixel chart are ~330 bars per pixel row, and Qt would paint every one of them over the
same pixels. Within a pixel row, bars of one colour that overlap, touch or leave less than a
pixel between them cover exactly the pixels their union covers, so the union is drawn instead:
a few hundred rectangles in place of 100,000, the same picture, and a live redraw of a big run
that no longer freezes the window for tens of milliseconds. Gaps a reader could see (more than
a pixel) are kept, and rows are merged only when more than one shares a pixel.

From :data:`RASTER_FROM` bars on, the union is found without sorting: each pixel row's bars
are laid on a grid of pixel columns (which pixel centres each covers, counted with
``bincount``), and the covered runs become the rectangles. Sorting a million bars took ~70 ms
a redraw here; the grid takes a fraction of that, and paints the same pixels, up to where
the grid's columns fall against the screen's (within a pixel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rects:
    """Rectangles to draw, in data units: left edge, width, bottom edge, height."""

    x0: np.ndarray
    width: np.ndarray
    y0: np.ndarray
    height: np.ndarray | float


def merge_rows(
    start_s: np.ndarray,
    width_s: np.ndarray,
    rows: np.ndarray,
    height: float,
    pixel_s: float,
    pixel_rows: float,
) -> Rects:
    """Bars of one colour as rectangles, merged per pixel row when rows share pixels.

    ``height`` is a bar's height in rows when each bar is drawn on its own (centred on its
    row); a merged rectangle fills its pixel row exactly.
    """
    if pixel_rows <= 1 or pixel_s <= 0 or start_s.size < 2:
        return Rects(start_s, width_s, rows - height / 2, height)
    band = np.floor((rows + 0.5) / pixel_rows).astype(np.int64)
    end_s = start_s + width_s
    origin = float(start_s.min())
    latest = float(end_s.max())
    if start_s.size >= RASTER_FROM:
        bands = int(band.max()) + 1
        if (latest - origin) / pixel_s * bands <= RASTER_CELLS:
            return _raster(
                start_s - origin, end_s - origin, band, bands, pixel_s, pixel_rows, origin
            )
    span = latest - origin + 1.0
    # Sort by pixel row, then start; offsetting each row by a span keeps running maxima
    # from leaking from one pixel row into the next.
    order = np.argsort(band * span + (start_s - origin), kind="stable")
    band, start, end = band[order], start_s[order] - origin, end_s[order] - origin
    reach = np.maximum.accumulate(end + band * span) - band * span
    opens = np.empty(band.size, bool)
    opens[0] = True
    opens[1:] = (band[1:] != band[:-1]) | (start[1:] > reach[:-1] + pixel_s)
    first = np.flatnonzero(opens)
    x0 = start[first] + origin
    x1 = np.maximum.reduceat(end, first) + origin
    return Rects(x0, x1 - x0, band[first] * pixel_rows - 0.5, pixel_rows)


RASTER_FROM = 50_000
"""From this many bars of one colour, merge on a pixel grid (see the module's docstring)."""
RASTER_CELLS = 4_000_000
"""Unless the grid would be larger than this (zoomed far in): then sort, as for fewer bars."""


def _raster(
    start: np.ndarray,
    end: np.ndarray,
    band: np.ndarray,
    bands: int,
    pixel_s: float,
    pixel_rows: float,
    origin: float,
) -> Rects:
    """The union per pixel row, as runs of pixel columns whose centres some bar covers (a bar
    is at least a pixel wide, so it covers at least one)."""
    first = np.ceil(start / pixel_s - 0.5).astype(np.int64)
    last = np.maximum(np.floor(end / pixel_s - 0.5).astype(np.int64), first)
    columns = int(last.max()) + 2
    size = bands * columns
    opened = np.bincount(band * columns + first, minlength=size)
    closed = np.bincount(band * columns + last + 1, minlength=size)
    covered = np.cumsum((opened - closed).reshape(bands, columns), axis=1) > 0
    steps = np.diff(covered.astype(np.int8), axis=1, prepend=0, append=0)
    rows_open, col_open = np.nonzero(steps == 1)
    _, col_close = np.nonzero(steps == -1)
    x0 = origin + col_open * pixel_s
    return Rects(x0, (col_close - col_open) * pixel_s, rows_open * pixel_rows - 0.5, pixel_rows)
