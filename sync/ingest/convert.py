"""Turning read values into column values, and naming what is wrong with them.

Each target column has a kind of conversion. A value that cannot be stored is an `error` issue
and its row is not loaded; a value stored after a correction (a Buddhist-era year, text that was
too long) is a `warning`. Reasons never quote the value: it may be personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import cast

from sqlalchemy import Table

from store.cid import is_ascii_digits, is_valid_cid, normalise_cid
from store.controls import CONTROLS, remove_controls
from store.errors import SitthiError
from store.i18n import Message, message
from store.reference import table as reference_table
from store.thaidate import (
    BE_THRESHOLD,
    DateError,
    ascii_digits,
    parse_any_date,
    parse_ymd,
    parse_ymdhms,
)

ERROR = "error"
WARNING = "warning"

ISSUE = "ingest.issue"
"""Catalogue section (`store/i18n/*.toml`) of the reasons of row issues."""
BE_REASON = message(f"{ISSUE}.be_year")
CENT = Decimal("0.01")
MAX_BAHT = Decimal(10) ** 10
"""Amounts are stored with 12 digits, 2 of them decimals: a larger one is a row issue."""
UNIT_CODE_LENGTH = 5
EARLIEST_EVENT = dt.date(1900, 1, 1)
"""Nothing an export records (a birth, a service, a check, an update) happened before this."""
FUTURE_DAYS = 1
"""An event may be dated up to this many days after the import day (clocks and time zones
differ); a later one is a row issue rather than data."""


def issue_message(name: str, /, **params: object) -> Message:
    """The catalogue message `ingest.issue.<name>`."""
    return message(f"{ISSUE}.{name}", **params)


@dataclass(frozen=True)
class Issue:
    """A problem with one field of one row; `line` is the row's line (or sheet row) number.

    `message` is a catalogue message (`store.i18n`) rendered where a person reads it (plain
    text from a reader not yet in the catalogue is kept as it is); its parameters never hold the
    value, which may be personal data.
    """

    member: str
    line: int
    field: str
    severity: str
    message: Message | str

    def text(self, lang: str) -> str:
        """The reason in `lang`."""
        message = self.message
        return message.render(lang) if isinstance(message, Message) else message

    @property
    def reason(self) -> str:
        """The reason in English (the log's language)."""
        return self.text("en")

    @property
    def key(self) -> str:
        """The catalogue key of the reason ("" for plain text)."""
        return self.message.key if isinstance(self.message, Message) else ""


class Problem(SitthiError, ValueError):
    """A value that cannot be stored; `message` says why and names no value."""

    def __init__(self, name: str, /, **params: object) -> None:
        self.message = issue_message(name, **params)
        super().__init__(self.message)


Converted = tuple[object, Message | None]
"""A stored value and, when it was corrected, the warning."""


@dataclass(frozen=True)
class Column:
    """Where a read field goes and how it is converted.

    `kind` names a converter in `CONVERTERS`; `codes` names a reference table whose `code`
    column lists the values allowed (blank allowed unless the field is required). `event` marks
    the date of something that has happened (a birth, a service, a check, an update): one
    before 1900 or after tomorrow is an error of its row.
    """

    field: str
    column: str
    kind: str = "text"
    codes: str = ""
    event: bool = False


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


def _refuse_odd_digits(text: str) -> str:
    """`text` with Thai digits made ASCII; a Problem when other scripts' digits remain."""
    mapped = ascii_digits(text)
    if mapped is None:
        raise Problem("odd_digits")
    return mapped


def _refuse_cell_types(value: object) -> None:
    """Booleans and durations are never a code, a date or an amount."""
    if isinstance(value, bool | dt.timedelta):
        raise Problem("cell_type")


def _upper(value: object) -> Converted:
    return _as_text(value).upper(), None


def _unit(value: object) -> Converted:
    """A unit code: five digits, restored when a spreadsheet dropped the leading zeros."""
    _refuse_cell_types(value)
    text = _refuse_odd_digits(_as_text(value))
    if text.endswith(".0") and is_ascii_digits(text[:-2]):
        text = text[:-2]  # a number written out as text by a spreadsheet
    return (text.zfill(UNIT_CODE_LENGTH) if is_ascii_digits(text) else text), None


def _cid(value: object) -> Converted:
    _refuse_cell_types(value)
    if isinstance(value, str):
        _refuse_odd_digits(value)
    text = normalise_cid(value)
    if not is_valid_cid(text):
        raise Problem("cid_invalid")
    return text, None


def _cid_as_given(value: object) -> Converted:
    """A CID kept even when invalid: the rights-gap rules report it (NO_CID). Digits of other
    scripts than ASCII and Thai are refused: kept, they would look valid and never match."""
    if isinstance(value, str) and len(value) == 13 and is_ascii_digits(value):
        return value, None
    _refuse_cell_types(value)
    if isinstance(value, str):
        _refuse_odd_digits(value)
    return normalise_cid(value), None


def _ymd(value: object) -> Converted:
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return _any_date(value)
    text = _refuse_odd_digits(_as_text(value))
    try:
        day, be = parse_ymd(text)
    except DateError as exc:
        raise Problem("ymd") from exc
    return day, BE_REASON if be else None


def _ymdhms(value: object) -> Converted:
    if isinstance(value, dt.datetime):
        return value, None
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), None
    text = _refuse_odd_digits(_as_text(value))
    try:
        stamp, be = parse_ymdhms(text)
    except DateError as exc:
        raise Problem("ymdhms") from exc
    return stamp, BE_REASON if be else None


def _any_date(value: object) -> Converted:
    """NHSO files write Buddhist-era dates as a matter of course: read without a warning."""
    _refuse_cell_types(value)
    if isinstance(value, str):
        _refuse_odd_digits(value)
    try:
        day, _be = parse_any_date(value)
    except (OverflowError, ValueError) as exc:
        raise Problem("date") from exc
    return day, None


def _baht(value: object) -> Converted:
    """An amount of money: a spreadsheet number, or text such as `1,234.50` or `360`.

    Not a number, not finite (NaN, infinity) or beyond the stored 12 digits (`1e308`,
    `1e9999`): a row issue.
    """
    _refuse_cell_types(value)
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = _refuse_odd_digits(_as_text(value)).replace(",", "")
        if not text.isascii():
            raise Problem("baht")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise Problem("baht") from exc
    if not amount.is_finite():
        raise Problem("baht")
    if abs(amount) >= MAX_BAHT:
        raise Problem("baht_range")
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if abs(amount) >= MAX_BAHT:
        raise Problem("baht_range")
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
        if type(value) is str and len(value) == 13 and is_ascii_digits(value)
    }


def _valid_cids(values: Iterable[object]) -> dict[object, object]:
    """The valid CIDs among `values` written as 13 ASCII digits, kept as they are (what `_cid`
    makes of them)."""
    return {
        value: value
        for value in values
        if type(value) is str and len(value) == 13 and is_ascii_digits(value)
        if is_valid_cid(value)
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
    "cid": _valid_cids,
    "cid_as_given": _plain_cids,
}
"""For some kinds, a faster reading of their common values, many at once: value → stored value
for the values it is sure of (no warning, no error), the others left to the kind's converter."""

_NULL_WHEN_BLANK = frozenset({"ymd", "ymdhms", "date", "baht"})
_KEPT_AS_READ = frozenset({"text", "free"})


def allowed_codes(name: str) -> frozenset[str]:
    return frozenset(r["code"] for r in reference_table(name, key=("code",)))


LineNote = tuple[str, Message]
"""The severity and message of a problem of a whole line."""


@dataclass(frozen=True)
class Columns:
    """Rows read from one member, column by column: row `i` was read from line `lines[i]`."""

    lines: list[int]
    values: dict[str, list[object]]
    """Field → the value of each row; a field the member lacks is absent."""
    all_text: bool = False
    """Every value is already stripped text (a text export), so none needs to be checked."""
    line_notes: Mapping[int, LineNote] = field(default_factory=dict)
    """Line number → (severity, message) of a problem of the whole line found while reading it
    (see `sync.ingest.textfile`: a line in another encoding than the rest of the file)."""

    def line_issues(self, member: str) -> Iterator[Issue]:
        """The issues of the line notes, for the lines that hold a row."""
        if not self.line_notes:
            return
        for line in self.lines:
            note = self.line_notes.get(line)
            if note is not None:
                yield Issue(member, line, "", note[0], note[1])


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


_Outcome = tuple[object, tuple[Message, ...], Message | None]
"""A value's stored form, its warnings, its error (or None)."""


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
    event: bool


@dataclass
class ColumnConverter:
    """Converts the read columns of one member into columns of `target`, collecting issues.

    Work is done once per distinct value of a column (codes and dates repeat a great deal),
    which keeps large exports fast. `today` is the import day: event dates (`Column.event`)
    after the day following it are errors.
    """

    member: str
    target: Table
    columns: Sequence[Column]
    required: Collection[str]
    derived: Sequence[Derived] = ()
    today: dt.date = field(default_factory=dt.date.today)
    plans: list[_Plan] = field(init=False)

    def __post_init__(self) -> None:
        self.plans = [self._plan(c.field, c.column, c.kind, c.codes, c.event) for c in self.columns]

    def _plan(self, source: str, column: str, kind: str, codes: str, event: bool) -> _Plan:
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
            event=event,
        )

    @property
    def latest_event(self) -> dt.date:
        return self.today + dt.timedelta(days=FUTURE_DAYS)

    def convert(self, read: Columns) -> ConvertedColumns:
        count = len(read.lines)
        blank: list[object] = [""] * count
        errors = bytearray(count)
        issues: list[Issue] = list(read.line_issues(self.member))
        if issues:
            index_of = {line: index for index, line in enumerate(read.lines)}
            for issue in issues:
                if issue.severity == ERROR:
                    errors[index_of[issue.line]] = 1
        values: dict[str, list[object]] = {}
        for plan in self.plans:
            column = read.values.get(plan.field, blank)
            values[plan.column] = self._column(plan, read.lines, column, errors, issues)
        for derived in self.derived:
            plan = self._plan(derived.column, derived.column, "text", "", False)
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
                _stored, warnings, error = flagged[value]
                if error is not None:
                    errors[index] = 1
                    issues.append(Issue(self.member, lines[index], plan.field, ERROR, error))
                for warning in warnings:
                    issues.append(Issue(self.member, lines[index], plan.field, WARNING, warning))
        return list(map(stored.__getitem__, column))

    def _bulk(self, plan: _Plan, distinct: set[object]) -> dict[object, object]:
        """The stored values of the distinct values the kind's bulk reading is sure of."""
        if plan.bulk is None:
            return {}
        found = plan.bulk(distinct)
        limit = plan.max_length
        if limit is not None:
            found = {v: s for v, s in found.items() if not isinstance(s, str) or len(s) <= limit}
        if plan.event:
            found = {v: s for v, s in found.items() if self._event_problem(s) is None}
        return found

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
        if CONTROLS.search("".join(texts)):
            return False
        return plan.codes is None or texts <= plan.codes | {""}

    def _event_problem(self, stored: object) -> Message | None:
        """Why an event date cannot be true (before 1900, after tomorrow), or None."""
        if not isinstance(stored, dt.date):
            return None
        day = stored.date() if isinstance(stored, dt.datetime) else stored
        if day < EARLIEST_EVENT:
            return issue_message("before_1900")
        if day > self.latest_event:
            return issue_message("future")
        return None

    def _outcome(self, plan: _Plan, value: object) -> _Outcome:
        """The stored value, its warnings and its error; a value with an error has no warnings
        (its row is not loaded, so a correction made on the way is no news)."""
        warnings: list[Message] = []
        if isinstance(value, str) and CONTROLS.search(value):
            value, removed = remove_controls(value)
            warnings.append(issue_message("controls", count=removed))
        if value == "" or value is None:
            if plan.required:
                return plan.empty, (), issue_message("missing")
            return plan.empty, tuple(warnings), None
        stored: object
        if plan.convert is None:
            stored = _as_text(value)
        else:
            try:
                stored, warning = plan.convert(value)
            except Problem as problem:
                return plan.empty, (), problem.message
            if warning is not None:
                warnings.append(warning)
        if plan.event:
            problem_message = self._event_problem(stored)
            if problem_message is not None:
                return plan.empty, (), problem_message
        if (
            isinstance(stored, str)
            and plan.max_length is not None
            and len(stored) > plan.max_length
        ):
            if not plan.shorten:
                return stored, (), issue_message("too_long", limit=plan.max_length)
            stored = stored[: plan.max_length]
            warnings.append(issue_message("shortened", limit=plan.max_length))
        if plan.codes is not None and stored not in plan.codes:
            return stored, (), issue_message("unknown_code", table=plan.codes_name)
        return stored, tuple(warnings), None
