"""`sitthi demo`: a realistic synthetic health centre to try Sitthi on, without real data.

Writes the centre's export files (a 43-file zip with a year of services, two NHSO rights lists,
two NHSO statements of its PP claims, and the province's PP catalog when the shipped one lacks
the current fiscal year) to a folder, imports them exactly as `sitthi import` would, names the
unit and configures its partner unit, then opens the app (or, when not on a terminal or with
`--no-app`, prints the KPI report). The store is `--db` / `SITTHI_DB` if given, else a demo
store of its own: never the user's real store. The same seed and day always give the same
files, so running the demo twice changes nothing.

A second run is fast: a record in the data folder (`demo-builds/`) notes what was built (seed,
day, size, the simulator's own fingerprint, the store and each file's digest); when it matches
and the store holds those imports, nothing is rebuilt and the app opens at once. `--fresh`
rebuilds anyway.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import os_error
from store.i18n import Section, message
from tui.cli import EXIT_OK, Subparsers, add_command, fail, opened_store, say
from tui.dates import date_argument as parse_day

if TYPE_CHECKING:
    from sync.simulate.centre import Centre

TEXTS = Section("cli.demo")
REFUSED = "refused"
"""`import_batch.status` of a refused file (`store.queries.imports.REFUSED`, not imported here:
that module loads SQLAlchemy)."""


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "demo", "cli.help.demo.cmd", "cli.help.demo.description")
    parser.add_argument(
        "--dir", type=Path, default=None, metavar="DIR", help=say("cli.help.demo.dir")
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help=say("cli.help.demo.seed")
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--persons", type=_positive, default=None, metavar="N", help=say("cli.help.demo.persons")
    )
    size.add_argument("--large", action="store_true", help=say("cli.help.demo.large"))
    parser.add_argument(
        "--today",
        type=parse_day,
        default=None,
        metavar=say("cli.help.report.date_metavar"),
        help=say("cli.help.demo.today"),
    )
    parser.add_argument("--no-app", action="store_true", help=say("cli.help.demo.no_app"))
    parser.add_argument("--fresh", action="store_true", help=say("cli.help.demo.fresh"))
    parser.add_argument(
        "--province",
        type=_positive,
        nargs="?",
        const=0,
        default=None,
        metavar="N",
        help=say("cli.help.province_demo.province"),
    )
    parser.add_argument(
        "--per-district",
        type=_positive,
        default=None,
        metavar="N",
        help=say("cli.help.province_demo.per_district"),
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help=say("cli.help.province_demo.workers"),
    )
    parser.set_defaults(func=run_demo)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.arg.whole_number", text=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(say("cli.arg.at_least_one", value=value))
    return value


def _import_time(centre: Centre, today: dt.date | None, order: int) -> dt.datetime | None:
    """With a given day, the files are imported half an hour after the export, a second apart
    in the order written (so the later statement's lines decide); else by the clock."""
    if today is None:
        return None
    return centre.exported_at + dt.timedelta(minutes=30, seconds=order)


@dataclass(frozen=True)
class DemoBuild:
    """What one demo run built: enough to open it again without rebuilding."""

    key: dict[str, object]
    store: str
    hospcode: str
    today: str
    files: dict[str, str]
    """File name -> SHA-256 of its bytes."""

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _build_key(args: argparse.Namespace, persons: int) -> dict[str, object]:
    """Everything the files depend on: seed, day, size, and the simulator's own code and rates."""
    from sync.protocol import sitthi_version
    from sync.simulate.fingerprint import simulator_fingerprint

    return {
        "seed": args.seed,
        "today": (args.today or dt.date.today()).isoformat(),
        "persons": persons,
        "version": sitthi_version(),
        "simulator": simulator_fingerprint(),
    }


def _marker(directory: Path) -> Path:
    """Where the build of `directory` is recorded: the data folder, not the files' folder
    (which stays exactly the centre's files, ready for `sitthi import`)."""
    from store.paths import data_dir

    name = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
    return data_dir() / "demo-builds" / f"{name}.json"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _current_build(directory: Path, key: dict[str, object], url: str) -> DemoBuild | None:
    """The build recorded in `directory` if it matches `key` and `url` and is all still there."""
    try:
        recorded = json.loads(_marker(directory).read_text("utf-8"))
        build = DemoBuild(**recorded)
    except (OSError, ValueError, TypeError):
        return None
    if build.key != key or build.store != url:
        return None
    try:
        if any(_file_digest(directory / n) != sha for n, sha in build.files.items()):
            return None
    except OSError:
        return None
    return build if store_holds(url, set(build.files.values())) else None


def store_holds(url: str, digests: set[str]) -> bool:
    """Whether the store holds the data of every file with these digests. A SQLite store is
    asked with the standard library: the app's first frame is drawn before SQLAlchemy loads,
    and this check sits on the way to it."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            return False
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                marks = ",".join("?" * len(digests))
                rows = db.execute(
                    f"SELECT sha256 FROM import_batch WHERE status != ? AND sha256 IN ({marks})",
                    [REFUSED, *sorted(digests)],
                ).fetchall()
        except sqlite3.Error:
            return False
        return {row[0] for row in rows} == digests
    from store.engine import read_tx
    from store.queries.imports import imported_digests

    with opened_store(url) as engine, read_tx(engine) as conn:
        return imported_digests(conn, digests) == digests


def run_demo(args: argparse.Namespace) -> int:
    from store.paths import data_dir, display_url, resolve_url

    if args.province is not None:
        from tui.commands.province_demo import run_province_demo

        return run_province_demo(args)
    from sync.simulate.params import default_size

    text = TEXTS[args.lang]
    directory: Path = args.dir or data_dir() / "demo-files"
    persons = args.persons or default_size(large=args.large)
    url = resolve_url(args.db, demo=True)
    key = _build_key(args, persons)
    build = None if args.fresh else _current_build(directory, key, url)
    if build is not None:
        print(text["reused"].format(dir=directory, store=display_url(url)))
    else:
        build_or_failure = _build(args, directory, persons, url, key)
        if isinstance(build_or_failure, int):
            return build_or_failure
        build = build_or_failure
    as_of = dt.date.fromisoformat(build.today)
    if args.no_app or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _print_kpi(url, args.lang, as_of)
    from tui.app import SitthiApp

    SitthiApp(url, lang=args.lang, as_of=as_of).run()
    return EXIT_OK


def _print_kpi(url: str, lang: str, as_of: dt.date) -> int:
    from store.engine import read_tx
    from store.judged.read import stored_kpi_report
    from tui.commands.report.render import render_kpi

    with opened_store(url) as engine, read_tx(engine) as conn:
        report = stored_kpi_report(conn, as_of)
    print(render_kpi(report, lang))
    return EXIT_OK


def _build(
    args: argparse.Namespace, directory: Path, persons: int, url: str, key: dict[str, object]
) -> DemoBuild | int:
    """Write the files, import them, name the unit and its partner; the exit status on failure."""
    from store.engine import write_tx
    from store.judged.refresh import refresh_judgements
    from store.paths import demo_db_path, display_url, resolve_url
    from store.rights.inputs import save_partner_units, save_unit_name
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre
    from sync.simulate.files import write_centre_files
    from tui.commands.importing import summary_lines

    text = TEXTS[args.lang]
    if url == resolve_url(None, demo=True) and url == f"sqlite:///{demo_db_path()}":
        demo_db_path().unlink(missing_ok=True)  # the demo's own store starts empty
    centre = build_centre(seed=args.seed, today=args.today, persons=persons)
    print(
        text["writing"].format(
            persons=persons, unit=centre.hospcode, name=centre.name, dir=directory
        )
    )
    try:
        _marker(directory).unlink(missing_ok=True)
        paths = write_centre_files(centre, directory)
    except OSError as exc:
        return fail(message("cli.demo.unwritable", dir=directory, reason=os_error(exc)))
    print(text["store"].format(store=display_url(url)))
    with opened_store(url) as engine:
        results = []
        for order, path in enumerate(paths):
            results += import_paths(engine, [path], now=_import_time(centre, args.today, order))
        with write_tx(engine) as conn:
            save_unit_name(conn, centre.hospcode, centre.name)
            save_partner_units(conn, centre.hospcode, [centre.partner])
            refresh_judgements(conn, centre.today)
    for result in results:
        print("\n".join(summary_lines(result, args.lang)))
    print(text["partner"].format(unit=centre.hospcode, partner=centre.partner))
    if any(r.refused for r in results):
        return fail(message("cli.demo.failed"))
    build = DemoBuild(
        key=key,
        store=url,
        hospcode=centre.hospcode,
        today=centre.today.isoformat(),
        files={path.name: _file_digest(path) for path in paths},
    )
    marker = _marker(directory)
    marker.parent.mkdir(parents=True, exist_ok=True)
    temporary = marker.with_suffix(".tmp")
    temporary.write_text(json.dumps(build.to_json(), indent=1), "utf-8")
    temporary.replace(marker)
    return build
