"""Limits that keep a hostile or broken file from exhausting a health centre's PC.

Every limit Sitthi applies while reading offered files is here, so a province with unusual
exports changes one place. Sizes are in bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large an offered file and the members of a zip (or XLSX) may be."""

    max_input_bytes: int = 1024 * MIB
    """Larger offered files are refused. Zips, workbooks and HTML pages are read whole; a CSV is
    hashed and read as a stream, a block at a time."""
    max_members: int = 2000
    """Members of one zip; a 43-file export has about fifty."""
    max_member_bytes: int = 512 * MIB
    """Uncompressed size of one member; each member is decoded in memory."""
    max_total_bytes: int = 2048 * MIB
    """Uncompressed size of all members together."""
    max_ratio: float = 200.0
    """Uncompressed ÷ compressed size of a member; text exports compress 5 to 30 times."""
    ratio_floor_bytes: int = 1 * MIB
    """Members smaller than this are not held to `max_ratio` (tiny files compress oddly)."""
    max_sheet_cells: int = 12_000_000
    """Cells of the grid a workbook's sheet spans (first to last used cell). Workbooks are read
    whole, about 90 bytes a cell: 12 million cells is about 1 GiB. Larger tables come as CSV."""
    max_sheet_rows: int = 1_048_576
    """Rows of one worksheet (Excel's own maximum)."""
    max_shared_strings: int = 2_000_000
    """Entries of an XLSX's shared-string table, which readers load whole when it opens."""
    unused_shared_strings_slack: int = 10_000
    """Shared strings beyond the cell count that are tolerated; spreadsheet programs write only
    strings that cells use, so millions more than cells mean a hostile or broken file."""


DEFAULT_LIMITS = Limits()

ISSUE_SAMPLE = 20
"""How many issues of each part a result keeps in memory for display; all are stored."""

WRITE_CHUNK = 1000
"""Rows per executemany batch and per look-up of existing rows."""
