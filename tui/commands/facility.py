"""`sitthi facility list|partners`: the units in the store and each unit's partner units.

A partner unit is one whose UC registrations count as the unit's own when the OUTSIDE_UNIT gap is
judged (e.g. the district hospital that registers the centre's population). Partners are kept in
the `partner_unit` table; naming a unit that has no facility row yet creates it.
"""

from __future__ import annotations

import argparse
import re
import sys

from tui.cli import EXIT_OK, EXIT_USAGE, add_global_options
from tui.commands.tables import format_table

UNIT_CODE = re.compile(r"\d{5}")

TEXTS: dict[str, dict[str, str]] = {
    "th": {
        "unit": "หน่วยบริการ",
        "name": "ชื่อ",
        "persons": "ประชากร (คน)",
        "partners": "หน่วยบริการเครือข่าย",
        "no_units": "ยังไม่มีหน่วยบริการในฐานข้อมูล",
        "partners_of": "หน่วยบริการเครือข่ายของ {unit}: {partners}",
        "none": "ไม่มี",
        "self_partner": "หน่วยบริการ {unit} เป็นเครือข่ายของตัวเองไม่ได้ (นับเป็นของหน่วยอยู่แล้ว)",
    },
    "en": {
        "unit": "Unit",
        "name": "Name",
        "persons": "Persons",
        "partners": "Partner units",
        "no_units": "No units in the store yet",
        "partners_of": "Partner units of {unit}: {partners}",
        "none": "none",
        "self_partner": "unit {unit} cannot be its own partner (its own code always counts)",
    },
}


def unit_code(text: str) -> str:
    """A 5-digit unit code (HOSPCODE / hcode)."""
    code = text.strip()
    if not UNIT_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(f"not a 5-digit unit code: {text!r}")
    return code


def unit_code_list(text: str) -> list[str]:
    """Comma-separated unit codes; an empty value means none."""
    return sorted({unit_code(part) for part in text.split(",") if part.strip()})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "facility",
        help="units and their partner units",
        description="Units in the store, and the partner units whose UC registrations count as "
        "a unit's own (no OUTSIDE_UNIT gap).",
    )
    add_global_options(parser)
    actions = parser.add_subparsers(dest="facility_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="units in the store with their partner units")
    add_global_options(listing)
    listing.set_defaults(func=list_facilities)

    partners = actions.add_parser(
        "partners",
        help="show or change a unit's partner units",
        description="Without an option, show the partner units of HOSPCODE.",
    )
    add_global_options(partners)
    partners.add_argument("hospcode", type=unit_code, metavar="HOSPCODE")
    change = partners.add_mutually_exclusive_group()
    change.add_argument(
        "--set", type=unit_code_list, metavar="H1,H2", help="replace the list ('' clears it)"
    )
    change.add_argument("--add", type=unit_code, metavar="H", help="add one partner unit")
    change.add_argument("--remove", type=unit_code, metavar="H", help="remove one partner unit")
    partners.set_defaults(func=edit_partners)


def list_facilities(args: argparse.Namespace) -> int:
    from store.engine import open_store, read_tx
    from store.facts import list_units

    text = TEXTS[args.lang or "th"]
    engine = open_store(args.db)
    try:
        with read_tx(engine) as conn:
            units = list_units(conn)
    finally:
        engine.dispose()
    if not units:
        print(text["no_units"])
        return EXIT_OK
    rows = [[u.hospcode, u.name, f"{u.persons:,}", ", ".join(u.partners)] for u in units]
    headers = [text["unit"], text["name"], text["persons"], text["partners"]]
    print(format_table(headers, rows, "llrl"))
    return EXIT_OK


def edit_partners(args: argparse.Namespace) -> int:
    """Show, or replace / add / remove, the partner units of one unit."""
    from store.engine import open_store, write_tx
    from store.facts import partner_units, save_partner_units

    text = TEXTS[args.lang or "th"]
    hospcode: str = args.hospcode
    if hospcode in (args.set or []) or hospcode == args.add:
        print(f"sitthi: {text['self_partner'].format(unit=hospcode)}", file=sys.stderr)
        return EXIT_USAGE
    engine = open_store(args.db)
    try:
        with write_tx(engine) as conn:
            current = partner_units(conn, hospcode)
            if args.set is not None:
                save_partner_units(conn, hospcode, args.set)
            elif args.add:
                save_partner_units(conn, hospcode, current | {args.add})
            elif args.remove:
                save_partner_units(conn, hospcode, current - {args.remove})
            current = partner_units(conn, hospcode)
    finally:
        engine.dispose()
    shown = ", ".join(sorted(current)) or text["none"]
    print(text["partners_of"].format(unit=hospcode, partners=shown))
    return EXIT_OK
