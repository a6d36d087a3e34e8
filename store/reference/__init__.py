"""Reference tables shipped as CSV, extendable by the user without code changes.

A CSV of the same name in `paths.reference_override_dir()` adds rows to the shipped table; a row
whose key equals a shipped row's key replaces it. Every column is text (codes keep leading zeros).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from store import paths
from store.errors import SitthiError
from store.i18n import message

Row = dict[str, str]


class ReferenceTableError(SitthiError, ValueError):
    """A reference table that cannot be used (a province's replacement copy, most likely)."""


def _read_csv(text: str, source: str) -> list[Row]:
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None:
        raise ReferenceTableError(message("reference.empty", source=source))
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def shipped(name: str) -> list[Row]:
    """The rows of a table as shipped in the package."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return _read_csv(text, name)


def override_path(name: str) -> Path:
    return paths.reference_override_dir() / name


@functools.cache
def table(name: str, key: Sequence[str] = ()) -> tuple[Row, ...]:
    """Shipped rows, then the user's; with a key, a user row replaces the shipped row it matches."""
    rows = shipped(name)
    extra_path = override_path(name)
    if extra_path.is_file():
        extra = _read_csv(extra_path.read_text(encoding="utf-8-sig"), str(extra_path))
        missing = set(rows[0]) - set(extra[0]) if rows and extra else set()
        if missing:
            raise ReferenceTableError(
                message(
                    "reference.missing_columns",
                    source=str(extra_path),
                    columns=", ".join(sorted(missing)),
                )
            )
        if key:
            merged = {tuple(r[k] for k in key): r for r in rows}
            merged.update({tuple(r[k] for k in key): r for r in extra})
            rows = list(merged.values())
        else:
            rows = rows + extra
    return tuple(rows)


def clear_cache() -> None:
    """Forget loaded tables (after the user changes an override file)."""
    table.cache_clear()
