"""`sitthi facility list|set|partners`: the units in the store, their names and partner units.

A partner unit is one whose UC registrations count as the unit's own when the OUTSIDE_UNIT gap is
judged (e.g. the district hospital that registers the centre's population). Partners are kept in
the `partner_unit` table; naming a unit that has no facility row yet creates it. `list` shows
two counts on purpose: the responsible population (the KPI's denominator: TYPEAREA 1 or 3, not
discharged, not dead) and every PERSON row of the unit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

from store.i18n import Section, message
from tui.cli import (
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
    add_command,
    fail,
    opened_store,
    say,
)
from tui.commands.tables import format_table

UNIT_CODE = re.compile(r"\d{5}")

TEXTS = Section("cli.facility")


def unit_code(text: str) -> str:
    """A 5-digit unit code (HOSPCODE / hcode)."""
    code = text.strip()
    if not UNIT_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(say("cli.arg.unit_code", text=repr(text)))
    return code


def unit_code_list(text: str) -> list[str]:
    """Comma-separated unit codes; an empty value means none."""
    return sorted({unit_code(part) for part in text.split(",") if part.strip()})


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers, "facility", "cli.help.facility.cmd", "cli.help.facility.description"
    )
    actions = parser.add_subparsers(
        dest="facility_action", metavar=say("cli.action_metavar"), required=True
    )

    listing = add_command(actions, "list", "cli.help.facility.list")
    listing.set_defaults(func=list_facilities)

    naming = add_command(actions, "set", "cli.help.facility.name_cmd")
    naming.add_argument("hospcode", type=unit_code, metavar="HOSPCODE")
    naming.add_argument("--name", required=True, help=say("cli.help.facility.name"))
    naming.set_defaults(func=name_facility)

    partners = add_command(
        actions,
        "partners",
        "cli.help.facility.partners",
        "cli.help.facility.partners_description",
    )
    partners.add_argument("hospcode", type=unit_code, metavar="HOSPCODE")
    change = partners.add_mutually_exclusive_group()
    change.add_argument(
        "--set", type=unit_code_list, metavar="H1,H2", help=say("cli.help.facility.set")
    )
    change.add_argument("--add", type=unit_code, metavar="H", help=say("cli.help.facility.add"))
    change.add_argument(
        "--remove", type=unit_code, metavar="H", help=say("cli.help.facility.remove")
    )
    partners.set_defaults(func=edit_partners)


def list_facilities(args: argparse.Namespace) -> int:
    from store.engine import read_tx
    from store.kpi import evaluate_units
    from store.rights.inputs import list_units
    from store.rights.rules import tally

    text = TEXTS[args.lang]
    with opened_store(args.db) as engine, read_tx(engine) as conn:
        units = list_units(conn)
        population = {
            unit.hospcode: tally(unit.evaluations).population
            for unit in evaluate_units(conn, dt.date.today())
        }
    if not units:
        print(text["no_units"])
        return EXIT_OK
    rows = [
        [
            u.hospcode,
            u.name or "-",
            f"{population.get(u.hospcode, 0):,}",
            f"{u.persons:,}",
            ", ".join(u.partners),
        ]
        for u in units
    ]
    headers = [text["unit"], text["name"], text["population"], text["persons"], text["partners"]]
    print(format_table(headers, rows, "llrrl"))
    print(text["population_note"])
    return EXIT_OK


def name_facility(args: argparse.Namespace) -> int:
    from store.engine import write_tx
    from store.rights.inputs import save_unit_name

    name = args.name.strip()
    if not name:
        return fail(message("cli.facility.empty_name"))
    with opened_store(args.db) as engine, write_tx(engine) as conn:
        save_unit_name(conn, args.hospcode, name)
    print(TEXTS[args.lang]["named"].format(unit=args.hospcode, name=name))
    return EXIT_OK


def edit_partners(args: argparse.Namespace) -> int:
    """Show, or replace / add / remove, the partner units of one unit."""
    from store.engine import write_tx
    from store.rights.inputs import partner_units, save_partner_units

    text = TEXTS[args.lang]
    hospcode: str = args.hospcode
    if hospcode in (args.set or []) or hospcode == args.add:
        fail(message("cli.facility.self_partner", unit=hospcode))
        return EXIT_USAGE
    with opened_store(args.db) as engine, write_tx(engine) as conn:
        current = partner_units(conn, hospcode)
        if args.set is not None:
            save_partner_units(conn, hospcode, args.set)
        elif args.add:
            save_partner_units(conn, hospcode, current | {args.add})
        elif args.remove:
            save_partner_units(conn, hospcode, current - {args.remove})
        current = partner_units(conn, hospcode)
    shown = ", ".join(sorted(current)) or text["none"]
    print(text["partners_of"].format(unit=hospcode, partners=shown))
    return EXIT_OK
