"""`sitthi report kpi|gaps|claims`: the reports as aligned tables (Thai or English) or `--json`.

Each report is one entry of `REPORTS` with its runner and its own options. The reports come typed
from `store.kpi` (kpi), `store.rights.report` (gaps) and `store.pp.report` (claims); this command
is the edge where they become the stable, versioned JSON (`to_json`) or the tables of
`tui.commands.report.render`. Its options are read by `tui.commands.report.parse`. `--show-cid`
prints whole CIDs: a deliberate export of person-level data, recorded in the audit log before
anything is written. `--fiscal-year` (Buddhist era) picks the year of PP money and claims; by
default it is the fiscal year of the as-of date. `kpi` reads the stored judgements
(`store.judged`), judging and storing the stale units first; `kpi --fresh` evaluates every unit
from the inputs and stores nothing; both print the same JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store.errors import os_error
from store.i18n import message
from tui.cli import EXIT_FAILED, EXIT_OK, Subparsers, add_command, fail, opened_store, say
from tui.commands.report.parse import (
    add_claims_options,
    add_kpi_options,
    parse_as_of,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from store.kpi import KpiReport
    from store.pp.report import ClaimsReport
    from store.rights.report import GapsReport


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


def print_kpi(args: argparse.Namespace) -> int:
    """The KPI report from the stored judgements, the stale units judged and stored first;
    with `--fresh` evaluated from the inputs without touching what is stored (the same JSON)."""
    from store.engine import read_tx
    from store.judged.read import stored_kpi_report
    from store.kpi import kpi_report

    options = _Options.of(args)
    fresh = bool(getattr(args, "fresh", False))
    with opened_store(getattr(args, "db", None)) as engine:
        if not fresh:
            _refresh(engine, options)
        with read_tx(engine) as conn:
            if not _unit_known(conn, options):
                return EXIT_FAILED
            report = (kpi_report if fresh else stored_kpi_report)(
                conn, options.as_of, options.hospcode, options.fiscal_year
            )
    if options.json:
        _print_json(report)
    else:
        from tui.commands.report.render import render_kpi

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
        from tui.commands.report.render import render_claims

        _print_text(render_claims(report, options.lang, as_of=options.as_of, status=status))
    return EXIT_OK


def print_gaps(args: argparse.Namespace) -> int:
    """The gaps work list; with `--show-cid` the export is audited first."""
    from store.rights.report import gaps_report

    options = _Options.of(args)
    show_cid = bool(getattr(args, "show_cid", False))
    with _reading(args) as conn:
        if not _unit_known(conn, options):
            return EXIT_FAILED
        report = gaps_report(conn, options.as_of, options.hospcode, show_cid, lang=options.lang)
    if show_cid and not _audit(options, len(report.gaps)):
        return EXIT_FAILED
    if options.json:
        _print_json(report)
    else:
        from tui.commands.report.render import render_gaps

        _print_text(render_gaps(report, options.lang))
    return EXIT_OK


REPORTS: dict[str, ReportKind] = {
    "kpi": ReportKind(
        "cli.help.report.kpi",
        print_kpi,
        person_level=False,
        options=add_kpi_options,
    ),
    "gaps": ReportKind("cli.help.report.gaps", print_gaps, person_level=True),
    "claims": ReportKind(
        "cli.help.report.claims",
        print_claims,
        person_level=False,
        options=add_claims_options,
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


def _refresh(engine: Engine, options: _Options) -> None:
    """Judge and store the units not stored for the report's day (its own fiscal year only:
    the stored judgements are of the as-of date's fiscal year)."""
    from store.engine import write_tx
    from store.judged.refresh import refresh_judgements
    from store.thaidate import fiscal_year

    if options.fiscal_year == fiscal_year(options.as_of):
        with write_tx(engine) as conn:
            refresh_judgements(conn, options.as_of, options.hospcode)


def _unit_known(conn: Connection, options: _Options) -> bool:
    from store.rights.inputs import unit_hospcodes

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
        fail(message("cli.report.audit_failed", error=os_error(exc)))
        return False
    return True


def _print_json(report: KpiReport | GapsReport | ClaimsReport) -> None:
    """The edge where a typed report becomes its stable, versioned JSON (terminal-safe: the
    same JSON, with C1 and bidirectional controls written as escapes)."""
    from store.controls import json_terminal_safe

    print(json_terminal_safe(json.dumps(report.to_json(), ensure_ascii=False, indent=2)))


def _print_text(report: str) -> None:
    """A report as text; stored names and codes cannot act on the terminal (their control
    characters are shown escaped, see `store.controls`)."""
    from store.controls import terminal_safe_lines

    print(terminal_safe_lines(report))
