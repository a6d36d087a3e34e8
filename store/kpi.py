"""Rights reports built on the gap rules: KPI per unit, and the person-level gaps work list.

Both reports, and the terminal app's screens, go through `evaluate_units`, so a count on the
dashboard and a row in the work list always come from the same judgement. The dictionaries the
report functions return are the stable, versioned `--json` output of `sitthi report`:

    kpi:  {"version": 1, "as_of": "YYYY-MM-DD", "units": [{"hospcode", "population",
           "thai_population", "covered", "coverage_pct", "gaps": {code: count, ...},
           "pp": {"fiscal_year", "qualifying", "eligible_baht", "paid_baht", "denied_baht",
                  "pending_baht", "unclaimed_baht", "claim_rate_pct"}}]}
    gaps: {"version": 1, "as_of": "YYYY-MM-DD", "gaps": [{"hospcode", "pid", "cid", "name",
           "village", "codes", "explanation_th", "explanation_en", "action"}]}

`population` is the responsible population, `thai_population` the coverage denominator and
`covered` its numerator; `coverage_pct` is null when the denominator is 0. `gaps` in the KPI
report holds all eight codes in rank order, zeros included; `pp` is the unit's PP money for the
services dated in the fiscal year up to the as-of date (`store.pp.report` says what each figure
is; the fiscal year is the as-of date's unless another is asked for). In the gaps report the CID
is masked
unless asked for, and `action` is the first code's action in the report's language (`th` unless
`lang="en"`): one thing to do first, while both explanations are given in full.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from store import codes
from store.cid import mask_cid
from store.facts import iter_unit_facts
from store.gaps import Evaluation, GapRules, action, evaluate, explanation, tally

REPORT_VERSION = 1


@dataclass(frozen=True)
class UnitEvaluation:
    """Every person of one unit judged on one date."""

    hospcode: str
    evaluations: tuple[Evaluation, ...]


def evaluate_units(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    rules: GapRules | None = None,
) -> Iterator[UnitEvaluation]:
    """Judge every person of each known unit (or of `hospcode`), one unit at a time."""
    rules = rules or GapRules.from_reference()
    for unit in iter_unit_facts(conn, hospcode):
        evaluations = tuple(
            evaluate(person, as_of, partners=unit.partners, rules=rules) for person in unit.persons
        )
        yield UnitEvaluation(unit.hospcode, evaluations)


def work_list(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> list[Evaluation]:
    """Persons with at least one gap, sorted by unit, village and PID (natural order)."""
    rows = [
        ev for unit in evaluate_units(conn, as_of, hospcode) for ev in unit.evaluations if ev.codes
    ]
    rows.sort(key=work_list_key)
    return rows


def work_list_key(ev: Evaluation) -> tuple[str, list[Any], list[Any]]:
    """Unit, then village and PID with their numbers compared as numbers ("หมู่ 2" < "หมู่ 10")."""
    return ev.person.hospcode, natural_key(ev.person.village), natural_key(ev.person.pid)


def natural_key(text: str) -> list[Any]:
    """Runs of decimal digits as numbers, the rest as text (superscripts are text: `int` cannot
    read them, and a stored odd value must not break a report)."""
    return [
        (0, int(part), "") if part.isdecimal() else (1, 0, part) for part in _RUNS.findall(text)
    ]


_RUNS = re.compile(r"\d+|\D+")


def coverage_target_pct() -> float:
    """The rights-coverage target (settings.csv `coverage_target_pct`)."""
    return codes.setting_float("coverage_target_pct")


def pp_claim_target_pct() -> float:
    """The PP money target: paid against claimable (settings.csv `pp_claim_target_pct`)."""
    return codes.setting_float("pp_claim_target_pct")


def kpi_report(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    fiscal_year: int | None = None,
) -> dict[str, Any]:
    """Population, coverage, gap counts and PP money of each unit (schema in the module
    docstring); PP money of `fiscal_year`, by default the as-of date's."""
    from store.pp.report import pp_blocks
    from store.thaidate import fiscal_year as fiscal_year_of

    year = fiscal_year if fiscal_year is not None else fiscal_year_of(as_of)
    units: list[dict[str, Any]] = []
    for unit in evaluate_units(conn, as_of, hospcode):
        counts = tally(unit.evaluations)
        units.append(
            {
                "hospcode": unit.hospcode,
                "population": counts.population,
                "thai_population": counts.thai_population,
                "covered": counts.covered,
                "coverage_pct": counts.coverage_pct,
                "gaps": counts.gaps,
            }
        )
    money = pp_blocks(conn, year, [u["hospcode"] for u in units], as_of=as_of, hospcode=hospcode)
    for unit_row in units:
        unit_row["pp"] = money[unit_row["hospcode"]]
    return {"version": REPORT_VERSION, "as_of": as_of.isoformat(), "units": units}


def gaps_report(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    show_cid: bool = False,
    *,
    lang: str = "th",
) -> dict[str, Any]:
    """Every person with a gap (schema in the module docstring)."""
    rows = [gap_row(ev, show_cid=show_cid, lang=lang) for ev in work_list(conn, as_of, hospcode)]
    return {"version": REPORT_VERSION, "as_of": as_of.isoformat(), "gaps": rows}


def gap_row(ev: Evaluation, *, show_cid: bool = False, lang: str = "th") -> dict[str, Any]:
    """One person's line of the gaps report."""
    person = ev.person
    return {
        "hospcode": person.hospcode,
        "pid": person.pid,
        "cid": person.cid if show_cid else mask_cid(person.cid),
        "name": person.full_name,
        "village": person.village,
        "codes": list(ev.codes),
        "explanation_th": explanation(ev.codes, "th"),
        "explanation_en": explanation(ev.codes, "en"),
        "action": action(ev.codes, lang),
    }
