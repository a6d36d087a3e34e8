"""Reading 43-file members: any encoding Thai exporters use, with or without a header line."""

from __future__ import annotations

import codecs
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.ingest import f43
from sync.ingest.f43 import file_of_member, layout, read_f43
from sync.ingest.refused import Refused
from sync.ingest.textfile import decode_text
from tests.support.ingest_builders import f43_text, person

THAI_NAME = "นางสาวสมหญิง"


# --- refusals first ---------------------------------------------------------------------------


def test_binary_garbage_is_refused_not_decoded() -> None:
    garbage = random.Random(7).randbytes(4000)
    with pytest.raises(Refused, match=r"binary|neither UTF-8 nor TIS-620"):
        read_f43(garbage, "PERSON")


def test_text_with_nul_bytes_is_refused_as_binary() -> None:
    with pytest.raises(Refused, match="binary"):
        decode_text(b"HOSPCODE|PID\r\n07543|1\x00\x00\x00\r\n")


def test_a_byte_order_mark_followed_by_non_utf8_is_refused() -> None:
    with pytest.raises(Refused, match="UTF-8 mark"):
        decode_text(codecs.BOM_UTF8 + THAI_NAME.encode("cp874"))


def test_control_characters_in_quantity_mean_binary() -> None:
    with pytest.raises(Refused, match="binary"):
        decode_text(bytes(range(1, 32)) * 50)


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (THAI_NAME.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + THAI_NAME.encode("utf-8"), "utf-8-sig"),
        (THAI_NAME.encode("cp874"), "cp874"),
        (THAI_NAME.encode("utf-16"), "utf-16"),
    ],
)
def test_each_encoding_is_recognised(raw: bytes, encoding: str) -> None:
    decoded = decode_text(raw)
    assert decoded.encoding == encoding
    assert decoded.text == THAI_NAME


def test_one_tis620_byte_makes_the_whole_file_tis620() -> None:
    raw = b"HOSPCODE|NAME\r\n07543|" + THAI_NAME.encode("cp874")
    decoded = decode_text(raw)
    assert decoded.encoding == "cp874"
    assert decoded.text.endswith(THAI_NAME)


def test_a_file_mixing_utf8_and_tis620_lines_is_read_line_by_line_not_half_garbled() -> None:
    raw = THAI_NAME.encode("utf-8") + b"\r\n" + THAI_NAME.encode("cp874")
    decoded = decode_text(raw)
    assert decoded.text.split("\r\n") == [THAI_NAME, THAI_NAME]
    assert list(decoded.line_notes) == [2]
    assert decoded.line_notes[2][0] == "warning"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_thai_names_read_in_each_encoding(encoding: str) -> None:
    data = f43_text("PERSON", [person(1, NAME=THAI_NAME, LNAME="ศรีสุข")], encoding=encoding)
    reading = read_f43(data, "PERSON")
    rows = list(reading.rows(["NAME", "LNAME", "HOSPCODE"]))
    assert rows == [(2, {"NAME": THAI_NAME, "LNAME": "ศรีสุข", "HOSPCODE": "07543"})]
    assert reading.encoding == encoding


# --- header or not ------------------------------------------------------------------------------


def test_a_header_line_maps_columns_by_name_in_any_case_and_order() -> None:
    data = b"pid|Hospcode|NOT_A_FIELD|sex|D_UPDATE\n7|07543|zzz|2|20250101120000\n"
    reading = read_f43(data, "PERSON")
    assert reading.has_header
    assert list(reading.rows(["HOSPCODE", "PID", "SEX", "NAME"])) == [
        (2, {"HOSPCODE": "07543", "PID": "7", "SEX": "2", "NAME": ""})
    ]


def test_without_a_header_columns_follow_the_known_order() -> None:
    data = f43_text("PERSON", [person(4, SEX="2")], header=False, newline="\n")
    reading = read_f43(data, "PERSON")
    assert not reading.has_header
    assert list(reading.rows(["PID", "SEX"])) == [(1, {"PID": "4", "SEX": "2"})]


def test_unknown_trailing_fields_are_ignored_under_a_header() -> None:
    data = f43_text("CARD", [{"HOSPCODE": "07543", "PID": "9"}], header=True, extra=["A", "B"])
    rows = list(read_f43(data, "CARD").rows())
    assert rows[0][1]["PID"] == "9"
    assert set(rows[0][1]) == set(layout("CARD"))


def test_a_headerless_field_count_of_no_known_layout_is_refused_not_guessed() -> None:
    data = f43_text("CARD", [{"HOSPCODE": "07543", "PID": "9"}], header=False, extra=["A", "B"])
    unknown = read_f43(data, "CARD").unknown_layout
    assert unknown is not None
    assert re.search(r"13 fields per line .* layout of CARD \(10, 11 fields\)", unknown.message)


def test_the_in_house_service_without_hsub_maps_the_cid_right() -> None:
    fields = [f for f in layout("SERVICE") if f != "HSUB"]
    assert fields[-3:] == ["ACTUALPAY", "D_UPDATE", "CID"]
    row = {"HOSPCODE": "07543", "PID": "9", "SEQ": "1", "D_UPDATE": "20250101120000"}
    row["CID"] = "3000000000013"
    data = f43_text("SERVICE", [row], header=False, fields=fields)
    reading = read_f43(data, "SERVICE")
    assert next(reading.rows(["CID", "HSUB", "D_UPDATE"]))[1] == {
        "CID": "3000000000013",
        "HSUB": "",
        "D_UPDATE": "20250101120000",
    }


def test_the_in_house_labfu_with_labplace_before_cid() -> None:
    fields = [*[f for f in layout("LABFU") if f != "CID"], "LABPLACE", "CID"]
    row = {"HOSPCODE": "07543", "PID": "9", "LABTEST": "0531002", "LABPLACE": "07543"}
    row["CID"] = "3000000000013"
    reading = read_f43(f43_text("LABFU", [row], header=False, fields=fields), "LABFU")
    assert next(reading.rows(["CID", "LABTEST"]))[1] == {
        "CID": "3000000000013",
        "LABTEST": "0531002",
    }


def test_person_of_31_fields_is_the_layout_without_telephone_and_mobile() -> None:
    fields = [f for f in layout("PERSON") if f not in ("TELEPHONE", "MOBILE")]
    assert len(fields) == 31
    data = f43_text("PERSON", [person(4, SEX="2")], header=False, fields=fields)
    assert next(read_f43(data, "PERSON").rows(["SEX", "D_UPDATE", "MOBILE"]))[1] == {
        "SEX": "2",
        "D_UPDATE": "20250101120000",
        "MOBILE": "",
    }


def test_a_separator_ending_every_line_is_no_field_of_its_own() -> None:
    text = f43_text("CARD", [{"HOSPCODE": "07543", "PID": "9", "CID": "x"}], header=False)
    data = text.replace(b"\r\n", b"|\r\n")
    assert next(read_f43(data, "CARD").rows(["PID", "CID"]))[1] == {"PID": "9", "CID": "x"}


def test_an_older_version_without_the_appended_fields_reads_them_blank() -> None:
    old = [f for f in layout("CARD") if f != "CID"]
    data = f43_text("CARD", [{"HOSPCODE": "07543", "PID": "9"}], header=False, fields=old)
    assert next(read_f43(data, "CARD").rows(["CID", "PID"]))[1] == {"CID": "", "PID": "9"}


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    data = b"HOSPCODE|PID\r\n\r\n07543|1\r\n   \r\n07543|2\r\n"
    assert [n for n, _ in read_f43(data, "PERSON").rows(["PID"])] == [3, 5]


def test_a_data_line_is_never_taken_for_a_header() -> None:
    data = b"07543|SEX|HN|PID\n"
    reading = read_f43(data, "PERSON")
    assert not reading.has_header


def test_rows_read_in_chunks_keep_their_order_and_widths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f43, "SPLIT_CHUNK", 2)
    data = b"07543|1\n07543|2|x\n\n07543\n07543|4|y|z\n07543|5\n"
    rows = list(read_f43(data, "LABFU").rows(["PID", "SEQ"]))
    assert rows == [
        (1, {"PID": "1", "SEQ": ""}),
        (2, {"PID": "2", "SEQ": "x"}),
        (4, {"PID": "", "SEQ": ""}),
        (5, {"PID": "4", "SEQ": "y"}),
        (6, {"PID": "5", "SEQ": ""}),
    ]


def test_values_lose_surrounding_spaces() -> None:
    data = b"HOSPCODE|PID|NAME\n 07543 | 12 |  A B  \n"
    assert next(read_f43(data, "PERSON").rows(["PID", "NAME"]))[1] == {"PID": "12", "NAME": "A B"}


# --- member names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "file"),
    [
        ("person.txt", "PERSON"),
        ("PERSON.TXT", "PERSON"),
        ("F43_07543_20250101/Card.txt", "CARD"),
        ("a\\b\\home.TXT", "HOME"),
        ("procedure_opd.txt", "PROCEDURE_OPD"),
        ("readme.txt", None),
        ("person.csv", None),
        ("personal.txt", None),
    ],
)
def test_members_are_known_by_their_file_name_in_any_case_and_folder(
    member: str, file: str | None
) -> None:
    assert file_of_member(member) == file


# --- property: what is written is what is read ---------------------------------------------------

_CP874_TEXT = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x20, 0x7F) if chr(c) != "|"]
        + [chr(c) for c in range(0x0E01, 0x0E3B)]
        + [chr(c) for c in range(0x0E3F, 0x0E5C)]
    ),
    max_size=12,
).map(str.strip)


@st.composite
def _person_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    fields = layout("PERSON")
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        row = {f: draw(_CP874_TEXT) for f in fields}
        row["HOSPCODE"] = draw(st.from_regex(r"\A[0-9]{5}\Z"))
        rows.append(row)
    return rows


@settings(max_examples=150, deadline=None)
@given(
    rows=_person_rows(),
    header=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp874"]),
    extra=st.lists(st.sampled_from(["x", "1", ""]), max_size=2),
)
def test_round_trip_of_any_values_line_ending_encoding_and_header(
    rows: list[dict[str, str]], header: bool, newline: str, encoding: str, extra: list[str]
) -> None:
    # Without a header, unknown extra fields make a layout no exporter writes: refused (above).
    extra = extra if header else []
    data = f43_text("PERSON", rows, header=header, newline=newline, encoding=encoding, extra=extra)
    reading = read_f43(data, "PERSON")
    assert reading.has_header == header
    read = [row for _line, row in reading.rows(layout("PERSON"))]
    assert read == rows
