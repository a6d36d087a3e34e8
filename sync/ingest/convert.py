"""Turning read values into column values, and naming what is wrong with them.

Each target column has a kind of conversion. A value that cannot be stored is an `error` issue
and its row is not loaded; a value stored after a correction (a Buddhist-era year, text that was
too long) is a `warning`. Reasons never quote the value: it may be personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import cast

from sqlalchemy import Table

from store.cid import is_valid_cid, normalise_cid
from store.reference import table as reference_table
from store.thaidate import BE_THRESHOLD, DateError, parse_any_date, parse_ymd, parse_ymdhms

ERROR = "error"
WARNING = "warning"

BE_REASON = "Buddhist-era year; 543 years subtracted"
CENT = Decimal("0.01")
MAX_BAHT = Decimal(10) ** 10
"""Amounts are stored with 12 digits, 2 of them decimals."""


@dataclass(frozen=True)
class Issue:
    """A problem with one field of one row; `line` is the row's line (or sheet row) number."""

    member: str
    line: int
    field: str
    severity: str
    reason: str


class Problem(ValueError):
    """A value that cannot be stored; the reason names no value."""


Converted = tuple[object, str | None]
"""A stored value and, when it was corrected, the warning reason."""


@dataclass(frozen=True)
class Column:
    """Where a read field goes and how it is converted.

    `kind` names a converter in `CONVERTERS`; `codes` names a reference table whose `code`
    column lists the values allowed (blank allowed unless the field is required).
    """

    field: str
    column: str
    kind: str = "text"
    codes: str = ""


@dataclass(frozen=True)
class Derived:
    """A column computed from several read fields (field → text, stripped).

    `compute` makes one row's value from its fields alone (it is called once for each distinct
    combination of their values). `by_column`, when given, is used instead and must give the
    same values: it gets the fields' whole columns (in `fields` order) and the number of rows,
    for work that is much cheaper done a column at a time on a large export.
    """

    column: str
    fields: tuple[str, ...]
    compute: Callable[[Mapping[str, str]], str]
    by_column: Callable[[Sequence[Sequence[str]], int], list[str]] | None = None


def _upper(value: object) -> Converted:
    return _as_text(value).upper(), None


def _unit(value: object) -> Converted:
    """A unit code: five digits, restored when a spreadsheet dropped the leading zeros."""
    text = _as_text(value)
    return (text.zfill(5) if text.isdigit() else text), None


def _cid(value: object) -> Converted:
    text = normalise_cid(value)
    if not is_valid_cid(text):
        raise Problem("not a valid 13-digit citizen ID")
    return text, None


def _cid_as_given(value: object) -> Converted:
    """A CID kept even when invalid: the rights-gap rules report it (NO_CID)."""
    if isinstance(value, str) and len(value) == 13 and value.isdigit():
        return value, None
    return normalise_cid(value), None


def _ymd(value: object) -> Converted:
    try:
        day, be = parse_ymd(_as_text(value))
    except DateError as exc:
        raise Problem("not a date in the form YYYYMMDD") from exc
    return day, BE_REASON if be else None


def _ymdhms(value: object) -> Converted:
    try:
        stamp, be = parse_ymdhms(_as_text(value))
    except DateError as exc:
        raise Problem("not a timestamp in the form YYYYMMDDHHMMSS") from exc
    return stamp, BE_REASON if be else None


def _any_date(value: object) -> Converted:
    """NHSO files write Buddhist-era dates as a matter of course: read without a warning."""
    try:
        day, _be = parse_any_date(value)
    except (OverflowError, ValueError) as exc:
        raise Problem("not a date (YYYYMMDD, YYYY-MM-DD or dd/mm/yyyy)") from exc
    return day, None


def _baht(value: object) -> Converted:
    """An amount of money: a spreadsheet number, or text such as `1,234.50` or `360`."""
    if isinstance(value, bool):
        raise Problem("not an amount in baht")
    text = str(value) if isinstance(value, int | float) else _as_text(value).replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise Problem("not an amount in baht") from exc
    if not amount.is_finite():
        raise Problem("not an amount in baht")
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if abs(amount) >= MAX_BAHT:
        raise Problem("too large an amount in baht")
    return amount, None


CE_YEAR_LIMIT = f"{BE_THRESHOLD:04d}"
"""Four-digit years up to this one are Christian-era years (see `store.thaidate`)."""


def _plain_ymd_text(value: object) -> bool:
    """Eight ASCII digits of a Christian-era year: what `date.fromisoformat` reads as YYYYMMDD."""
    return (
        type(value) is str
        and len(value) == 8
        and value.isascii()
        and value.isdigit()
        and value[:4] <= CE_YEAR_LIMIT
    )


def _plain_ymd(values: Iterable[object]) -> dict[object, object]:
    """The plain CE `YYYYMMDD` dates among `values`, read in bulk by the C date parser.

    Anything else (a Buddhist-era year, another form, no such day) is left out, for `_ymd`.
    """
    found: dict[object, object] = {}
    for value in values:
        if _plain_ymd_text(value):
            try:
                found[value] = dt.date.fromisoformat(value)  # type: ignore[arg-type]
            except ValueError:
                continue
    return found


def _plain_ymdhms(values: Iterable[object]) -> dict[object, object]:
    """The plain CE `YYYYMMDDHHMMSS` (or `YYYYMMDD`) timestamps among `values`, in bulk."""
    found: dict[object, object] = {}
    for value in values:
        if type(value) is not str or not value.isascii() or not value.isdigit():
            continue
        if len(value) == 14:
            text = f"{value[:8]}T{value[8:]}"
        elif len(value) == 8:
            text = value
        else:
            continue
        if value[:4] > CE_YEAR_LIMIT:
            continue
        try:
            found[value] = dt.datetime.fromisoformat(text)
        except ValueError:
            continue
    return found


def _plain_cids(values: Iterable[object]) -> dict[object, object]:
    """The 13-digit texts among `values`, kept as they are (see `_cid_as_given`)."""
    return {
        value: value
        for value in values
        if type(value) is str and len(value) == 13 and value.isdigit()
    }


def _text_column(values: list[object], all_text: bool = False) -> list[str]:
    """A column as text; columns read from text files already are (`all_text`: known to be)."""
    if all_text or _all_text(values):
        return values  # type: ignore[return-value]
    return [_as_text(v) for v in values]


def _all_text(values: Iterable[object]) -> bool:
    return set(map(type, values)) <= {str}


def _as_text(value: object) -> str:
    """Text of a cell: spreadsheet numbers without a trailing `.0`, dates as ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


CONVERTERS: Mapping[str, Callable[[object], Converted]] = {
    "upper": _upper,
    "unit": _unit,
    "cid": _cid,
    "cid_as_given": _cid_as_given,
    "ymd": _ymd,
    "ymdhms": _ymdhms,
    "date": _any_date,
    "baht": _baht,
}
"""Conversions by kind; `ymd`/`ymdhms` are the 43-file date forms (a Buddhist-era year there is
corrected with a warning), `date` any NHSO date form (where Buddhist-era years are normal),
`baht` an amount of money (blank: none, stored as NULL).
The kinds `text` and `free` keep text as read; `free` text that is too long is shortened with a
warning, any other value too long for its column is an error."""

BULK_CONVERTERS: Mapping[str, Callable[[Iterable[object]], dict[object, object]]] = {
    "ymd": _plain_ymd,
    "ymdhms": _plain_ymdhms,
    "cid_as_given": _plain_cids,
}
"""For some kinds, a faster reading of their common values, many at once: value → stored value
for the values it is sure of (no warning, no error), the others left to the kind's converter."""

_NULL_WHEN_BLANK = frozenset({"ymd", "ymdhms", "date", "baht"})
_KEPT_AS_READ = frozenset({"text", "free"})


def allowed_codes(name: str) -> frozenset[str]:
    return frozenset(r["code"] for r in reference_table(name, key=("code",)))


@dataclass(frozen=True)
class Columns:
    """Rows read from one member, column by column: row `i` was read from line `lines[i]`."""

    lines: list[int]
    values: dict[str, list[object]]
    """Field → the value of each row; a field the member lacks is absent."""
    all_text: bool = False
    """Every value is already stripped text (a text export), so none needs to be checked."""


def _computed(derived: Derived, texts: Sequence[Sequence[str]], count: int) -> list[object]:
    """`derived.compute` of each row, computed once for each distinct combination of fields."""
    if not derived.fields:
        return [derived.compute({})] * count
    rows = list(zip(*texts, strict=True))
    names = derived.fields
    memo = {row: derived.compute(dict(zip(names, row, strict=True))) for row in set(rows)}
    return list(map(memo.__getitem__, rows))


@dataclass
class ConvertedColumns:
    """Stored values of every read row by target column, the rows fit to load, the issues."""

    lines: list[int]
    values: dict[str, list[object]]
    keep: list[int]
    """Indices of the rows without an error."""
    issues: list[Issue]


_Outcome = tuple[object, str, str]
"""A value's stored form, its warning reason (or ""), its error reason (or "")."""


@dataclass(frozen=True)
class _Plan:
    field: str
    column: str
    convert: Callable[[object], Converted] | None
    """None: text kept as read (after the checks)."""
    bulk: Callable[[Iterable[object]], dict[object, object]] | None
    empty: object
    required: bool
    max_length: int | None
    shorten: bool
    codes: frozenset[str] | None
    codes_name: str


@dataclass
class ColumnConverter:
    """Converts the read columns of one member into columns of `target`, collecting issues.

    Work is done once per distinct value of a column (codes and dates repeat a great deal),
    which keeps large exports fast.
    """

    member: str
    target: Table
    columns: Sequence[Column]
    required: Collection[str]
    derived: Sequence[Derived] = ()
    plans: list[_Plan] = field(init=False)

    def __post_init__(self) -> None:
        self.plans = [self._plan(c.field, c.column, c.kind, c.codes) for c in self.columns]

    def _plan(self, source: str, column: str, kind: str, codes: str) -> _Plan:
        sql_type = self.target.c[column].type
        return _Plan(
            field=source,
            column=column,
            convert=None if kind in _KEPT_AS_READ else CONVERTERS[kind],  # KeyError: no such kind
            bulk=BULK_CONVERTERS.get(kind) if not codes else None,
            empty=None if kind in _NULL_WHEN_BLANK else "",
            required=source in self.required,
            # SQLModel's text columns are AutoString, a TypeDecorator with a length, not a String.
            max_length=getattr(sql_type, "length", None),
            shorten=kind == "free",
            codes=allowed_codes(codes) if codes else None,
            codes_name=codes,
        )

    def convert(self, read: Columns) -> ConvertedColumns:
        count = len(read.lines)
        blank: list[object] = [""] * count
        errors = bytearray(count)
        issues: list[Issue] = []
        values: dict[str, list[object]] = {}
        for plan in self.plans:
            column = read.values.get(plan.field, blank)
            values[plan.column] = self._column(plan, read.lines, column, errors, issues)
        for derived in self.derived:
            plan = self._plan(derived.column, derived.column, "text", "")
            names = derived.fields
            texts = [_text_column(read.values.get(f, blank), read.all_text) for f in names]
            computed: list[object]
            if derived.by_column is not None:
                computed = list(derived.by_column(texts, count))
            else:
                computed = _computed(derived, texts, count)
            values[derived.column] = self._column(plan, read.lines, computed, errors, issues)
        keep = [i for i in range(count) if not errors[i]]
        issues.sort(key=lambda issue: issue.line)
        return ConvertedColumns(read.lines, values, keep, issues)

    def _column(
        self,
        plan: _Plan,
        lines: Sequence[int],
        column: Sequence[object],
        errors: bytearray,
        issues: list[Issue],
    ) -> list[object]:
        distinct = set(column)
        if self._all_fine_as_read(plan, distinct):
            return list(column)
        stored = self._bulk(plan, distinct)
        flagged: dict[object, _Outcome] = {}
        for value in distinct.difference(stored):
            outcome = self._outcome(plan, value)
            stored[value] = outcome[0]
            if outcome[1] or outcome[2]:
                flagged[value] = outcome
        if flagged:
            for index, value in enumerate(column):
                if value not in flagged:
                    continue
                _stored, warning, error = flagged[value]
                if error:
                    errors[index] = 1
                    issues.append(Issue(self.member, lines[index], plan.field, ERROR, error))
                if warning:
                    issues.append(Issue(self.member, lines[index], plan.field, WARNING, warning))
        return list(map(stored.__getitem__, column))

    @staticmethod
    def _bulk(plan: _Plan, distinct: set[object]) -> dict[object, object]:
        """The stored values of the distinct values the kind's bulk reading is sure of."""
        if plan.bulk is None:
            return {}
        found = plan.bulk(distinct)
        limit = plan.max_length
        if limit is None:
            return found
        return {v: s for v, s in found.items() if not isinstance(s, str) or len(s) <= limit}

    @staticmethod
    def _all_fine_as_read(plan: _Plan, distinct: set[object]) -> bool:
        """Text kept as read with nothing to report: the common case, checked in bulk."""
        if plan.convert is not None or not _all_text(distinct):
            return False
        texts = cast(set[str], distinct)
        if plan.required and "" in texts:
            return False
        if plan.max_length is not None and max(map(len, texts), default=0) > plan.max_length:
            return False
        return plan.codes is None or texts <= plan.codes | {""}

    def _outcome(self, plan: _Plan, value: object) -> _Outcome:
        if value == "" or value is None:
            return plan.empty, "", "missing (required)" if plan.required else ""
        stored: object
        warning: str | None
        if plan.convert is None:
            stored, warning = _as_text(value), None
        else:
            try:
                stored, warning = plan.convert(value)
            except Problem as problem:
                return plan.empty, "", str(problem)
        if (
            isinstance(stored, str)
            and plan.max_length is not None
            and len(stored) > plan.max_length
        ):
            if not plan.shorten:
                return stored, "", f"longer than {plan.max_length} characters"
            stored = stored[: plan.max_length]
            warning = f"longer than {plan.max_length} characters; shortened"
        if plan.codes is not None and stored not in plan.codes:
            return stored, "", f"not a known code (see {plan.codes_name})"
        return stored, warning or "", ""
