"""The PP fee-schedule catalog: typed items per fiscal year, read and checked from CSV.

A province replaces the shipped catalog with its own file; a bad file is refused whole, with
every problem named by line and column, so a half-read catalog never decides a claim.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from store.errors import SitthiError
from store.i18n import Message, message
from store.pp.sources import SourceFile, source_file

CATALOG = "pp_catalog.csv"
COLUMNS = (
    "fiscal_year",
    "item",
    "name_th",
    "name_en",
    "rate",
    "source",
    "code_field",
    "codes",
    "sex",
    "age_min",
    "age_max",
    "thai_only",
    "max_per_pregnancy",
    "max_per_fiscal_year",
    "min_interval_days",
    "window_days",
    "nhso_codes",
    "nhso_names",
)
OPTIONAL_COLUMNS = frozenset({"nhso_names"})
"""Columns a catalog file may leave out (catalogs written before they existed)."""
NAME_SEPARATOR = "|"
"""Separates the service names of `nhso_names` (names hold spaces)."""
ANY_VALUE = "*"
"""`codes` value meaning: every row whose `code_field` is not blank."""
SEXES = ("", "1", "2")
FLAGS = {"": False, "0": False, "1": True}
FISCAL_YEAR_RANGE = (2400, 3000)
MAX_RATE = Decimal("9999999999.99")
MAX_NUMBER = 99_999
TEXT_LIMITS = {
    "name_th": 200,
    "name_en": 200,
    "codes": 2000,
    "nhso_codes": 2000,
    "nhso_names": 2000,
}
"""Longest text each column may hold (the store's column sizes)."""
_ITEM = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
_CODE = re.compile(r"^[A-Za-z0-9_.]{1,32}$")
_NHSO_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")


@dataclass(frozen=True)
class CodeRange:
    """One code (`low == high`) or a range of codes of one length, compared as text."""

    low: str
    high: str

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        return len(code) == len(self.low) and self.low <= code <= self.high

    def __str__(self) -> str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class CatalogItem:
    """One item of one fiscal year: which source rows it pays for, at what rate, on what terms."""

    fiscal_year: int
    item: str
    name_th: str
    name_en: str
    rate: Decimal
    source: str
    code_field: str = ""
    codes: tuple[CodeRange, ...] = ()
    any_value: bool = False
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    thai_only: bool = False
    max_per_pregnancy: int | None = None
    max_per_fiscal_year: int | None = None
    min_interval_days: int | None = None
    window_days: int | None = None
    nhso_codes: tuple[str, ...] = ()
    nhso_names: tuple[str, ...] = ()
    """Service names statements use for the item (the KTB REP INDIVIDUAL's `ชื่อบริการ`)."""

    def selects(self, source: str, fields: Mapping[str, str]) -> bool:
        """Whether a row of `source` with these fields is a service of this item."""
        if source.upper() != self.source:
            return False
        if not self.code_field:
            return True
        value = (fields.get(self.code_field) or "").strip().upper()
        if self.any_value:
            return bool(value)
        return any(value in code_range for code_range in self.codes)

    def names(self, code: str) -> bool:
        """Whether a statement's item code means this item (its `item` or an `nhso_codes` code)."""
        wanted = code.strip().upper()
        return wanted == self.item.upper() or wanted in {c.upper() for c in self.nhso_codes}

    def named_by(self, service_name: str) -> bool:
        """Whether a statement's service name means this item (one of `nhso_names`)."""
        wanted = normalise_name(service_name)
        return bool(wanted) and wanted in {normalise_name(n) for n in self.nhso_names}

    def name(self, lang: str = "th") -> str:
        return (self.name_en if lang == "en" else self.name_th) or self.item

    @property
    def codes_text(self) -> str:
        return ANY_VALUE if self.any_value else " ".join(str(c) for c in self.codes)


@dataclass(frozen=True)
class Catalog:
    """The items of one or more fiscal years, in file order."""

    items: tuple[CatalogItem, ...] = ()
    _by_year: dict[int, tuple[CatalogItem, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _by_source: dict[tuple[int, str], tuple[CatalogItem, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        by_year: dict[int, list[CatalogItem]] = {}
        by_source: dict[tuple[int, str], list[CatalogItem]] = {}
        for item in self.items:
            by_year.setdefault(item.fiscal_year, []).append(item)
            by_source.setdefault((item.fiscal_year, item.source), []).append(item)
        self._by_year.update({year: tuple(items) for year, items in by_year.items()})
        self._by_source.update({key: tuple(items) for key, items in by_source.items()})

    @property
    def sources(self) -> frozenset[str]:
        """The source files any item selects from."""
        return frozenset(source for _year, source in self._by_source)

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._by_year))

    def for_year(self, fiscal_year: int) -> tuple[CatalogItem, ...]:
        """The items of exactly this fiscal year (none when the catalog lacks the year)."""
        return self._by_year.get(fiscal_year, ())

    def rates_year(self, fiscal_year: int) -> int | None:
        """The fiscal year whose items and rates apply to services of `fiscal_year`: the year
        itself when the catalog has it, else the newest earlier year, carried forward until a
        catalog for the year is imported (domain 5); None when no year is that early."""
        if fiscal_year in self._by_year:
            return fiscal_year
        return max((y for y in self._by_year if y < fiscal_year), default=None)

    def items_for(self, fiscal_year: int) -> tuple[CatalogItem, ...]:
        """The items that apply to services of `fiscal_year` (carried forward, see above)."""
        year = self.rates_year(fiscal_year)
        return self.for_year(year) if year is not None else ()

    def match(self, fiscal_year: int, source: str, fields: Mapping[str, str]) -> CatalogItem | None:
        """The first item applying in the fiscal year that selects this row, None if it is no
        PP service."""
        year = self.rates_year(fiscal_year)
        if year is None:
            return None
        for item in self._by_source.get((year, source.upper()), ()):
            if item.selects(source, fields):
                return item
        return None

    def resolve(self, fiscal_year: int, code: str) -> CatalogItem | None:
        """The item a statement's item code names among the items applying in a fiscal year
        (carried forward, see `rates_year`), None if unknown."""
        for item in self.items_for(fiscal_year):
            if item.names(code):
                return item
        return None

    def resolve_name(self, fiscal_year: int, service_name: str) -> CatalogItem | None:
        """The item a statement's service name names among the items applying in a fiscal year
        (carried forward, as for item codes), None if unknown."""
        for item in self.items_for(fiscal_year):
            if item.named_by(service_name):
                return item
        return None


def normalise_name(text: str) -> str:
    """A service name as names are compared: stripped, case-folded, inner spaces single."""
    return " ".join(text.split()).casefold()


def _why(reason: str, /, **params: object) -> Message:
    return message(f"catalog_file.problem.{reason}", **params)


@dataclass(frozen=True)
class CatalogProblem:
    line: int
    column: str
    reason: Message

    def message(self) -> Message:
        """Where (line, and column when one is to blame) and what, from the catalogue."""
        if self.column:
            return message(
                "catalog_file.at_column", line=self.line, column=self.column, reason=self.reason
            )
        return message("catalog_file.at_line", line=self.line, reason=self.reason)

    def __str__(self) -> str:
        return str(self.message())


class CatalogError(SitthiError, ValueError):
    """A catalog file that was refused; `problems` lists every bad cell."""

    def __init__(self, source: str, problems: Sequence[CatalogProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = tuple(p.message() for p in self.problems)
        super().__init__(message("catalog_file.refused", source=source, problems=lines))


@functools.cache
def shipped_catalog() -> Catalog:
    """The starter catalog shipped with Sitthi (store/reference/pp_catalog.csv)."""
    text = resources.files("store.reference").joinpath(CATALOG).read_text(encoding="utf-8")
    return parse_catalog(text, CATALOG)


def clear_cache() -> None:
    shipped_catalog.cache_clear()


def read_catalog_file(path: Path) -> Catalog:
    """A province's catalog CSV (UTF-8, with or without BOM), checked whole."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = CatalogProblem(line, "", _why("not_utf8"))
        raise CatalogError(path.name, [problem]) from None
    return parse_catalog(text, path.name)


def parse_catalog(text: str, source: str = CATALOG) -> Catalog:
    """The catalog in `text`; CatalogError lists every problem if any row is bad."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header_problems = _check_header(reader.fieldnames)
    if header_problems:
        raise CatalogError(source, header_problems)
    try:
        catalog = catalog_from_rows(_numbered(reader), source)
    except csv.Error:
        raise CatalogError(
            source, [CatalogProblem(reader.line_num, "", _why("csv_error"))]
        ) from None
    if not catalog.items:
        raise CatalogError(source, [CatalogProblem(1, "", _why("no_items"))])
    return catalog


def catalog_csv(catalog: Catalog) -> str:
    """The catalog as a CSV file `parse_catalog` reads back to the same catalog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in catalog.items:
        writer.writerow(
            [
                item.fiscal_year,
                item.item,
                item.name_th,
                item.name_en,
                item.rate,
                item.source,
                item.code_field,
                item.codes_text if item.code_field else "",
                item.sex,
                _blank_if_none(item.age_min),
                _blank_if_none(item.age_max),
                "1" if item.thai_only else "",
                _blank_if_none(item.max_per_pregnancy),
                _blank_if_none(item.max_per_fiscal_year),
                _blank_if_none(item.min_interval_days),
                _blank_if_none(item.window_days),
                " ".join(item.nhso_codes),
                NAME_SEPARATOR.join(item.nhso_names),
            ]
        )
    return buffer.getvalue()


def _blank_if_none(value: int | None) -> str:
    return "" if value is None else str(value)


def catalog_from_rows(
    rows: Iterable[tuple[int, Mapping[str | None, str | None]]], source: str
) -> Catalog:
    """The catalog of (line number, row by column name) pairs, all checked; see parse_catalog."""
    problems: list[CatalogProblem] = []
    items: list[tuple[int, CatalogItem]] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, raw in rows:
        if None in raw:
            problems.append(CatalogProblem(line, "", _why("more_values")))
            continue
        row = {str(k): (v or "").strip() for k, v in raw.items()}
        for optional in OPTIONAL_COLUMNS:
            row.setdefault(optional, "")
        if not any(row.values()):
            continue
        if None in raw.values():
            problems.append(CatalogProblem(line, "", _why("fewer_values")))
            continue
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            problems.append(
                CatalogProblem(line, "", _why("missing_columns", columns=", ".join(missing)))
            )
            continue
        key = (row["fiscal_year"], row["item"].upper())
        if key in first_line:
            reason = _why("item_twice", item=key[1], year=key[0], first=first_line[key])
            problems.append(CatalogProblem(line, "item", reason))
        first_line.setdefault(key, line)
        parser = _RowParser(line, row)
        item = parser.item()
        problems.extend(parser.problems)
        if item is not None:
            items.append((line, item))
    problems.extend(_statement_code_clashes(items))
    if problems:
        raise CatalogError(source, sorted(problems, key=lambda p: p.line))
    return Catalog(tuple(item for _, item in items))


def _statement_code_clashes(items: Iterable[tuple[int, CatalogItem]]) -> list[CatalogProblem]:
    """Within a fiscal year every statement code (item or nhso code) and every service name
    must name one item."""
    owner: dict[tuple[int, str], str] = {}
    problems = []
    for line, item in items:
        for code in dict.fromkeys([item.item.upper(), *(c.upper() for c in item.nhso_codes)]):
            other = owner.setdefault((item.fiscal_year, code), item.item)
            if other != item.item:
                reason = _why("code_taken", code=code, other=other, year=item.fiscal_year)
                problems.append(CatalogProblem(line, "nhso_codes", reason))
    for line, item in items:
        for name in dict.fromkeys(normalise_name(n) for n in item.nhso_names):
            other = owner.setdefault((item.fiscal_year, f"name:{name}"), item.item)
            if other != item.item:
                reason = _why("name_taken", name=name, other=other, year=item.fiscal_year)
                problems.append(CatalogProblem(line, "nhso_names", reason))
    return problems


def _numbered(
    reader: csv.DictReader[str],
) -> Iterator[tuple[int, Mapping[str | None, str | None]]]:
    """Rows with the line each starts on (a quoted field may hold line breaks)."""
    start = reader.line_num + 1
    for raw in reader:
        yield start, raw
        start = reader.line_num + 1


def _check_header(fieldnames: Sequence[str] | None) -> list[CatalogProblem]:
    if not fieldnames:
        return [CatalogProblem(1, "", _why("empty_file"))]
    names = [n.strip() for n in fieldnames]
    problems = [
        CatalogProblem(1, name or "(blank)", _why("unknown_column"))
        for name in names
        if name not in COLUMNS
    ]
    problems += [
        CatalogProblem(1, name, _why("column_twice"))
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    missing = [c for c in COLUMNS if c not in names and c not in OPTIONAL_COLUMNS]
    if missing:
        problems.append(CatalogProblem(1, "", _why("missing_columns", columns=", ".join(missing))))
    return problems


class _RowParser:
    """Reads one catalog row, collecting a problem per bad cell."""

    def __init__(self, line: int, row: Mapping[str, str]) -> None:
        self.line = line
        self.row = row
        self.problems: list[CatalogProblem] = []

    def fail(self, column: str, reason: str, /, **params: object) -> None:
        """A problem in `column`; `reason` names its message (`catalog_file.problem.*`)."""
        self.problems.append(CatalogProblem(self.line, column, _why(reason, **params)))

    def item(self) -> CatalogItem | None:
        fiscal_year = self.fiscal_year()
        item = self.pattern("item", _ITEM, "item_shape")
        rate = self.rate()
        source = self.source()
        code_field, codes, any_value = self.codes(source)
        sex = self.choice("sex", SEXES)
        age_min = self.integer("age_min")
        age_max = self.integer("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.fail("age_min", "ages_reversed", low=age_min, high=age_max)
        thai_only = FLAGS.get(self.row["thai_only"])
        if thai_only is None:
            self.fail("thai_only", "flag")
        max_per_pregnancy = self.integer("max_per_pregnancy", positive=True)
        if max_per_pregnancy is not None and source and not source.pregnancy_field:
            self.fail("max_per_pregnancy", "no_pregnancy", source=source.name)
        max_per_fiscal_year = self.integer("max_per_fiscal_year", positive=True)
        min_interval_days = self.integer("min_interval_days", positive=True)
        window_days = self.integer("window_days")
        if window_days is not None and source and not source.related_date_field:
            self.fail("window_days", "no_window_date", source=source.name)
        nhso_codes = self.nhso_codes()
        for column, limit in TEXT_LIMITS.items():
            if len(self.row[column]) > limit:
                self.fail(column, "too_long", limit=limit)
        if self.problems or fiscal_year is None or rate is None or source is None:
            return None
        return CatalogItem(
            fiscal_year=fiscal_year,
            item=item,
            name_th=self.row["name_th"],
            name_en=self.row["name_en"],
            rate=rate,
            source=source.name,
            code_field=code_field,
            codes=codes,
            any_value=any_value,
            sex=sex,
            age_min=age_min,
            age_max=age_max,
            thai_only=bool(thai_only),
            max_per_pregnancy=max_per_pregnancy,
            max_per_fiscal_year=max_per_fiscal_year,
            min_interval_days=min_interval_days,
            window_days=window_days,
            nhso_codes=nhso_codes,
            nhso_names=self.nhso_names(),
        )

    def fiscal_year(self) -> int | None:
        value = self.row["fiscal_year"]
        if not value:
            self.fail("fiscal_year", "required")
            return None
        low, high = FISCAL_YEAR_RANGE
        if not (value.isascii() and value.isdigit() and low < int(value) < high):
            self.fail("fiscal_year", "not_a_year", value=value)
            return None
        return int(value)

    def integer(self, column: str, *, positive: bool = False) -> int | None:
        """A blank (no condition) or a whole number up to MAX_NUMBER; at least 1 if positive."""
        value = self.row[column]
        if not value:
            return None
        if not value.isascii() or not value.isdigit():
            self.fail(column, "not_whole", value=value)
            return None
        number = int(value)
        if number > MAX_NUMBER:
            self.fail(column, "too_big", number=number, limit=MAX_NUMBER)
        if positive and number == 0:
            self.fail(column, "at_least_one")
        return number

    def rate(self) -> Decimal | None:
        value = self.row["rate"].replace(",", "")
        if not value:
            self.fail("rate", "required")
            return None
        try:
            rate = Decimal(value)
        except InvalidOperation:
            self.fail("rate", "not_baht", value=value)
            return None
        if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
            self.fail("rate", "not_above_zero", value=value)
            return None
        if rate != rate.quantize(Decimal("0.01")):
            self.fail("rate", "decimals", value=value)
            return None
        return rate

    def pattern(self, column: str, regex: re.Pattern[str], shape: str) -> str:
        """The value when it matches `regex`; else the problem `shape` (what it should be)."""
        value = self.row[column]
        if not value:
            self.fail(column, "required")
        elif not regex.match(value):
            self.fail(column, shape, value=value)
        return value.upper()

    def choice(self, column: str, allowed: Sequence[str]) -> str:
        value = self.row[column]
        if value not in allowed:
            shown = ", ".join(a for a in allowed if a)
            reason = "not_one_of_or_blank" if "" in allowed else "not_one_of"
            self.fail(column, reason, value=value, allowed=shown)
        return value

    def source(self) -> SourceFile | None:
        name = self.row["source"].upper()
        if not name:
            self.fail("source", "required")
            return None
        found = source_file(name)
        if found is None or not found.fields:
            self.fail("source", "not_a_source", value=name)
            return None
        return found

    def codes(self, source: SourceFile | None) -> tuple[str, tuple[CodeRange, ...], bool]:
        code_field = self.row["code_field"].upper()
        text = self.row["codes"]
        if not code_field:
            if text:
                self.fail("code_field", "code_field_needed")
            return "", (), False
        if source is not None and code_field not in source.fields:
            self.fail("code_field", "not_a_field", value=code_field, source=source.name)
        if not text:
            self.fail("codes", "codes_needed", any=ANY_VALUE)
            return code_field, (), False
        if text == ANY_VALUE:
            return code_field, (), True
        ranges = []
        for token in text.split():
            parsed = self.code_range(token)
            if parsed is not None:
                ranges.append(parsed)
        return code_field, tuple(ranges), False

    def code_range(self, token: str) -> CodeRange | None:
        low, dash, high = token.upper().partition("-")
        if not dash:
            high = low
        if not _CODE.match(low) or not _CODE.match(high):
            self.fail("codes", "not_a_range", value=token)
            return None
        if len(low) != len(high):
            self.fail("codes", "range_lengths", value=token)
            return None
        if low > high:
            self.fail("codes", "range_reversed", value=token)
            return None
        return CodeRange(low, high)

    def nhso_names(self) -> tuple[str, ...]:
        names = (" ".join(n.split()) for n in self.row["nhso_names"].split(NAME_SEPARATOR))
        return tuple(n for n in names if n)

    def nhso_codes(self) -> tuple[str, ...]:
        codes = []
        for token in self.row["nhso_codes"].split():
            if _NHSO_CODE.match(token):
                codes.append(token)
            else:
                self.fail("nhso_codes", "not_a_code", value=token)
        return tuple(codes)
