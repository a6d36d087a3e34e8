"""`sitthi report` as text: the KPI, gaps and claims reports as aligned tables, Thai or English.

The renderers read the typed results of `store.kpi`, `store.rights.report` and `store.pp.report`;
the money tables are in `tui.commands.report.money`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.commands.report.money import claims_table, money, rates_notice, render_pp_money
from tui.commands.report.statements import render_statement_figures
from tui.commands.report.texts import TEXTS
from tui.commands.tables import format_table

if TYPE_CHECKING:
    from store.kpi import KpiReport, UnitKpi
    from store.pp.report import ClaimsReport
    from store.rights.report import GapsReport
    from store.rights.rules import CoverageTally


def format_date(day: dt.date, lang: str) -> str:
    """BE in Thai (`15 ม.ค. 2568`), `15 Jan 2025` in English."""
    from store.thaidate import format_be

    return format_be(day) if lang == "th" else f"{day.day} {day:%b %Y}"


def render_kpi(report: KpiReport, lang: str) -> str:
    """The KPI report as text: coverage against the target, then persons per gap code."""
    from store.kpi import combined_tally, coverage_target_pct
    from store.rights.rules import explanation

    text = TEXTS[lang]
    target = coverage_target_pct()
    lines = [
        text["kpi_title"].format(date=format_date(report.as_of, lang)),
        text["kpi_target"].format(target=f"{target:g}"),
    ]
    units = report.units
    if not units:
        return "\n".join([*lines, "", text["no_units"]])
    rows = [_coverage_cells(u.hospcode, u, target, text) for u in units]
    total = combined_tally(units)
    if len(units) > 1:
        rows.append(_coverage_cells(text["total"], total, target, text))
    headers = ["unit", "population", "thai_population", "covered", "coverage_pct", "vs_target"]
    lines += ["", format_table([text[h] for h in headers], rows, "lrrrrl"), text["kpi_note"]]
    gap_codes = list(units[0].gaps)
    gap_rows = [[u.hospcode, *(f"{u.gaps[c]:,}" for c in gap_codes)] for u in units]
    if len(units) > 1:
        gap_rows.append([text["total"], *(f"{total.gaps[c]:,}" for c in gap_codes)])
    lines += [
        "",
        text["gap_counts"],
        format_table([text["unit"], *gap_codes], gap_rows, "l" + "r" * len(gap_codes)),
        "",
        *(f"{code}: {explanation([code], lang)}" for code in gap_codes),
        "",
        *render_pp_money(units, format_date(report.as_of, lang), lang),
        *render_statement_figures(units, lang),
    ]
    return "\n".join(lines)


def _coverage_cells(
    label: str, unit: UnitKpi | CoverageTally, target: float, text: dict[str, str]
) -> list[str]:
    pct = unit.coverage_pct
    if pct is None:
        shown, verdict = "-", "-"
    else:
        shown, verdict = f"{pct:.2f}", text["met"] if pct >= target else text["below"]
    return [
        label,
        f"{unit.population:,}",
        f"{unit.thai_population:,}",
        f"{unit.covered:,}",
        shown,
        verdict,
    ]


def render_gaps(report: GapsReport, lang: str) -> str:
    """The gaps work list as text: one table per unit, then what each code found means."""
    from store.rights.rules import explanation, in_rank_order

    text = TEXTS[lang]
    date = format_date(report.as_of, lang)
    rows = report.gaps
    if not rows:
        return text["no_gaps"].format(date=date)
    headers = [text["village"], "PID", text["cid"], text["name"], text["codes"], text["action"]]
    lines: list[str] = []
    for unit, grouped in itertools.groupby(rows, key=lambda r: r.hospcode):
        unit_rows = list(grouped)
        cells = [[r.village, r.pid, r.cid, r.name, " ".join(r.codes), r.action] for r in unit_rows]
        if lines:
            lines.append("")
        lines += [
            text["gaps_title"].format(unit=unit, date=date, count=f"{len(unit_rows):,}"),
            format_table(headers, cells, "llllll"),
        ]
    used = in_rank_order(code for r in rows for code in r.codes)
    lines += ["", *(f"{code}: {explanation([code], lang)}" for code in used)]
    return "\n".join(lines)


def render_claims(
    report: ClaimsReport, lang: str, *, as_of: dt.date, status: str | None = None
) -> str:
    """The claims report as text: per unit, services and money by item and status, then the
    statement lines that match no service."""
    from store.pp.claims import ClaimStatus
    from store.thaidate import fiscal_year_bounds

    text = TEXTS[lang]
    first, last = fiscal_year_bounds(report.fiscal_year)
    lines = [
        text["claims_title"].format(
            year=report.fiscal_year,
            first=format_date(first, lang),
            last=format_date(min(last, as_of), lang),
        )
    ]
    lines += rates_notice(report.fiscal_year, report.rates_from_fiscal_year, lang)
    if status:
        lines.append(text["claims_status"].format(status=ClaimStatus(status).text(lang)))
    claims = report.claims
    if not claims:
        lines += ["", text["no_claims"]]
    for unit, grouped in itertools.groupby(claims, key=lambda c: c.hospcode):
        unit_claims = list(grouped)
        lines += [
            "",
            text["claims_unit"].format(unit=unit, count=f"{len(unit_claims):,}"),
            claims_table(unit_claims, text),
        ]
    if report.unmatched:
        lines += ["", text["unmatched_title"].format(count=f"{len(report.unmatched):,}")]
        headers = ["unit", "date", "item", "cid", "paid", "error_code", "statement_id", "reason"]
        cells: Sequence[Sequence[str]] = [
            [
                u.hospcode,
                format_date(u.date_serv, lang),
                u.item,
                u.cid,
                "-" if u.paid is None else money(u.paid),
                u.error_code or "-",
                u.statement_id or "-",
                u.reason,
            ]
            for u in report.unmatched
        ]
        lines.append(format_table([text[h] for h in headers], cells, "llllrlll"))
    lines += ["", text["json_hint"]]
    return "\n".join(lines)
