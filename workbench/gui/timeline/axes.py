"""An axis that only ever labels whole numbers: tasks and workers are counted, so a tick at
-0.5 or 1.5 tasks means nothing (pyqtgraph's default picks them on a short axis)."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg


class IntegerAxis(pg.AxisItem):
    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        levels = super().tickValues(minVal, maxVal, size)
        whole = []
        for spacing, values in levels:
            step = max(1.0, math.ceil(spacing))
            kept = [v for v in values if float(v).is_integer() and v % step == 0]
            if kept:
                whole.append((step, kept))
        if not whole:  # a range narrower than one: label the whole numbers inside it
            inside = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)]
            whole = [(1.0, inside)] if inside else []
        return whole

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(v * scale):,}" for v in values]
