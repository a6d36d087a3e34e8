"""`sitthi export gaps|pp-due|claims|cid-batch|report`: files for people.

XLSX by default (`--format csv` for other tools: UTF-8 with a byte-order mark unless
`--no-bom`), written to `-o FILE` or to `<kind>_<unit>_<BE date>.<ext>` in the current folder,
through a temporary file renamed when complete. Every list naming persons is recorded in the
audit log and the store's export log before the file appears; the director's report holds
only figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import EXIT_FAILED, EXIT_OK, common_options, say
from tui.commands.report.parse import add_fiscal_year_option, parse_as_of, parse_status

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from exporters.document import Document
    from exporters.people import Grouping


@dataclass(frozen=True)
class ExportKind:
    help: str
    """The catalogue key of the kind's one-line help."""
    run: Callable[[argparse.Namespace], int]
    options: Callable[[argparse.ArgumentParser], None]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help=say("cli.help.export.cmd"),
        description=say("cli.help.export.description"),
        parents=[common_options()],
    )
    kinds = parser.add_subparsers(
        dest="export", metavar=say("cli.help.export.kind_metavar"), required=True
    )
    for name, kind in EXPORTS.items():
        sub = kinds.add_parser(
            name, help=say(kind.help), description=say(kind.help), parents=[common_options()]
        )
        sub.add_argument(
            "-o",
            "--output",
            type=Path,
            default=None,
            metavar="FILE",
            help=say("cli.help.export.output"),
        )
        sub.add_argument(
            "--as-of",
            type=parse_as_of,
            default=None,
            metavar="YYYY-MM-DD",
            help=say("cli.help.export.as_of"),
        )
        sub.add_argument("--hospcode", default=None, help=say("cli.help.export.hospcode"))
        kind.options(sub)
        sub.set_defaults(func=kind.run)


def _format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("xlsx", "csv"), default="xlsx", help=say("cli.help.export.format")
    )
    parser.add_argument("--no-bom", action="store_true", help=say("cli.help.export.no_bom"))


def _person_options(parser: argparse.ArgumentParser) -> None:
    _format_options(parser)
    parser.add_argument("--show-cid", action="store_true", help=say("cli.help.export.show_cid"))


def _list_options(parser: argparse.ArgumentParser) -> None:
    _person_options(parser)
    parser.add_argument(
        "--by",
        choices=("village", "volunteer"),
        default=None,
        help=say("cli.help.export.by"),
    )
    parser.add_argument(
        "--village",
        default=None,
        metavar="V",
        help=say("cli.help.export.village"),
    )
    parser.add_argument(
        "--volunteer",
        default=None,
        metavar="ID",
        help=say("cli.help.export.volunteer"),
    )


def _gaps_options(parser: argparse.ArgumentParser) -> None:
    _list_options(parser)
    parser.add_argument(
        "--with-due",
        action="store_true",
        help=say("cli.help.export.with_due"),
    )


def _due_options(parser: argparse.ArgumentParser) -> None:
    _list_options(parser)
    parser.add_argument("--item", default=None, help=say("cli.help.export.item"))


def _fiscal(parser: argparse.ArgumentParser) -> None:
    add_fiscal_year_option(parser)
    parser.add_argument(
        "--month",
        type=_month,
        default=None,
        metavar="M",
        help=say("cli.help.export.month"),
    )


def _claims_options(parser: argparse.ArgumentParser) -> None:
    _person_options(parser)
    _fiscal(parser)
    parser.add_argument(
        "--status",
        type=parse_status,
        action="append",
        default=None,
        metavar="S",
        help=say("cli.help.export.status"),
    )


def _batch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gap",
        action="append",
        default=None,
        metavar="CODE",
        help=say("cli.help.export.gap"),
    )


def _report_options(parser: argparse.ArgumentParser) -> None:
    _format_options(parser)
    _fiscal(parser)


def _month(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise argparse.ArgumentTypeError(say("cli.help.export.bad_month", text=repr(text)))
    return int(text)


def _say(args: argparse.Namespace, key: str, **params: object) -> None:
    from store.i18n import render

    print(render(key, _lang(args), **params))


def _complain(args: argparse.Namespace, key: str, **params: object) -> None:
    from store.i18n import render

    print(f"sitthi: {render(key, _lang(args), **params)}", file=sys.stderr)


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "th"


def _as_of(args: argparse.Namespace) -> dt.date:
    found: dt.date | None = getattr(args, "as_of", None)
    return found or dt.date.today()


def _fiscal_year(args: argparse.Namespace) -> int:
    from store.thaidate import fiscal_year

    return getattr(args, "fiscal_year", None) or fiscal_year(_as_of(args))


def _target(args: argparse.Namespace, kind: str, suffix: str) -> Path:
    from exporters.files import default_name

    output: Path | None = args.output
    if output is not None:
        return output.expanduser().absolute()
    return Path.cwd() / default_name(kind, args.hospcode, _as_of(args), suffix)


def _open(args: argparse.Namespace) -> Engine | None:
    """The store, or None (said why) when `--hospcode` names no unit of it. A store of one
    unit (a centre's) exports that unit: its code names the file, heads the pages and is
    recorded in the export log."""
    from store.engine import open_store, read_tx
    from store.rights.inputs import unit_hospcodes

    engine = open_store(getattr(args, "db", None))
    with read_tx(engine) as conn:
        units = unit_hospcodes(conn, args.hospcode)
    if args.hospcode is None:
        if len(units) == 1:
            args.hospcode = units[0]
        return engine
    if not units:
        _complain(args, "export.unknown_unit", unit=args.hospcode)
        engine.dispose()
        return None
    return engine


def _failed(args: argparse.Namespace, exc: Exception) -> int:
    from exporters.files import ExportError

    if isinstance(exc, ExportError):
        print(f"sitthi: {exc.reason.render(_lang(args))}", file=sys.stderr)
    else:
        from store.errors import os_error

        error = os_error(exc) if isinstance(exc, OSError) else exc
        _complain(args, "export.audit_failed", error=error)
    return EXIT_FAILED


def _save(args: argparse.Namespace, build: Callable[[Connection], Document]) -> int:
    from exporters.files import ExportError
    from exporters.run import Format, save_document
    from store.engine import read_tx

    engine = _open(args)
    if engine is None:
        return EXIT_FAILED
    try:
        try:
            with read_tx(engine) as conn:
                document = build(conn)
        except ExportError as exc:  # a village or volunteer the store does not know
            return _failed(args, exc)
        fmt = Format(args.format)
        path = _target(args, document.kind, fmt.value)
        try:
            saved = save_document(engine, document, path, fmt=fmt, bom=not args.no_bom)
        except (ExportError, OSError) as exc:
            return _failed(args, exc)
    finally:
        engine.dispose()
    if document.person_level:
        _say(args, "export.saved", path=saved.path, rows=saved.rows, persons=saved.persons)
        _say(args, "export.audited")
    else:
        _say(args, "export.saved_report", path=saved.path)
    return EXIT_OK


def _grouping(args: argparse.Namespace) -> Grouping:
    from exporters.people import Grouping

    return Grouping(args.by or ("volunteer" if args.volunteer else "village"))


def run_gaps(args: argparse.Namespace) -> int:
    from exporters.gaps_list import build_gaps

    return _save(
        args,
        lambda conn: build_gaps(
            conn,
            _as_of(args),
            args.hospcode,
            by=_grouping(args),
            village=args.village,
            volunteer=args.volunteer,
            with_due=args.with_due,
            show_cid=args.show_cid,
            lang=_lang(args),
        ),
    )


def run_pp_due(args: argparse.Namespace) -> int:
    from exporters.pp_due_list import build_pp_due

    return _save(
        args,
        lambda conn: build_pp_due(
            conn,
            _as_of(args),
            args.hospcode,
            by=_grouping(args),
            village=args.village,
            volunteer=args.volunteer,
            item=args.item,
            show_cid=args.show_cid,
            lang=_lang(args),
        ),
    )


def run_claims(args: argparse.Namespace) -> int:
    from exporters.claims_list import DEFAULT_STATUSES, build_claims
    from store.pp.claims import ClaimStatus

    statuses = tuple(ClaimStatus(s) for s in args.status) if args.status else DEFAULT_STATUSES
    return _save(
        args,
        lambda conn: build_claims(
            conn,
            _as_of(args),
            _fiscal_year(args),
            args.hospcode,
            statuses=statuses,
            month=args.month,
            show_cid=args.show_cid,
            lang=_lang(args),
        ),
    )


def run_report(args: argparse.Namespace) -> int:
    from exporters.director import build_report

    return _save(
        args,
        lambda conn: build_report(
            conn,
            _as_of(args),
            _fiscal_year(args),
            args.hospcode,
            month=args.month,
            lang=_lang(args),
        ),
    )


def run_cid_batch(args: argparse.Namespace) -> int:
    from exporters.cid_batch import collect, default_path, save_batch
    from exporters.files import ExportError
    from store.engine import read_tx
    from store.thaidate import format_be

    engine = _open(args)
    if engine is None:
        return EXIT_FAILED
    try:
        with read_tx(engine) as conn:
            batch = collect(conn, _as_of(args), args.hospcode, args.gap)
        if not batch.cids:
            _say(args, "export.no_cids", date=format_be(batch.as_of))
            return EXIT_OK
        output: Path | None = args.output
        path = output.expanduser().absolute() if output else default_path(batch, Path.cwd())
        try:
            saved = save_batch(engine, batch, path)
        except (ExportError, OSError) as exc:
            return _failed(args, exc)
    finally:
        engine.dispose()
    _say(args, "export.saved_batch", path=saved.path, cids=saved.rows, files=saved.files)
    _say(args, "export.audited")
    return EXIT_OK


EXPORTS: dict[str, ExportKind] = {
    "gaps": ExportKind(
        "cli.help.export.gaps",
        run_gaps,
        _gaps_options,
    ),
    "pp-due": ExportKind("cli.help.export.pp_due", run_pp_due, _due_options),
    "claims": ExportKind("cli.help.export.claims", run_claims, _claims_options),
    "cid-batch": ExportKind("cli.help.export.cid_batch", run_cid_batch, _batch_options),
    "report": ExportKind(
        "cli.help.export.report",
        run_report,
        _report_options,
    ),
}
