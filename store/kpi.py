"""The rights KPI per unit, and the judgement every rights report and screen stands on.

The KPI report, the gaps work list (`store.rights.report`) and the terminal app's screens all go
through `evaluate_units`, so a count on the dashboard and a row in the work list always come
from the same judgement. `kpi_report` returns a typed `KpiReport`; its `to_json` is the stable,
versioned `--json` output of `sitthi report kpi`:

    {"version": 1, "as_of": "YYYY-MM-DD", "units": [{"hospcode", "population",
     "thai_population", "covered", "coverage_pct", "gaps": {code: count, ...},
     "pp": {"fiscal_year", "qualifying", "eligible_baht", "paid_baht", "denied_baht",
            "pending_baht", "unclaimed_baht", "claim_rate_pct", "due_count", "to_earn_baht"},
     "statements": {"rep_lines", "rep_lines_c", "c_rate_pct", "c_rate_target_pct",
                    "statement_paid_baht", "transferred_baht", "untransferred_baht",
                    "months": [{"month": "YYYY-MM", "rep_lines", "rep_lines_c", "c_rate_pct",
                                "statement_paid_baht", "transferred_baht"}]}}]}

`population` is the responsible population, `thai_population` the coverage denominator and
`covered` its numerator; `coverage_pct` is null when the denominator is 0. `gaps` holds all eight
codes in rank order, zeros included; `pp` is the unit's PP money for the services dated in the
fiscal year up to the as-of date (`store.pp.report` says what each figure is; the fiscal year is
the as-of date's unless another is asked for). `due_count` and `to_earn_baht` are the PP-due
figures of the as-of date (`store.pp.due`): screenings the responsible population is due for
(a person due for two items counts twice), and the baht still to earn this fiscal year, rate ×
persons due.

`statements` covers the same fiscal year up to the as-of date, month by month (months with any
figure): `rep_lines` the unit's e-Claim REP lines by visit date, `rep_lines_c` those with an
error code ("ติด C"), `c_rate_pct` their share in per cent (null without REP lines) against
`c_rate_target_pct` (settings.csv `rep_c_rate_target_pct`); `statement_paid_baht` the money the
statements say was paid (KTB and generic lines' amounts, STM lines' PP + FS) by service date;
`transferred_baht` what the Smart Money Transfer file says reached the bank (เงินโอนเข้าบัญชี)
by transfer date, and `untransferred_baht` the paid money not (yet) transferred, never below 0.
These keys were added to version 1; nothing before them changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from store import codes
from store.rights.inputs import UnitFacts, iter_unit_facts, unit_facts_of
from store.rights.rules import CoverageTally, Evaluation, GapRules, evaluate, tally

if TYPE_CHECKING:
    from store.pp.claims import ServiceClaim
    from store.pp.report import PpMoney
    from store.pp.statement_figures import StatementFigures

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
    *,
    facts: Iterable[UnitFacts] | None = None,
) -> Iterator[UnitEvaluation]:
    """Judge every person of each known unit (or of `hospcode`), one unit at a time.

    This is the one place that applies the gap rules to a store's persons. `facts` gives the
    units' rule inputs already loaded, for a caller judging the same inputs on several dates
    (the dashboard's monthly trend); by default they are read from `conn`.
    """
    rules = rules or GapRules.from_reference()
    for unit in iter_unit_facts(conn, hospcode) if facts is None else facts:
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


@dataclass(frozen=True)
class UnitKpi:
    """One unit's line of the KPI report."""

    hospcode: str
    population: int
    thai_population: int
    covered: int
    coverage_pct: float | None
    gaps: Mapping[str, int]
    """Persons per gap code, every code in rank order, zeros included."""
    pp: PpMoney
    statements: StatementFigures
    """REP lines and their ติด C rate, money paid on statements and transferred (SMT)."""

    def to_json(self) -> dict[str, Any]:
        from store.pp.statement_store import c_rate_target_pct

        return {
            "hospcode": self.hospcode,
            "population": self.population,
            "thai_population": self.thai_population,
            "covered": self.covered,
            "coverage_pct": self.coverage_pct,
            "gaps": dict(self.gaps),
            "pp": self.pp.to_json(),
            "statements": self.statements.to_json(c_rate_target_pct()),
        }


@dataclass(frozen=True)
class KpiReport:
    """Population, coverage, gap counts and PP money of each unit on one date."""

    as_of: dt.date
    units: tuple[UnitKpi, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "as_of": self.as_of.isoformat(),
            "units": [unit.to_json() for unit in self.units],
        }


def combined_tally(units: Sequence[UnitKpi]) -> CoverageTally:
    """Several units' counts as one, coverage computed from the sums (gap codes in order)."""
    gaps: dict[str, int] = {}
    for unit in units:
        for code, count in unit.gaps.items():
            gaps[code] = gaps.get(code, 0) + count
    return CoverageTally(
        population=sum(u.population for u in units),
        thai_population=sum(u.thai_population for u in units),
        covered=sum(u.covered for u in units),
        gaps=gaps,
    )


@dataclass(frozen=True)
class JudgedUnit:
    """One unit judged on one date: its KPI line with the judgements it was counted from."""

    kpi: UnitKpi
    facts: UnitFacts
    evaluations: tuple[Evaluation, ...]
    claims: tuple[ServiceClaim, ...]
    """The unit's PP services of the fiscal year up to the as-of date, with their status."""


def judged_units(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    fiscal_year: int | None = None,
    *,
    units: Iterable[str] | None = None,
) -> Iterator[JudgedUnit]:
    """Each unit's KPI line (schema in the module docstring), one unit at a time, so that a
    province streams through with one unit's facts and services in memory; PP money of
    `fiscal_year`, by default the as-of date's. `units` names the units to judge (known
    units, in order) instead of every known unit or `hospcode`."""
    from store.pp.catalog_store import load_catalog
    from store.pp.claims import money_summary
    from store.pp.due_store import history_of, offered_items, persons_due, service_history
    from store.pp.queries import Period, claims_of, evaluated_services
    from store.pp.report import PpMoney
    from store.pp.statement_store import period_statement_figures
    from store.thaidate import fiscal_year as fiscal_year_of

    year = fiscal_year if fiscal_year is not None else fiscal_year_of(as_of)
    period = Period(year, as_of=as_of)
    last = period.bounds[1]
    catalog = load_catalog(conn)
    rates_from = catalog.rates_year(year)
    offered = offered_items(conn, as_of)
    rules = GapRules.from_reference()
    found = iter_unit_facts(conn, hospcode) if units is None else unit_facts_of(conn, units)
    for facts in found:
        (unit,) = evaluate_units(conn, as_of, rules=rules, facts=(facts,))
        counts = tally(unit.evaluations)
        services = evaluated_services(conn, last, unit.hospcode, catalog)
        history = (
            history_of(services, offered)
            if last == as_of
            else service_history(conn, as_of, offered, unit.hospcode)
        )
        due = persons_due(unit.evaluations, offered, history, as_of)
        claims = claims_of(conn, period, services, unit.hospcode, catalog).claims
        summaries = money_summary(claims, year)
        money = PpMoney.of(summaries[0] if summaries else None, year, rates_from)
        statements = period_statement_figures(conn, period, [unit.hospcode], unit.hospcode)
        kpi = UnitKpi(
            hospcode=unit.hospcode,
            population=counts.population,
            thai_population=counts.thai_population,
            covered=counts.covered,
            coverage_pct=counts.coverage_pct,
            gaps=counts.gaps,
            pp=replace(
                money,
                due_count=sum(len(p.items) for p in due),
                to_earn_baht=sum((p.to_earn_baht for p in due), Decimal("0")),
            ),
            statements=statements[unit.hospcode],
        )
        yield JudgedUnit(kpi, facts, unit.evaluations, claims)


def kpi_report(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    fiscal_year: int | None = None,
) -> KpiReport:
    """Population, coverage, gap counts and PP money of each unit (schema in the module
    docstring), evaluated from the inputs now; `store.judged.read.stored_kpi_report` gives the
    same report from the stored judgements."""
    return KpiReport(as_of, tuple(j.kpi for j in judged_units(conn, as_of, hospcode, fiscal_year)))
