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
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from store.districts import District

UNIT_CODE = re.compile(r"\d{5}")

TEXTS = Section("cli.facility")
DISTRICT_TEXTS = Section("cli.facility_district")


def unit_code(text: str) -> str:
    """A 5-digit unit code (HOSPCODE / hcode)."""
    code = text.strip()
    if not UNIT_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(say("cli.arg.unit_code", text=repr(text)))
    return code


def district_code(text: str) -> str:
    """An AMPUR code: changwat and ampur, two digits each (as the 43 files' VID begins)."""
    from store.districts import is_district_code

    code = text.strip()
    if not is_district_code(code):
        raise argparse.ArgumentTypeError(say("cli.facility_district.bad_code", text=repr(text)))
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
    naming.add_argument("--name", help=say("cli.help.facility.name"))
    naming.add_argument(
        "--district",
        type=district_code,
        metavar="CODE",
        help=say("cli.help.facility_district.code"),
    )
    naming.add_argument("--district-name", metavar="NAME", help=say("cli.help.facility.district"))
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
    from store.districts import unit_districts
    from store.engine import read_tx
    from store.kpi import evaluate_units
    from store.rights.inputs import list_units
    from store.rights.rules import tally

    text = TEXTS[args.lang]
    district_text = DISTRICT_TEXTS[args.lang]
    with opened_store(args.db) as engine, read_tx(engine) as conn:
        units = list_units(conn)
        districts = unit_districts(conn)
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
            _district_cell(districts.get(u.hospcode), district_text["derived_mark"]),
            f"{population.get(u.hospcode, 0):,}",
            f"{u.persons:,}",
            ", ".join(u.partners),
        ]
        for u in units
    ]
    headers = [
        text["unit"],
        text["name"],
        district_text["district"],
        text["population"],
        text["persons"],
        text["partners"],
    ]
    print(format_table(headers, rows, "lllrrl"))
    print(text["population_note"])
    if any(d.derived for d in districts.values()):
        print(district_text["derived_note"])
    return EXIT_OK


def _district_cell(district: District | None, derived_mark: str) -> str:
    """`3001 เมืองสิทธิ์`, with a mark when derived from the villages; a dash when unknown."""
    if district is None:
        return "-"
    cell = f"{district.code} {district.name}".strip()
    return f"{cell} {derived_mark}" if district.derived else cell


def name_facility(args: argparse.Namespace) -> int:
    """Set a unit's name and/or district; a district name alone names the unit's district
    (its set one, else the one derived from its villages)."""
    from store.districts import save_district, unit_districts
    from store.engine import write_tx
    from store.rights.inputs import save_unit_name

    name = args.name.strip() if args.name is not None else None
    district_name = args.district_name.strip() if args.district_name is not None else None
    if name is None and args.district is None and district_name is None:
        return fail(message("cli.facility_district.nothing_to_set"))
    if name == "":
        return fail(message("cli.facility.empty_name"))
    if district_name == "":
        return fail(message("cli.facility_district.empty_name"))
    text = DISTRICT_TEXTS[args.lang]
    hospcode: str = args.hospcode
    with opened_store(args.db) as engine, write_tx(engine) as conn:
        code: str | None = args.district
        if code is None and district_name is not None:
            known = unit_districts(conn).get(hospcode)
            if known is None:
                return fail(message("cli.facility_district.unknown_district", unit=hospcode))
            code = known.code
        if name is not None:
            save_unit_name(conn, hospcode, name)
        if code is not None:
            save_district(conn, hospcode, code, district_name)
    if name is not None:
        print(TEXTS[args.lang]["named"].format(unit=hospcode, name=name))
    if code is not None:
        shown = f"{code} {district_name or ''}".strip()
        print(text["district_set"].format(unit=hospcode, district=shown))
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
