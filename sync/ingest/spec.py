"""How read rows become stored rows: one `LoaderSpec` per 43 file or NHSO download kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Table

from sync.ingest.convert import Column, Derived
from sync.ingest.filecontext import FileContext


@dataclass(frozen=True)
class LoadContext:
    """What a loader knows beyond the rows: the batch and when the import happens."""

    batch_id: str
    now: dt.datetime
    """Aware UTC time of the import."""
    file: FileContext = field(default_factory=FileContext)
    """Facts of the file's title rows and name (the unit an STM names only in a title row)."""

    @property
    def import_day(self) -> dt.date:
        """The local calendar day of the import (the day staff would name)."""
        return self.now.astimezone().date()

    @property
    def latest_today(self) -> dt.date:
        """The later of the import day and the machine's today: the day after which nothing
        an export records can have happened. (An import may be dated in the past, when a
        test or the demo replays one; the data it holds can still be as new as the clock.)"""
        return max(self.import_day, dt.date.today())


FieldDefaults = Callable[[LoadContext], dict[str, str | None]]
"""Values a read field takes where the file leaves it blank or has no column for it, from the
file's context (the unit an STM names only in a title row); None: no default."""

Completion = Callable[[dict[str, list[object]], Sequence[int], LoadContext], None]
"""Adds columns (target column → a value per row) that come from the context or the rows' line
numbers (the second argument) rather than from the file's fields."""


def number_lines(
    values: dict[str, list[object]], lines: Sequence[int], context: LoadContext
) -> None:
    """A `Completion` for statement lines, which are kept as written and never replaced: each is
    named by its row number in the sheet and ordered by the import time (the last decides)."""
    values["line_no"] = list(lines)
    values["imported_at"] = [context.now] * len(lines)


def unit_of_file(context: LoadContext) -> dict[str, str | None]:
    """Defaults for statement rows: a blank unit is the file's own (a title row or its name)."""
    return {"hospcode": context.file.hospcode}


@dataclass(frozen=True)
class LoaderSpec:
    """Target table, natural key and column conversions of one kind of rows.

    `required` are read fields that must have a value; `key` are target columns whose values
    name the row (its id is `store.ids.stable_id(table name, *key values)`); `version` is the
    target column that decides which copy of a row is newer; `complete` adds columns that come
    from the context rather than the file; `hospcode` is the column naming the facility, if any;
    `defaults` fills blank read fields before they are converted and checked.
    """

    name: str
    table: Table
    columns: tuple[Column, ...]
    required: frozenset[str]
    key: tuple[str, ...]
    version: str
    derived: tuple[Derived, ...] = ()
    complete: Completion | None = None
    hospcode: str | None = None
    defaults: FieldDefaults | None = None

    @property
    def fields(self) -> frozenset[str]:
        """Every read field the spec uses."""
        names = {c.field for c in self.columns} | set(self.required)
        for derived in self.derived:
            names.update(derived.fields)
        return frozenset(names)
