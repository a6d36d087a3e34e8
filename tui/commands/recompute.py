"""`sitthi recompute [--hospcode H] [--as-of D]`: judge every unit (or one) again and store
the judgements, after a change the triggers cannot see (new rules, a new reference table) or
to fill a store's judgements ahead of its readers. Closed months keep their figures."""

from __future__ import annotations

import argparse
import datetime as dt

from store.i18n import message
from tui.cli import EXIT_OK, Subparsers, add_command, fail, language, opened_store, say


def register(subparsers: Subparsers) -> None:
    from tui.dates import date_argument

    parser = add_command(
        subparsers, "recompute", "cli.help.recompute.cmd", "cli.help.recompute.description"
    )
    parser.add_argument("--hospcode", default=None, help=say("cli.help.recompute.hospcode"))
    parser.add_argument(
        "--as-of",
        type=date_argument,
        default=None,
        metavar="DATE",
        help=say("cli.help.recompute.as_of"),
    )
    parser.set_defaults(func=recompute)


def recompute(args: argparse.Namespace) -> int:
    from store.engine import write_tx
    from store.judged.refresh import refresh_judgements
    from store.rights.inputs import unit_hospcodes
    from tui.commands.report.render import format_date

    as_of: dt.date = args.as_of or dt.date.today()
    hospcode: str | None = args.hospcode
    with opened_store(getattr(args, "db", None)) as engine, write_tx(engine) as conn:
        if hospcode is not None and not unit_hospcodes(conn, hospcode):
            return fail(message("cli.report.unknown_unit", unit=hospcode))
        units = refresh_judgements(conn, as_of, hospcode, everything=True)
    print(say("cli.recompute.done", units=len(units), date=format_date(as_of, language())))
    return EXIT_OK
