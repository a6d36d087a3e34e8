"""Aligned text tables for the terminal, Thai included: widths in terminal columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal columns of a string: Thai vowel and tone marks take none, wide characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """Columns padded to equal display width; `align` holds `l` or `r` per column.

    Cells are made terminal-safe first, so that a control character in a stored value is
    shown escaped and counted in the column's width.
    """
    from store.controls import terminal_safe

    table = [[terminal_safe(cell) for cell in row] for row in (headers, *rows)]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for row in table:
        cells = []
        for cell, width, side in zip(row, widths, align, strict=True):
            pad = " " * (width - display_width(cell))
            cells.append(pad + cell if side == "r" else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
