"""Claim status from NHSO statement lines, the error-code table, and the money per unit."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from store.pp.catalog import COLUMNS, Catalog, parse_catalog, shipped_catalog
from store.pp.claims import (
    ClaimResult,
    ClaimStatus,
    StatementLine,
    match_claims,
    money_summary,
)
from store.pp.eligibility import Person, Service, evaluate
from store.pp.nhso_errors import error_code, error_codes
from tests.support.pp_facts import T0, UNIT, WOMAN, make_cid, service

D = dt.date
REFERENCE = Path(__file__).parents[2] / "store" / "reference"
MAN = Person(sex="1", birth=D(1980, 2, 2), thai=True, cid=make_cid(2))


def line(
    day: dt.date,
    item: str = "ANC",
    *,
    paid: str | None = None,
    error: str = "",
    at: dt.datetime = T0,
    line_no: int = 1,
    cid: str = WOMAN.cid,
    hospcode: str = UNIT,
) -> StatementLine:
    amount = None if paid is None else Decimal(paid)
    return StatementLine(hospcode, cid, day, item, amount, error, "STM-1", at, line_no)


def claims_for(
    services: Sequence[Service],
    lines: Sequence[StatementLine],
    persons: dict[tuple[str, str], Person] | None = None,
    catalog: Catalog | None = None,
) -> ClaimResult:
    catalog = catalog or shipped_catalog()
    persons = persons or {(s.hospcode, s.pid): WOMAN for s in services}
    return match_claims(evaluate(services, persons, catalog), lines, catalog)


VISIT = D(2025, 1, 10)


# Each status from each kind of line --------------------------------------------------------

STATUS_CASES = [
    ("no line", [], ClaimStatus.UNCLAIMED),
    ("no amount, no error", [line(VISIT)], ClaimStatus.PENDING),
    ("zero, no error", [line(VISIT, paid="0")], ClaimStatus.PENDING),
    ("the rate", [line(VISIT, paid="360")], ClaimStatus.PAID),
    ("above the rate", [line(VISIT, paid="400.50")], ClaimStatus.PAID),
    ("a satang short", [line(VISIT, paid="359.99")], ClaimStatus.PARTIAL),
    ("a satang", [line(VISIT, paid="0.01")], ClaimStatus.PARTIAL),
    ("error, no amount", [line(VISIT, error="633")], ClaimStatus.DENIED),
    ("error, zero", [line(VISIT, paid="0", error="633")], ClaimStatus.DENIED),
    ("error, taken back", [line(VISIT, paid="-360", error="633")], ClaimStatus.DENIED),
    ("error, yet paid", [line(VISIT, paid="360", error="V101")], ClaimStatus.PAID),
]


@pytest.mark.parametrize(
    ("lines", "expected"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES]
)
def test_each_kind_of_statement_line_gives_its_status(
    lines: list[StatementLine], expected: ClaimStatus
) -> None:
    result = claims_for([service("ANC", VISIT)], lines)
    assert [c.status for c in result.claims] == [expected]
    assert result.unmatched == ()


def test_a_service_that_is_not_eligible_stays_so_with_its_line_attached() -> None:
    visits = [service("ANC", D(2024, 10, 1) + dt.timedelta(days=30 * i)) for i in range(6)]
    sixth = visits[-1].date
    result = claims_for(visits, [line(sixth, error="633")])
    last = result.claims[-1]
    assert last.status is ClaimStatus.NOT_ELIGIBLE
    assert last.line is not None and last.line.error_code == "633"
    assert result.unmatched == ()


def test_a_denied_claim_shows_the_meaning_and_fix_of_its_code() -> None:
    (claim,) = claims_for([service("ANC", VISIT)], [line(VISIT, error="633")]).claims
    assert claim.error is not None
    assert claim.error.description("en") == "Antenatal care claimed more times than allowed"
    assert "5 ครั้ง" in claim.error.guide("th")


def test_an_unknown_error_code_still_shows_as_an_unknown_code() -> None:
    (claim,) = claims_for([service("ANC", VISIT)], [line(VISIT, error="Z999")]).claims
    assert claim.status is ClaimStatus.DENIED
    assert claim.error is not None
    assert (claim.error.code, claim.error.known) == ("Z999", False)
    assert claim.error.description("en") == "unknown code"
    assert claim.error.description("th") == "ไม่รู้จักรหัสนี้"


# The line imported last decides ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected", "history"),
    [
        ([line(VISIT, error="633"), line(VISIT, paid="360", at=T0 + dt.timedelta(days=30))],
         ClaimStatus.PAID, ["633"]),
        ([line(VISIT, paid="360", at=T0 + dt.timedelta(days=30)), line(VISIT, error="633")],
         ClaimStatus.PAID, ["633"]),
        ([line(VISIT, paid="360"), line(VISIT, error="606", at=T0 + dt.timedelta(seconds=1))],
         ClaimStatus.DENIED, [""]),
        ([line(VISIT, error="633", line_no=7), line(VISIT, line_no=8)],
         ClaimStatus.PENDING, ["633"]),
        ([line(VISIT, line_no=8), line(VISIT, error="633", line_no=7)],
         ClaimStatus.PENDING, ["633"]),
    ],
    ids=["resent-paid", "listed-out-of-order", "later-denial", "same-file", "same-file-reversed"],
)  # fmt: skip
def test_the_line_imported_last_decides_and_earlier_lines_are_history(
    lines: list[StatementLine], expected: ClaimStatus, history: list[str]
) -> None:
    (claim,) = claims_for([service("ANC", VISIT)], lines).claims
    assert claim.status is expected
    assert [h.error_code for h in claim.history] == history


# Matching and unmatched lines -------------------------------------------------------------


def test_an_item_code_matches_by_item_or_nhso_code_in_any_case() -> None:
    cells = {"fiscal_year": "2568", "item": "ANC", "rate": "360", "source": "ANC"}
    cells["nhso_codes"] = "30008"
    catalog = parse_catalog(
        "\n".join([",".join(COLUMNS), ",".join(cells.get(c, "") for c in COLUMNS)])
    )
    day2 = VISIT + dt.timedelta(days=30)
    services = [service("ANC", VISIT), service("ANC", day2)]
    lines = [line(VISIT, "30008", paid="360"), line(day2, "anc", paid="100")]
    result = claims_for(services, lines, catalog=catalog)
    assert [c.status for c in result.claims] == [ClaimStatus.PAID, ClaimStatus.PARTIAL]


UNMATCHED = [
    ("unknown item", line(VISIT, "XYZ"), "UNKNOWN_ITEM"),
    ("item of no catalog year", line(D(2020, 1, 10)), "UNKNOWN_ITEM"),
    ("other day", line(VISIT + dt.timedelta(days=1)), "NO_SERVICE"),
    ("other unit", line(VISIT, hospcode="10002"), "NO_SERVICE"),
    ("other person", line(VISIT, cid=make_cid(5)), "NO_SERVICE"),
    ("other item", line(VISIT, "FP_PILL"), "NO_SERVICE"),
]


@pytest.mark.parametrize(
    ("stray", "reason"), [c[1:] for c in UNMATCHED], ids=[c[0] for c in UNMATCHED]
)
def test_a_line_that_matches_no_service_is_reported_never_dropped(
    stray: StatementLine, reason: str
) -> None:
    result = claims_for([service("ANC", VISIT)], [line(VISIT, paid="360"), stray])
    assert [c.status for c in result.claims] == [ClaimStatus.PAID]
    assert [(u.line, u.reason) for u in result.unmatched] == [(stray, reason)]


def test_an_unmatched_line_says_why_in_both_languages() -> None:
    result = claims_for([], [line(VISIT, "XYZ")])
    (unmatched,) = result.unmatched
    assert unmatched.text("en") == "Item code XYZ is not in the PP catalog of fiscal year 2568"
    assert "XYZ" in unmatched.text("th")


def test_a_line_goes_to_the_eligible_one_of_two_services_on_the_same_day() -> None:
    born = D(2025, 1, 1)
    late = service("POSTNATAL", D(2025, 1, 20), seq="A", related=D(2024, 10, 1))
    on_time = service("POSTNATAL", D(2025, 1, 20), seq="B", related=born)
    result = claims_for([late, on_time], [line(D(2025, 1, 20), "PNC", paid="150")])
    statuses = {c.evaluation.service.seq: c.status for c in result.claims}
    assert statuses == {"A": ClaimStatus.NOT_ELIGIBLE, "B": ClaimStatus.PAID}


# Error codes -----------------------------------------------------------------------------

PP_ERRORS = ["607", "897", "143", "756", "638", "633", "640", "606", "603", "896", "999", "420",
             "639", "241"]  # fmt: skip


def test_the_error_table_keeps_every_code_with_its_multi_line_fix_guides() -> None:
    with (REFERENCE / "nhso_error_codes.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == [
        "code",
        "type",
        "description_th",
        "guide_th",
        "description_en",
        "guide_en",
    ]
    assert len(rows) == len(error_codes()) == 1069
    assert "\n" in error_code("999").guide_th


@pytest.mark.parametrize("code", PP_ERRORS)
def test_the_common_pp_error_codes_read_in_english(code: str) -> None:
    found = error_code(code)
    assert found.known
    assert found.description_en and found.guide_en
    assert found.description("th") == found.description_th != found.description("en")


@pytest.mark.parametrize(
    ("written", "code"), [("633.0", "633"), (" v101 ", "V101"), ("633", "633")]
)
def test_error_codes_are_read_as_statements_write_them(written: str, code: str) -> None:
    assert (error_code(written).code, error_code(written).known) == (code, True)


# Money per unit --------------------------------------------------------------------------


def test_the_money_summary_adds_up_per_unit_and_fiscal_year() -> None:
    other = "10002"
    services = [
        service("ANC", D(2025, 1, 10)),
        service("ANC", D(2025, 2, 10)),
        service("FP", D(2025, 1, 11), {"FPTYPE": "1"}),
        service("NCDSCREEN", D(2025, 1, 12), {"BSLEVEL": "90"}),
        service("EPI", D(2025, 1, 13), {"VACCINETYPE": "101"}),
        service("SPECIALPP", D(2025, 1, 14), {"PPSPECIAL": "1B0041"}, pid="2"),
        service("ANC", D(2025, 10, 10)),
        service("ANC", D(2025, 3, 1), hospcode=other),
        service("SPECIALPP", D(2025, 3, 2), {"PPSPECIAL": "1B0041"}, hospcode="10003", pid="2"),
    ]
    persons = {(s.hospcode, s.pid): MAN if s.pid == "2" else WOMAN for s in services}
    lines = [
        line(D(2025, 1, 10), paid="360"),
        line(D(2025, 2, 10), paid="200"),
        line(D(2025, 1, 11), "FP_PILL", error="423"),
        line(D(2025, 1, 12), "FPG"),
        line(D(2025, 10, 10), paid="360"),
        line(D(2025, 3, 1), paid="400", hospcode=other),
    ]
    result = claims_for(services, lines, persons)
    first, second, third = money_summary(result.claims, 2568)
    assert (first.hospcode, first.qualifying, first.not_eligible) == (UNIT, 5, 1)
    assert first.eligible_baht == Decimal("820")  # 360 + 360 + 40 + 40 + 20
    assert first.paid_baht == Decimal("560")  # 360 + 200
    assert (first.denied_baht, first.pending_baht, first.unclaimed_baht) == (
        Decimal("40"),
        Decimal("40"),
        Decimal("20"),
    )
    assert first.claim_rate_pct == Decimal("68.29")  # 560 / 820 = 68.2926...
    assert (second.hospcode, second.paid_baht, second.claim_rate_pct) == (
        other,
        Decimal("400"),
        Decimal("111.11"),
    )
    assert (third.qualifying, third.not_eligible, third.claim_rate_pct) == (0, 1, None)
    (next_year,) = money_summary(result.claims, 2569)
    assert (next_year.qualifying, next_year.paid_baht) == (1, Decimal("360"))


def test_a_unit_can_add_an_error_code_the_shipped_table_lacks(sitthi_home: Path) -> None:
    from store.paths import reference_override_dir
    from store.pp import nhso_errors

    folder = reference_override_dir()
    folder.mkdir(parents=True)
    (folder / "nhso_error_codes.csv").write_text(
        "code,type,description_th,guide_th,description_en,guide_en\n"
        'Q01,Deny,"รหัสใหม่\nสองบรรทัด",แก้ไข,New code,Fix it\n',
        encoding="utf-8",
    )
    nhso_errors.clear_cache()
    try:
        added = error_code("q01")
        assert (added.known, added.description("en"), added.description_th) == (
            True,
            "New code",
            "รหัสใหม่\nสองบรรทัด",
        )
        assert error_code("633").known
    finally:
        nhso_errors.clear_cache()
