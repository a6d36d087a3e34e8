"""The rights-gap rules of domain.md section 4, each just met and just missed, without a store."""

from __future__ import annotations

import datetime as dt

import pytest

from store import codes, paths
from store.rights.rules import (
    CardFact,
    GapRules,
    NhsoFact,
    PersonFacts,
    action,
    best_record,
    evaluate,
    explanation,
    tally,
)
from tests.support.gaps_data import AS_OF, OTHER_UNIT, PARTNER, UNIT, make_cid, wrong_check_digit
from tests.support.gaps_facts import CHECKED, DAY, IMPORTED, RULES, UPDATED, card, nhso, person


def gaps_of(p: PersonFacts, partners: frozenset[str] = frozenset()) -> tuple[str, ...]:
    return evaluate(p, AS_OF, partners=partners, rules=RULES).codes


def test_a_thai_member_with_a_current_uc_right_at_the_unit_has_no_gaps() -> None:
    ev = evaluate(person(), AS_OF, rules=RULES)
    assert ev.codes == ()
    assert ev.responsible and ev.thai and ev.in_coverage and ev.covered


# Responsible population -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typearea", "responsible"),
    [("1", True), ("3", True), ("2", False), ("4", False), ("5", False), ("", False)],
)
def test_only_typearea_1_and_3_are_the_responsible_population(
    typearea: str, responsible: bool
) -> None:
    ev = evaluate(person(typearea=typearea, cid="", nhso=()), AS_OF, rules=RULES)
    assert ev.responsible is responsible
    assert bool(ev.codes) is responsible


@pytest.mark.parametrize(
    ("discharge", "responsible"),
    [("9", True), ("1", False), ("2", False), ("3", False), ("", False)],
)
def test_only_persons_not_discharged_are_the_responsible_population(
    discharge: str, responsible: bool
) -> None:
    ev = evaluate(person(discharge=discharge, nhso=()), AS_OF, rules=RULES)
    assert ev.responsible is responsible
    assert ("UNCHECKED" in ev.codes) is responsible


def test_a_local_death_record_takes_a_person_out_of_the_population_and_its_gaps() -> None:
    ev = evaluate(person(has_local_death=True, cid="", cards=(), nhso=()), AS_OF, rules=RULES)
    assert not ev.responsible
    assert ev.codes == ()
    assert tally([ev]).population == 0


def test_the_responsible_typeareas_come_from_the_reference_table() -> None:
    assert GapRules.from_reference().responsible_typeareas == {"1", "3"}


# NO_CID ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cid",
    [
        "",
        wrong_check_digit(make_cid(101)),
        make_cid(101)[:12],
        make_cid(101) + "0",
        "1111111111111",
        "0000000000000",
        "11017OO203450",
    ],
    ids=["blank", "checksum", "12 digits", "14 digits", "ones", "zeros", "letters"],
)
def test_a_missing_or_invalid_cid_is_no_cid(cid: str) -> None:
    assert "NO_CID" in gaps_of(person(cid=cid))


def test_a_valid_cid_is_not_no_cid_even_when_it_is_not_a_thai_one() -> None:
    assert "NO_CID" not in gaps_of(person(cid=make_cid(5, first="6"), nation="048"))


# Best record -------------------------------------------------------------------------------


def test_the_newest_nhso_record_by_check_date_is_the_best_record() -> None:
    p = person(nhso=(nhso("OFC", checked_on=CHECKED), nhso("SSS", checked_on=CHECKED - DAY)))
    best = best_record(p)
    assert best is not None and (best.source, best.right, best.group) == ("nhso", "OFC", "OFC")


def test_nhso_records_checked_the_same_day_are_ordered_by_import_time() -> None:
    later = IMPORTED + dt.timedelta(hours=1)
    p = person(nhso=(nhso("SSS", imported_at=IMPORTED), nhso("OFC", imported_at=later)))
    best = best_record(p)
    assert best is not None and best.right == "OFC"


def test_an_nhso_record_wins_over_a_newer_card_row() -> None:
    p = person(nhso=(nhso("SSS"),), cards=(card("0100", d_update=dt.datetime(2025, 1, 14)),))
    best = best_record(p)
    assert best is not None and (best.source, best.group) == ("nhso", "SSS")


def test_without_nhso_records_the_newest_card_row_is_the_best_record() -> None:
    p = person(
        nhso=(),
        cards=(card("4200", d_update=UPDATED), card("1100", d_update=UPDATED - DAY)),
    )
    best = best_record(p)
    assert best is not None and (best.source, best.right, best.group) == ("card", "4200", "SSS")


def test_a_person_with_no_records_has_no_best_record() -> None:
    assert best_record(person(nhso=(), cards=())) is None


# NO_RIGHT ----------------------------------------------------------------------------------


def test_no_record_at_all_is_no_right() -> None:
    assert "NO_RIGHT" in gaps_of(person(nhso=(), cards=()))


@pytest.mark.parametrize("maininscl", ["", "  "])
def test_a_blank_nhso_right_is_no_right(maininscl: str) -> None:
    assert "NO_RIGHT" in gaps_of(person(nhso=(nhso(maininscl),)))


@pytest.mark.parametrize(
    ("instype", "no_right"), [("9100", True), ("", True), ("0100", False), ("4100", False)]
)
def test_a_self_pay_or_blank_card_right_is_no_right(instype: str, no_right: bool) -> None:
    assert ("NO_RIGHT" in gaps_of(person(nhso=(), cards=(card(instype),)))) is no_right


def test_a_card_self_pay_right_does_not_count_when_nhso_finds_a_right() -> None:
    codes_found = gaps_of(person(cards=(card("9100"),)))
    assert "NO_RIGHT" not in codes_found
    assert "MISMATCH" in codes_found


# EXPIRED -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expdate", "expired"),
    [(AS_OF - DAY, True), (AS_OF, False), (AS_OF + DAY, False), (None, False)],
)
def test_an_nhso_right_expires_only_before_the_as_of_date(
    expdate: dt.date | None, expired: bool
) -> None:
    assert ("EXPIRED" in gaps_of(person(nhso=(nhso(expdate=expdate),)))) is expired


@pytest.mark.parametrize(("expiredate", "expired"), [(AS_OF - DAY, True), (AS_OF, False)])
def test_a_card_expiredate_counts_when_the_card_is_the_best_record(
    expiredate: dt.date, expired: bool
) -> None:
    p = person(nhso=(), cards=(card(expiredate=expiredate),))
    assert ("EXPIRED" in gaps_of(p)) is expired


def test_an_expired_card_does_not_count_when_nhso_has_a_current_right() -> None:
    assert "EXPIRED" not in gaps_of(person(cards=(card(expiredate=AS_OF - DAY),)))


def test_expired_needs_a_right_named() -> None:
    codes_found = gaps_of(person(nhso=(nhso("", expdate=AS_OF - DAY),)))
    assert "NO_RIGHT" in codes_found and "EXPIRED" not in codes_found


def test_an_expired_self_pay_card_is_no_right_not_expired() -> None:
    codes_found = gaps_of(person(nhso=(), cards=(card("9100", expiredate=AS_OF - DAY),)))
    assert "NO_RIGHT" in codes_found and "EXPIRED" not in codes_found


# STP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("maininscl", "stp"), [("STP", True), ("stp", True), ("UCS", False)])
def test_an_nhso_stp_right_is_stp(maininscl: str, stp: bool) -> None:
    assert ("STP" in gaps_of(person(nhso=(nhso(maininscl),)))) is stp


@pytest.mark.parametrize(
    ("instype", "stp"),
    [("8300", True), ("8308", True), ("8399", True), ("8299", False), ("8400", False)],
)
def test_a_card_instype_83xx_is_stp(instype: str, stp: bool) -> None:
    assert ("STP" in gaps_of(person(nhso=(), cards=(card(instype),)))) is stp


# OUTSIDE_UNIT ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "outside"),
    [
        ({"hsub": OTHER_UNIT}, True),
        ({"hsub": UNIT}, False),
        ({"hsub": PARTNER}, False),
        ({"hsub": "", "hmain_op": OTHER_UNIT, "hmain": UNIT}, True),
        ({"hsub": "", "hmain_op": UNIT, "hmain": OTHER_UNIT}, False),
        ({"hsub": "", "hmain_op": "", "hmain": OTHER_UNIT}, True),
        ({"hsub": "", "hmain_op": "", "hmain": PARTNER}, False),
        ({"hsub": UNIT, "hmain_op": OTHER_UNIT, "hmain": OTHER_UNIT}, False),
        ({"hsub": "", "hmain_op": "", "hmain": ""}, False),
    ],
    ids=[
        "hsub elsewhere",
        "hsub here",
        "hsub partner",
        "hmain_op elsewhere",
        "hmain_op here",
        "hmain elsewhere",
        "hmain partner",
        "hsub decides",
        "no unit named",
    ],
)
def test_a_uc_right_registered_outside_the_unit_and_its_partners_is_outside_unit(
    units: dict[str, str], outside: bool
) -> None:
    p = person(nhso=(nhso("UCS", **units),))
    assert ("OUTSIDE_UNIT" in gaps_of(p, partners=frozenset({PARTNER}))) is outside


def test_a_partner_unit_counts_only_when_configured() -> None:
    p = person(nhso=(nhso("UCS", hsub=PARTNER),))
    assert "OUTSIDE_UNIT" in gaps_of(p)
    assert "OUTSIDE_UNIT" not in gaps_of(p, partners=frozenset({PARTNER}))


@pytest.mark.parametrize(
    ("maininscl", "outside"), [("WEL", True), ("OFC", False), ("SSS", False), ("", False)]
)
def test_only_uc_rights_can_be_outside_the_unit(maininscl: str, outside: bool) -> None:
    p = person(nhso=(nhso(maininscl, hsub=OTHER_UNIT),), cards=())
    assert ("OUTSIDE_UNIT" in gaps_of(p)) is outside


def test_a_card_row_registered_elsewhere_is_not_outside_unit() -> None:
    p = person(nhso=(), cards=(card("0100", main=OTHER_UNIT),))
    assert "OUTSIDE_UNIT" not in gaps_of(p)


# DEAD_AT_NHSO ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deathdate", "dead"), [(AS_OF, True), (AS_OF - DAY, True), (AS_OF + DAY, False), (None, False)]
)
def test_an_nhso_death_date_up_to_the_as_of_date_is_dead_at_nhso(
    deathdate: dt.date | None, dead: bool
) -> None:
    ev = evaluate(person(nhso=(nhso(deathdate=deathdate),)), AS_OF, rules=RULES)
    assert ("DEAD_AT_NHSO" in ev.codes) is dead
    assert ev.in_coverage is not dead


def test_a_death_in_an_older_nhso_record_is_not_hidden_by_a_newer_one() -> None:
    records = (nhso(checked_on=CHECKED - DAY, deathdate=AS_OF - 30 * DAY), nhso())
    assert "DEAD_AT_NHSO" in gaps_of(person(nhso=records))


# MISMATCH ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instype", "maininscl"),
    [
        ("0100", "UCS"),
        ("0100", "WEL"),
        ("1100", "OFC"),
        ("1999", "OFC"),
        ("2000", "LGO"),
        ("2999", "LGO"),
        ("2101", "BKK"),
        ("2102", "BMT"),
        ("2105", "PTY"),
        ("4200", "SSS"),
        ("8300", "STP"),
        ("8399", "STP"),
        ("9100", ""),
    ],
)
def test_a_card_and_an_nhso_right_of_the_same_group_match(instype: str, maininscl: str) -> None:
    assert "MISMATCH" not in gaps_of(person(cards=(card(instype),), nhso=(nhso(maininscl),)))


@pytest.mark.parametrize(
    ("instype", "maininscl"),
    [
        ("0100", "OFC"),
        ("1100", "UCS"),
        ("2000", "OFC"),
        ("1999", "LGO"),
        ("4200", "UCS"),
        ("8300", "UCS"),
        ("0100", "STP"),
        ("9100", "UCS"),
        ("0100", ""),
    ],
)
def test_a_card_and_an_nhso_right_of_different_groups_mismatch(
    instype: str, maininscl: str
) -> None:
    assert "MISMATCH" in gaps_of(person(cards=(card(instype),), nhso=(nhso(maininscl),)))


@pytest.mark.parametrize(
    ("instype", "maininscl"), [("4100", "UCS"), ("5100", "OFC"), ("0100", "NHS"), ("", "SSS")]
)
def test_a_right_in_no_group_is_not_compared(instype: str, maininscl: str) -> None:
    assert "MISMATCH" not in gaps_of(person(cards=(card(instype),), nhso=(nhso(maininscl),)))


@pytest.mark.parametrize(("cards", "records"), [((), (nhso("OFC"),)), ((card("1100"),), ())])
def test_mismatch_needs_both_a_card_row_and_an_nhso_record(
    cards: tuple[CardFact, ...], records: tuple[NhsoFact, ...]
) -> None:
    assert "MISMATCH" not in gaps_of(person(cards=cards, nhso=records))


def test_mismatch_compares_the_newest_card_row_with_the_newest_nhso_record() -> None:
    cards = (card("1100", d_update=UPDATED - DAY), card("0100", d_update=UPDATED))
    records = (nhso("OFC", checked_on=CHECKED - DAY), nhso("UCS", checked_on=CHECKED))
    assert "MISMATCH" not in gaps_of(person(cards=cards, nhso=records))
    cards = (card("1100", d_update=UPDATED), card("0100", d_update=UPDATED - DAY))
    assert "MISMATCH" in gaps_of(person(cards=cards, nhso=records))


# UNCHECKED ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("age_days", "unchecked"), [(0, False), (90, False), (91, True)])
def test_a_check_older_than_90_days_is_unchecked(age_days: int, unchecked: bool) -> None:
    p = person(nhso=(nhso(checked_on=AS_OF - age_days * DAY),))
    assert ("UNCHECKED" in gaps_of(p)) is unchecked


def test_the_newest_check_decides_unchecked() -> None:
    records = (nhso(checked_on=AS_OF - 200 * DAY), nhso(checked_on=AS_OF - 5 * DAY))
    assert "UNCHECKED" not in gaps_of(person(nhso=records))


def test_a_person_never_checked_at_nhso_is_unchecked() -> None:
    assert "UNCHECKED" in gaps_of(person(nhso=()))


def test_the_unchecked_threshold_is_read_from_the_settings_table(sitthi_home: object) -> None:
    override = paths.reference_override_dir() / "settings.csv"
    override.parent.mkdir(parents=True)
    override.write_text(
        "key,value,meaning\nunchecked_after_days,30,shorter for this province\n",
        encoding="utf-8",
    )
    codes.clear_cache()
    rules = GapRules.from_reference()
    assert rules.unchecked_after_days == 30
    p = person(nhso=(nhso(checked_on=AS_OF - 31 * DAY),))
    assert "UNCHECKED" in evaluate(p, AS_OF, rules=rules).codes
    p = person(nhso=(nhso(checked_on=AS_OF - 30 * DAY),))
    assert "UNCHECKED" not in evaluate(p, AS_OF, rules=rules).codes


def test_by_default_the_threshold_is_90_days() -> None:
    assert GapRules.from_reference().unchecked_after_days == 90


# Several gaps, Thai nationals, coverage ----------------------------------------------------


def test_a_person_gets_every_gap_that_applies_in_rank_order() -> None:
    p = person(
        cid="",
        cards=(card("1100"),),
        nhso=(nhso("UCS", hsub=OTHER_UNIT, checked_on=AS_OF - 100 * DAY, expdate=AS_OF - DAY),),
    )
    assert gaps_of(p) == ("NO_CID", "EXPIRED", "OUTSIDE_UNIT", "MISMATCH", "UNCHECKED")


@pytest.mark.parametrize(
    ("nation", "thai"), [("099", True), ("99", True), ("048", False), ("", False), ("999", False)]
)
def test_nation_099_and_jhcis_99_are_thai(nation: str, thai: bool) -> None:
    assert evaluate(person(nation=nation), AS_OF, rules=RULES).thai is thai
    assert GapRules.from_reference().thai_nations >= {"099", "99"}


def test_a_non_thai_person_gets_gaps_but_stays_out_of_coverage() -> None:
    ev = evaluate(person(nation="048", nhso=(), cards=(card("9100"),)), AS_OF, rules=RULES)
    assert ev.codes == ("NO_RIGHT", "UNCHECKED")
    assert ev.responsible and not ev.in_coverage and not ev.covered


@pytest.mark.parametrize(
    ("changes", "covered"),
    [
        ({"nhso": (nhso(""),)}, False),
        ({"nhso": (nhso(expdate=AS_OF - DAY),)}, False),
        ({"nhso": (nhso("STP"),)}, False),
        ({"cid": ""}, True),
        ({"nhso": (nhso(hsub=OTHER_UNIT),)}, True),
        ({"cards": (card("1100"),)}, True),
        ({"nhso": (nhso(checked_on=AS_OF - 200 * DAY),)}, True),
    ],
    ids=["no right", "expired", "stp", "no cid", "outside", "mismatch", "unchecked"],
)
def test_only_no_right_expired_and_stp_break_coverage(
    changes: dict[str, object], covered: bool
) -> None:
    ev = evaluate(person(**changes), AS_OF, rules=RULES)
    assert ev.codes and ev.in_coverage
    assert ev.covered is covered


def test_coverage_of_a_hand_counted_population() -> None:
    people = [
        person(pid="1"),
        person(pid="2", nation="99"),
        person(pid="3", nhso=(nhso(""),), cards=()),
        person(pid="4", nhso=(nhso(expdate=AS_OF - DAY),)),
        person(pid="5", nhso=(nhso("STP"),), cards=()),
        person(pid="6", nhso=(nhso(hsub=OTHER_UNIT, checked_on=AS_OF - 91 * DAY),)),
        person(pid="7", nhso=(nhso(deathdate=AS_OF - DAY),)),
        person(pid="8", nation="048", nhso=(), cards=()),
        person(pid="9", typearea="4", nhso=(), cards=()),
        person(pid="10", discharge="2"),
        person(pid="11", cid="", nhso=()),
    ]
    counts = tally(evaluate(p, AS_OF, rules=RULES) for p in people)
    assert (counts.population, counts.thai_population, counts.covered) == (9, 7, 4)
    assert counts.coverage_pct == 57.14
    assert counts.gaps == {
        "NO_CID": 1,
        "NO_RIGHT": 2,
        "EXPIRED": 1,
        "STP": 1,
        "OUTSIDE_UNIT": 1,
        "DEAD_AT_NHSO": 1,
        "MISMATCH": 0,
        "UNCHECKED": 3,
    }


def test_coverage_is_none_when_nobody_is_counted() -> None:
    assert tally([]).coverage_pct is None
    foreigner = evaluate(person(nation="048"), AS_OF, rules=RULES)
    counts = tally([foreigner])
    assert (counts.population, counts.thai_population, counts.coverage_pct) == (1, 0, None)


# Texts -------------------------------------------------------------------------------------


def test_explanations_join_the_codes_texts_and_the_action_is_the_first_codes() -> None:
    found = ("NO_RIGHT", "UNCHECKED")
    no_right, unchecked = codes.gap_code("NO_RIGHT"), codes.gap_code("UNCHECKED")
    assert explanation(found, "en") == f"{no_right.explanation_en}; {unchecked.explanation_en}"
    assert explanation(found, "th") == f"{no_right.explanation_th}; {unchecked.explanation_th}"
    assert action(found, "th") == no_right.action_th
    assert action(found, "en") == no_right.action_en
    assert action((), "th") == ""
