"""`sitthi report kpi|gaps|claims`: the reports as aligned tables (Thai or English) or `--json`.

Each report is one entry of `REPORTS` with its runner and its own options. The JSON is the
stable, versioned output of `store.kpi` (kpi, gaps) and `store.pp.report` (claims). `--show-cid`
prints whole CIDs: a deliberate export of person-level data, recorded in the audit log before
anything is written. `--fiscal-year` (Buddhist era) picks the year of PP money and claims; by
default it is the fiscal year of the as-of date.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from store.i18n import Section, message
from tui.cli import EXIT_FAILED, EXIT_OK, Subparsers, add_command, fail, opened_store, say

TEXTS = Section("cli.report")

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass(frozen=True)
class ReportKind:
    """One `sitthi report` subcommand; `options` adds the options only it takes."""

    help: str
    """Catalogue key of the one-line help."""
    run: Callable[[argparse.Namespace], int]
    person_level: bool
    options: Callable[[argparse.ArgumentParser], None] | None = None


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "report", "cli.help.report.cmd", "cli.help.report.description")
    kinds = parser.add_subparsers(dest="report", metavar=say("cli.report_metavar"), required=True)
    for name, kind in REPORTS.items():
        sub = add_command(kinds, name, kind.help)
        sub.add_argument("--json", action="store_true", help=say("cli.help.report.json"))
        sub.add_argument(
            "--as-of",
            type=parse_as_of,
            default=None,
            metavar=say("cli.help.report.date_metavar"),
            help=say("cli.help.report.as_of"),
        )
        sub.add_argument("--hospcode", default=None, help=say("cli.help.report.hospcode"))
        if kind.person_level:
            sub.add_argument(
                "--show-cid", action="store_true", help=say("cli.help.report.show_cid")
            )
        if kind.options is not None:
            kind.options(sub)
        sub.set_defaults(func=kind.run)


def _fiscal_year_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fiscal-year",
        type=parse_fiscal_year,
        default=None,
        metavar="N",
        help=say("cli.help.report.fiscal_year"),
    )


def _claims_options(parser: argparse.ArgumentParser) -> None:
    _fiscal_year_option(parser)
    parser.add_argument(
        "--status",
        type=parse_status,
        default=None,
        metavar="S",
        help=say("cli.help.report.status"),
    )


def parse_fiscal_year(text: str) -> int:
    """A Buddhist-era fiscal year such as 2568."""
    from store.thaidate import BE_OFFSET, BE_THRESHOLD

    value = text.strip()
    if not (value.isascii() and value.isdigit() and BE_THRESHOLD < int(value) < 3000):
        example = int(value) + BE_OFFSET if value.isdecimal() and len(value) == 4 else 2568
        raise argparse.ArgumentTypeError(
            say("cli.arg.fiscal_year", text=repr(text), example=example)
        )
    return int(value)


def parse_status(text: str) -> str:
    """A claim status name (any case)."""
    from store.pp.claims import ClaimStatus

    names = [s.value for s in ClaimStatus]
    value = text.strip().upper()
    if value not in names:
        raise argparse.ArgumentTypeError(
            say("cli.arg.status", text=repr(text), names=", ".join(names))
        )
    return value


def parse_as_of(text: str) -> dt.date:
    """`YYYY-MM-DD` or Thai `dd/mm/BBBB`; a Buddhist-era year (2568-01-15) is read as BE."""
    from tui.dates import date_argument

    return date_argument(text)


def print_kpi(args: argparse.Namespace) -> int:
    """The KPI report; also what `sitthi` shows until the terminal app lands."""
    from store.kpi import kpi_report

    options = _Options.of(args)
    with _reading(args) as conn:
        if not _unit_known(conn, options):
            return EXIT_FAILED
        report = kpi_report(conn, options.as_of, options.hospcode, options.fiscal_year)
    if options.json:
        _print_json(report)
    else:
        _print_text(render_kpi(report, options.lang))
    return EXIT_OK


def print_claims(args: argparse.Namespace) -> int:
    """The PP claims of a fiscal year: totals by item and status, or every service in JSON."""
    from store.pp.claims import ClaimStatus
    from store.pp.report import claims_report

    options = _Options.of(args)
    status = getattr(args, "status", None)
    with _reading(args) as conn:
        if not _unit_known(conn, options):
            return EXIT_FAILED
        report = claims_report(
            conn,
            options.fiscal_year,
            as_of=options.as_of,
            hospcode=options.hospcode,
            status=ClaimStatus(status) if status else None,
            lang=options.lang,
        )
    if options.json:
        _print_json(report)
    else:
        _print_text(render_claims(report, options.lang, as_of=options.as_of, status=status))
    return EXIT_OK


def print_gaps(args: argparse.Namespace) -> int:
    """The gaps work list; with `--show-cid` the export is audited first."""
    from store.kpi import gaps_report

    options = _Options.of(args)
    show_cid = bool(getattr(args, "show_cid", False))
    with _reading(args) as conn:
        if not _unit_known(conn, options):
            return EXIT_FAILED
        report = gaps_report(conn, options.as_of, options.hospcode, show_cid, lang=options.lang)
    if show_cid and not _audit(options, len(report["gaps"])):
        return EXIT_FAILED
    if options.json:
        _print_json(report)
    else:
        _print_text(render_gaps(report, options.lang))
    return EXIT_OK


REPORTS: dict[str, ReportKind] = {
    "kpi": ReportKind(
        "cli.help.report.kpi",
        print_kpi,
        person_level=False,
        options=_fiscal_year_option,
    ),
    "gaps": ReportKind("cli.help.report.gaps", print_gaps, person_level=True),
    "claims": ReportKind(
        "cli.help.report.claims",
        print_claims,
        person_level=False,
        options=_claims_options,
    ),
}


@dataclass(frozen=True)
class _Options:
    as_of: dt.date
    hospcode: str | None
    json: bool
    lang: str
    fiscal_year: int

    @classmethod
    def of(cls, args: argparse.Namespace) -> _Options:
        from store.thaidate import fiscal_year

        as_of = getattr(args, "as_of", None) or dt.date.today()
        return cls(
            as_of=as_of,
            hospcode=getattr(args, "hospcode", None),
            json=bool(getattr(args, "json", False)),
            lang=getattr(args, "lang", None) or "th",
            fiscal_year=getattr(args, "fiscal_year", None) or fiscal_year(as_of),
        )


@contextlib.contextmanager
def _reading(args: argparse.Namespace) -> Iterator[Connection]:
    from store.engine import read_tx

    with opened_store(getattr(args, "db", None)) as engine, read_tx(engine) as conn:
        yield conn


def _unit_known(conn: Connection, options: _Options) -> bool:
    from store.facts import unit_hospcodes

    if options.hospcode is None or unit_hospcodes(conn, options.hospcode):
        return True
    fail(message("cli.report.unknown_unit", unit=options.hospcode))
    return False


def _audit(options: _Options, persons: int) -> bool:
    from exporters.audit import record_export

    command = "report gaps --show-cid" + (" --json" if options.json else "")
    try:
        record_export(command, options.hospcode, persons)
    except OSError as exc:
        fail(message("cli.report.audit_failed", error=exc.strerror or exc))
        return False
    return True


def _print_json(report: dict[str, Any]) -> None:
    from store.controls import json_terminal_safe

    print(json_terminal_safe(json.dumps(report, ensure_ascii=False, indent=2)))


def _print_text(report: str) -> None:
    """A report as text; stored names and codes cannot act on the terminal (their control
    characters are shown escaped, see `store.controls`)."""
    from store.controls import terminal_safe_lines

    print(terminal_safe_lines(report))


def format_date(day: dt.date, lang: str) -> str:
    """BE in Thai (`15 ม.ค. 2568`), `15 Jan 2025` in English."""
    from store.thaidate import format_be

    return format_be(day) if lang == "th" else f"{day.day} {day:%b %Y}"


def render_kpi(report: dict[str, Any], lang: str) -> str:
    """The KPI report as text: coverage against the target, then persons per gap code."""
    from store.gaps import explanation
    from store.kpi import coverage_target_pct

    text = TEXTS[lang]
    as_of = dt.date.fromisoformat(report["as_of"])
    target = coverage_target_pct()
    lines = [
        text["kpi_title"].format(date=format_date(as_of, lang)),
        text["kpi_target"].format(target=f"{target:g}"),
    ]
    units = report["units"]
    if not units:
        return "\n".join([*lines, "", text["no_units"]])
    rows = [_coverage_cells(u["hospcode"], u, target, text) for u in units]
    if len(units) > 1:
        rows.append(_coverage_cells(text["total"], _sum_units(units), target, text))
    headers = ["unit", "population", "thai_population", "covered", "coverage_pct", "vs_target"]
    lines += ["", format_table([text[h] for h in headers], rows, "lrrrrl"), text["kpi_note"]]
    gap_codes = list(units[0]["gaps"])
    gap_rows = [[u["hospcode"], *(f"{u['gaps'][c]:,}" for c in gap_codes)] for u in units]
    if len(units) > 1:
        gap_rows.append(
            [text["total"], *(f"{sum(u['gaps'][c] for u in units):,}" for c in gap_codes)]
        )
    lines += [
        "",
        text["gap_counts"],
        format_table([text["unit"], *gap_codes], gap_rows, "l" + "r" * len(gap_codes)),
        "",
        *(f"{code}: {explanation([code], lang)}" for code in gap_codes),
        "",
        *render_pp_money(units, as_of, lang),
    ]
    return "\n".join(lines)


PP_MONEY = ("eligible_baht", "paid_baht", "denied_baht", "pending_baht", "unclaimed_baht")


def render_pp_money(units: Sequence[dict[str, Any]], as_of: dt.date, lang: str) -> list[str]:
    """The KPI report's PP section: each unit's money and paid share against the target."""
    from store.kpi import pp_claim_target_pct

    text = TEXTS[lang]
    target = pp_claim_target_pct()
    year = units[0]["pp"]["fiscal_year"]
    rows = [_pp_cells(u["hospcode"], u["pp"], target, text) for u in units]
    if len(units) > 1:
        rows.append(_pp_cells(text["total"], _sum_pp([u["pp"] for u in units]), target, text))
    headers = ["unit", "qualifying", *PP_MONEY, "claim_rate_pct", "vs_target"]
    return [
        text["pp_title"].format(year=year, date=format_date(as_of, lang)),
        *rates_notice(year, units[0]["pp"].get("rates_from_fiscal_year"), lang),
        text["pp_target"].format(target=f"{target:g}"),
        "",
        format_table([text[h] for h in headers], rows, "l" + "r" * 7 + "l"),
    ]


def rates_notice(fiscal_year: int, rates_from: int | None, lang: str) -> list[str]:
    """The line saying the rates are another year's, carried forward (none when they are not)."""
    from store.i18n import render
    from store.pp.report import carried_forward_note

    note = carried_forward_note(fiscal_year, rates_from, lang)
    if note is None:
        return []
    hint = render("pp_rates.carried_forward_hint", lang, year=rates_from, fiscal_year=fiscal_year)
    return [f"{note}: {hint}"]


def _sum_pp(blocks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"qualifying": sum(b["qualifying"] for b in blocks)}
    for key in PP_MONEY:
        total[key] = round(sum(b[key] for b in blocks), 2)
    eligible = total["eligible_baht"]
    total["claim_rate_pct"] = round(total["paid_baht"] * 100 / eligible, 2) if eligible else None
    return total


def _pp_cells(label: str, pp: dict[str, Any], target: float, text: dict[str, str]) -> list[str]:
    pct = pp["claim_rate_pct"]
    if pct is None:
        shown, verdict = "-", "-"
    else:
        shown, verdict = f"{pct:.2f}", text["met"] if pct >= target else text["below"]
    money = [f"{pp[key]:,.2f}" for key in PP_MONEY]
    return [label, f"{pp['qualifying']:,}", *money, shown, verdict]


def _sum_units(units: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from store.gaps import CoverageTally

    keys = ("population", "thai_population", "covered")
    total: dict[str, Any] = {k: sum(u[k] for u in units) for k in keys}
    total["coverage_pct"] = CoverageTally(**total, gaps={}).coverage_pct
    return total


def _coverage_cells(
    label: str, unit: dict[str, Any], target: float, text: dict[str, str]
) -> list[str]:
    pct = unit["coverage_pct"]
    if pct is None:
        shown, verdict = "-", "-"
    else:
        shown, verdict = f"{pct:.2f}", text["met"] if pct >= target else text["below"]
    return [
        label,
        f"{unit['population']:,}",
        f"{unit['thai_population']:,}",
        f"{unit['covered']:,}",
        shown,
        verdict,
    ]


def render_gaps(report: dict[str, Any], lang: str) -> str:
    """The gaps work list as text: one table per unit, then what each code found means."""
    from store.gaps import explanation, in_rank_order

    text = TEXTS[lang]
    date = format_date(dt.date.fromisoformat(report["as_of"]), lang)
    rows = report["gaps"]
    if not rows:
        return text["no_gaps"].format(date=date)
    headers = [text["village"], "PID", text["cid"], text["name"], text["codes"], text["action"]]
    lines: list[str] = []
    for unit, grouped in itertools.groupby(rows, key=lambda r: r["hospcode"]):
        unit_rows = list(grouped)
        cells = [
            [r["village"], r["pid"], r["cid"], r["name"], " ".join(r["codes"]), r["action"]]
            for r in unit_rows
        ]
        if lines:
            lines.append("")
        lines += [
            text["gaps_title"].format(unit=unit, date=date, count=f"{len(unit_rows):,}"),
            format_table(headers, cells, "llllll"),
        ]
    used = in_rank_order(code for r in rows for code in r["codes"])
    lines += ["", *(f"{code}: {explanation([code], lang)}" for code in used)]
    return "\n".join(lines)


def render_claims(
    report: dict[str, Any], lang: str, *, as_of: dt.date, status: str | None = None
) -> str:
    """The claims report as text: per unit, services and money by item and status, then the
    statement lines that match no service."""
    from store.pp.claims import ClaimStatus
    from store.thaidate import fiscal_year_bounds

    text = TEXTS[lang]
    first, last = fiscal_year_bounds(report["fiscal_year"])
    lines = [
        text["claims_title"].format(
            year=report["fiscal_year"],
            first=format_date(first, lang),
            last=format_date(min(last, as_of), lang),
        )
    ]
    lines += rates_notice(report["fiscal_year"], report.get("rates_from_fiscal_year"), lang)
    if status:
        lines.append(text["claims_status"].format(status=ClaimStatus(status).text(lang)))
    claims = report["claims"]
    if not claims:
        lines += ["", text["no_claims"]]
    for unit, grouped in itertools.groupby(claims, key=lambda c: c["hospcode"]):
        unit_claims = list(grouped)
        lines += [
            "",
            text["claims_unit"].format(unit=unit, count=f"{len(unit_claims):,}"),
            _claims_table(unit_claims, text),
        ]
    unmatched = report["unmatched"]
    if unmatched:
        lines += ["", text["unmatched_title"].format(count=f"{len(unmatched):,}")]
        headers = ["unit", "date", "item", "cid", "paid", "error_code", "statement_id", "reason"]
        cells = [
            [
                u["hospcode"],
                format_date(dt.date.fromisoformat(u["date_serv"]), lang),
                u["item"],
                u["cid"],
                "-" if u["paid"] is None else f"{u['paid']:,.2f}",
                u["error_code"] or "-",
                u["statement_id"] or "-",
                u["reason"],
            ]
            for u in unmatched
        ]
        lines.append(format_table([text[h] for h in headers], cells, "llllrlll"))
    lines += ["", text["json_hint"]]
    return "\n".join(lines)


def _claims_table(claims: Sequence[dict[str, Any]], text: dict[str, str]) -> str:
    """Services per item and status, what is claimable and what was paid, with a total row."""
    from store.pp.claims import ClaimStatus

    statuses = list(ClaimStatus)
    items = sorted({c["item"] for c in claims})
    rows = [_claims_cells(i, [c for c in claims if c["item"] == i], statuses) for i in items]
    if len(items) > 1:
        rows.append(_claims_cells(text["all_items"], claims, statuses))
    headers = [
        text["item"],
        *(text[s.value] for s in statuses),
        text["eligible_baht"],
        text["paid_baht"],
        text["claim_rate_pct"],
    ]
    table = format_table(headers, rows, "l" + "r" * (len(statuses) + 3))
    return f"{table}\n{text['status_note']}"


def _claims_cells(
    label: str, claims: Sequence[dict[str, Any]], statuses: Sequence[Any]
) -> list[str]:
    from store.pp.claims import ClaimStatus

    counts = [sum(1 for c in claims if c["status"] == s.value) for s in statuses]
    qualifying = [c for c in claims if c["status"] != ClaimStatus.NOT_ELIGIBLE.value]
    eligible = round(sum(c["rate"] for c in qualifying), 2)
    paid = round(sum(c["paid"] for c in qualifying if c["paid"] and c["paid"] > 0), 2)
    share = f"{paid * 100 / eligible:.2f}" if eligible else "-"
    return [label, *(f"{n:,}" for n in counts), f"{eligible:,.2f}", f"{paid:,.2f}", share]


def display_width(text: str) -> int:
    """Terminal columns of a string: Thai vowel and tone marks take none, wide characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """Columns padded to equal display width; `align` holds `l` or `r` per column.

    Cells are made terminal-safe first, so that a control character in a stored value is
    shown escaped and counted in the column's width.
    """
    from store.controls import terminal_safe

    table = [[terminal_safe(cell) for cell in row] for row in (headers, *rows)]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for row in table:
        cells = []
        for cell, width, side in zip(row, widths, align, strict=True):
            pad = " " * (width - display_width(cell))
            cells.append(pad + cell if side == "r" else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
