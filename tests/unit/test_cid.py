from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.cid import (
    check_digit,
    format_cid,
    is_thai_cid,
    is_valid_cid,
    mask_cid,
    normalise_cid,
)


def test_the_documented_example_is_valid() -> None:
    assert is_valid_cid("1101700203450")


@pytest.mark.parametrize(
    "cid",
    ["1101700203451", "110170020345", "11017002034500", "1111111111111", "", None, "11017OO203450"],
)
def test_wrong_length_digit_or_check_is_rejected(cid: str | None) -> None:
    assert not is_valid_cid(cid)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_twelve_digits_have_exactly_one_valid_check_digit(first12: str) -> None:
    valid = [d for d in "0123456789" if is_valid_cid(first12 + d)]
    assert valid == (
        [] if len(set(first12 + str(check_digit(first12)))) == 1 else [str(check_digit(first12))]
    )


def test_cids_starting_0_6_7_are_valid_but_not_thai() -> None:
    for first in "067":
        body = first + "10170020345"
        cid = body + str(check_digit(body))
        assert is_valid_cid(cid)
        assert not is_thai_cid(cid)
    assert is_thai_cid("1101700203450")


def test_masking_hides_the_middle_digits() -> None:
    assert mask_cid("1101700203450") == "1-1017-xxxxx-45-0"
    assert mask_cid("") == ""
    assert "0203" not in mask_cid("11017002034")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1101700203450, "1101700203450"),
        (1101700203450.0, "1101700203450"),
        (" 1-1017-00203-45-0 ", "1101700203450"),
        ("1101700203450.0", "1101700203450"),
        (101700203450, "0101700203450"),
    ],
)
def test_cids_from_excel_numbers_are_restored_to_13_digits(raw: object, expected: str) -> None:
    assert normalise_cid(raw) == expected


# --- what reaches the importer, as properties ---------------------------------------------------

_TWELVE = st.text(alphabet="0123456789", min_size=12, max_size=12)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
OTHER_DIGITS = (
    str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"),
    str.maketrans("0123456789", "０１２３４５６７８９"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
)


def _valid(first12: str) -> str:
    return first12 + str(check_digit(first12))


@given(_TWELVE.filter(lambda t: len(set(t)) > 1))
def test_a_cid_comes_back_from_every_form_a_file_writes(first12: str) -> None:
    cid = _valid(first12)
    assert is_valid_cid(cid)
    for form in (
        int(cid),
        float(int(cid)),
        cid.translate(THAI_DIGITS),
        format_cid(cid),
        f" {cid} ",
    ):
        assert normalise_cid(form) == cid, form


@given(_TWELVE, st.sampled_from(OTHER_DIGITS), st.integers(min_value=0, max_value=12))
def test_a_digit_of_another_script_never_makes_a_valid_cid(
    first12: str, script: dict[int, int], where: int
) -> None:
    cid = _valid(first12)
    odd = cid[:where] + cid[where].translate(script) + cid[where + 1 :]
    assert not is_valid_cid(odd)
    assert not is_valid_cid(normalise_cid(odd))


@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_nothing_stored_makes_the_cid_helpers_raise(value: object) -> None:
    text = normalise_cid(value)
    assert isinstance(text, str)
    valid = is_valid_cid(text)
    assert not valid or (text.isascii() and len(text) == 13)
    assert isinstance(mask_cid(text), str)
    assert isinstance(format_cid(text), str)
    assert not is_thai_cid(text) or valid
