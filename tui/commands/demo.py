"""`sitthi demo`: a realistic synthetic health centre to try Sitthi on, without real data.

Writes the centre's export files (a 43-file zip with a year of services, two NHSO rights lists,
two NHSO statements of its PP claims, and the province's PP catalog when the shipped one lacks
the current fiscal year) to a folder, imports them exactly as `sitthi import` would, configures
the centre's partner unit, then opens the app (or, when not on a terminal or with `--no-app`,
prints the KPI report). The store is `--db` /
`SITTHI_DB` if given, else a demo store of its own: never the user's real store. The same seed
and day always give the same files, so running the demo twice changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options

if TYPE_CHECKING:
    from sync.simulate.centre import Centre

TEXTS: dict[str, dict[str, str]] = {
    "th": {
        "writing": "สร้างข้อมูลสมมุติ {persons:,} คน ของ {unit} {name} ไว้ที่ {dir}",
        "store": "นำเข้าสู่ฐานข้อมูล {store}",
        "partner": "หน่วยบริการเครือข่ายของ {unit}: {partner}",
        "failed": "นำเข้าข้อมูลสมมุติไม่สำเร็จ",
        "unwritable": "เขียนไฟล์ข้อมูลสมมุติลงใน {dir} ไม่ได้: {reason}",
    },
    "en": {
        "writing": "Writing a synthetic centre of {persons:,} persons, {unit} {name}, to {dir}",
        "store": "Importing into the store {store}",
        "partner": "Partner units of {unit}: {partner}",
        "failed": "the demo files could not be imported",
        "unwritable": "cannot write the demo files to {dir}: {reason}",
    },
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="build and open a synthetic health centre", description=__doc__
    )
    add_global_options(parser)
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the files (default: demo-files in the Sitthi data folder)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="random seed")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--persons", type=_positive, default=None, metavar="N", help="PERSON rows")
    size.add_argument(
        "--large",
        action="store_true",
        help="the large centre of the benchmarks (10,000 persons, about 100,000 service rows)",
    )
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the files are made on and the report is as of (default: today)",
    )
    parser.add_argument(
        "--no-app", action="store_true", help="print the KPI report instead of opening the app"
    )
    parser.set_defaults(func=run_demo)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date {text!r}: use YYYY-MM-DD") from None


def _import_time(centre: Centre, today: dt.date | None, order: int) -> dt.datetime | None:
    """With a given day, the files are imported half an hour after the export, a second apart
    in the order written (so the later statement's lines decide); else by the clock."""
    if today is None:
        return None
    return centre.exported_at + dt.timedelta(minutes=30, seconds=order)


def run_demo(args: argparse.Namespace) -> int:
    from store.engine import display_url, open_store, resolve_url, write_tx
    from store.facts import save_partner_units
    from store.paths import data_dir
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre, default_size
    from sync.simulate.files import write_centre_files
    from tui.commands.importing import TEXTS as IMPORT_TEXTS
    from tui.commands.importing import summary_lines

    lang = args.lang or "th"
    text = TEXTS[lang]
    directory: Path = args.dir or data_dir() / "demo-files"
    persons = args.persons or default_size(large=args.large)
    centre = build_centre(seed=args.seed, today=args.today, persons=persons)
    print(
        text["writing"].format(
            persons=persons, unit=centre.hospcode, name=centre.name, dir=directory
        )
    )
    try:
        paths = write_centre_files(centre, directory)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"sitthi: {text['unwritable'].format(dir=directory, reason=reason)}", file=sys.stderr)
        return EXIT_FAILED
    url = resolve_url(args.db, demo=True)
    print(text["store"].format(store=display_url(url)))
    engine = open_store(url)
    try:
        results = []
        for order, path in enumerate(paths):
            results += import_paths(engine, [path], now=_import_time(centre, args.today, order))
        with write_tx(engine) as conn:
            save_partner_units(conn, centre.hospcode, [centre.partner])
    finally:
        engine.dispose()
    for result in results:
        print("\n".join(summary_lines(result, IMPORT_TEXTS[lang], lang)))
    print(text["partner"].format(unit=centre.hospcode, partner=centre.partner))
    if any(r.refused for r in results):
        print(f"sitthi: {text['failed']}", file=sys.stderr)
        return EXIT_FAILED
    view = argparse.Namespace(db=url, lang=args.lang, as_of=centre.today, hospcode=None)
    if args.no_app or not (sys.stdin.isatty() and sys.stdout.isatty()):
        from tui.commands.report import print_kpi

        return print_kpi(view)
    from tui.commands.app import run_app

    run_app(view)
    return EXIT_OK
