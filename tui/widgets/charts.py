"""Text charts that read on 16 colours and over SSH: horizontal bars and a monthly column chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

_EIGHTHS_ACROSS = " ▏▎▍▌▋▊▉█"
_EIGHTHS_UP = " ▁▂▃▄▅▆▇█"


def hbar(fraction: float, width: int) -> str:
    """A bar `width` cells wide filled to `fraction` (0..1), in eighths of a cell."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS_ACROSS[part] if part else "")
    return text.ljust(width)


def column_cells(
    values: Sequence[float | None], low: float, high: float, height: int, width: int = 2
) -> list[list[str]]:
    """A column chart: `height` rows (top first) of one cell per value; None leaves a gap."""
    span = (high - low) or 1.0
    rows = []
    for row in range(height - 1, -1, -1):
        cells = []
        for value in values:
            if value is None:
                cells.append(" " * width)
                continue
            filled = (min(max(value, low), high) - low) / span * height - row
            index = round(min(max(filled, 0.0), 1.0) * 8)
            cells.append(_EIGHTHS_UP[index] * width)
        rows.append(cells)
    return rows


def chart_floor(values: Sequence[float | None], target: float) -> float:
    """A lower bound for the chart: a little under the lowest value or the target."""
    present = [v for v in values if v is not None]
    lowest = min([*present, target])
    return max(0.0, math.floor(lowest) - 1.0)


def spark(values: Sequence[float], high: float) -> str:
    """One character per value on a shared scale up to `high`; nothing at all shows as `·`."""
    cells = []
    for value in values:
        if value <= 0 or high <= 0:
            cells.append("·")
            continue
        index = max(1, min(8, math.ceil(value / high * 8)))
        cells.append(_EIGHTHS_UP[index])
    return "".join(cells)
