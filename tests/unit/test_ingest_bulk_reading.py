"""The shortcuts that read large exports column by column give what reading row by row gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Table

from store.models import NhsoRight, Person
from sync.ingest import convert
from sync.ingest.convert import Column, ColumnConverter, Columns, Derived
from sync.ingest.f43 import read_f43
from tests.support.ingest_builders import cid

PERSON: Table = Person.__table__  # type: ignore[attr-defined]
RIGHTS: Table = NhsoRight.__table__  # type: ignore[attr-defined]

# --- splitting lines into columns ---------------------------------------------------------------

_CELL = st.text(alphabet=st.sampled_from(list("0 ab\tกข\r")), max_size=4)
_LINE = st.lists(_CELL, min_size=1, max_size=6).map("|".join)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=12), even=st.booleans())
def test_columns_of_any_lines_are_the_lines_split_one_by_one(lines: list[str], even: bool) -> None:
    if even:
        width = max(line.count("|") for line in lines) + 1
        lines = [line + "|" * (width - 1 - line.count("|")) for line in lines]
    data = "\n".join(lines).encode()
    reading = read_f43(data, "PERSON")
    wanted = ["HOSPCODE", "CID", "PID", "HID", "PRENAME", "NAME", "LNAME"]
    got = reading.columns(wanted)
    first = 2 if reading.has_header else 1
    expected_lines = [
        number for number, line in enumerate(reading.lines[first - 1 :], first) if line.strip()
    ]
    assert got.lines == expected_lines
    for name, values in got.values.items():
        position = reading.columns_by_position.index(name)
        expected = []
        for number in expected_lines:
            cells = reading.lines[number - 1].split("|")
            expected.append(cells[position].strip() if position < len(cells) else "")
        assert values == expected, name


# --- converting a column once per distinct value ------------------------------------------------


def _ymd_text(day: dt.date, be: bool) -> str:
    return f"{day.year + (543 if be else 0):04d}{day.month:02d}{day.day:02d}"


_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
_YMD = st.one_of(
    st.builds(_ymd_text, _DATES, st.booleans()),
    st.text(alphabet=st.sampled_from(list("0123456789")), min_size=8, max_size=8),
    st.sampled_from(["", " 20240101", "2024W011", "๒๕๖๗๐๑๐๑", "20240230", "25670229", "x"]),
)
_STAMP = st.one_of(
    st.builds(
        lambda day, be, seconds: (
            _ymd_text(day, be) + f"{seconds // 3600:02d}{seconds // 60 % 60:02d}{seconds % 60:02d}"
        ),
        _DATES,
        st.booleans(),
        st.integers(0, 86_399),
    ),
    _YMD,
    st.text(alphabet=st.sampled_from(list("0123456789")), min_size=14, max_size=14),
    st.sampled_from(["20240101246000", "2024010112", "20240101T120000"]),
)
_CID = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789")), min_size=13, max_size=13),
    st.sampled_from(["", "1-2345-67890-12-3", "๑๒๓๔๕๖๗๘๙๐๑๒๓", "12345678901234567"]),
)


def _house(fields: Mapping[str, str]) -> str:
    return f"{fields['HID']}/{fields['PID']}" if fields["HID"] else ""


def _converter() -> ColumnConverter:
    return ColumnConverter(
        "person.txt",
        PERSON,
        (
            Column("BIRTH", "birth", "ymd"),
            Column("D_UPDATE", "d_update", "ymdhms"),
            Column("CID", "cid", "cid_as_given"),
        ),
        frozenset({"D_UPDATE"}),
        (Derived("hid", ("HID", "PID"), _house),),
    )


def _each_row(derived: Derived, texts: Sequence[Sequence[str]], count: int) -> list[object]:
    """`derived.compute` called for every row, the plain way."""
    if not derived.fields:
        return [derived.compute({}) for _ in range(count)]
    rows = zip(*texts, strict=True)
    return [derived.compute(dict(zip(derived.fields, row, strict=True))) for row in rows]


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(_YMD, _STAMP, _CID, st.sampled_from(["", "1", "2"])), max_size=30))
def test_converting_by_distinct_value_gives_what_converting_each_value_gives(
    rows: list[tuple[str, str, str, str]],
) -> None:
    lines = list(range(2, len(rows) + 2))
    values: dict[str, list[object]] = {
        "BIRTH": [r[0] for r in rows],
        "D_UPDATE": [r[1] for r in rows],
        "CID": [r[2] for r in rows],
        "HID": [r[3] for r in rows],
        "PID": [str(n % 3) for n in range(len(rows))],
    }
    fast = _converter().convert(Columns(lines, values, all_text=True))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(convert, "BULK_CONVERTERS", {})
        patched.setattr(convert, "_computed", _each_row)
        slow = _converter().convert(Columns(lines, values))
    assert fast == slow


_RIGHTS_CID = st.one_of(_CID, st.integers(1, 10**6).map(cid), st.sampled_from([" " + cid(7)]))


@settings(max_examples=150, deadline=None)
@given(cids=st.lists(_RIGHTS_CID, max_size=30))
def test_checking_cids_in_bulk_gives_what_checking_each_gives(cids: list[str]) -> None:
    lines = list(range(2, len(cids) + 2))
    values: dict[str, list[object]] = {"cid": list(cids)}

    def checked() -> convert.ConvertedColumns:
        converter = ColumnConverter("r.csv", RIGHTS, (Column("cid", "cid", "cid"),), {"cid"})
        return converter.convert(Columns(lines, values, all_text=True))

    fast = checked()
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(convert, "BULK_CONVERTERS", {})
        slow = checked()
    assert fast == slow
