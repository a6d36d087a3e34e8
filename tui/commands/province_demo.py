"""`sitthi demo --province [N]`: a synthetic province to try the province view on.

Builds N units (default from rates.toml: 30 in 3 districts; `--large` 300) through the paths
production uses (`sync.province_demo`): each unit's files from the simulator imported into the
unit's own store and pushed to a real provincial server over the province's store, then the NHSO
files imported at the province. The province's store is `--db` / `SITTHI_DB`, else a demo file
of its own beside the centre demo's. A record in the data folder (`demo-builds/`) notes what was
built; when it matches and the store holds the imports, nothing is rebuilt (`--fresh` rebuilds,
the units' files included). Then the app opens on the province's store (or, with `--no-app` or
off a terminal, the league table is printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from store.i18n import Message, Section, message
from tui.cli import EXIT_OK, fail, opened_store
from tui.commands.tables import format_table

TEXTS = Section("cli.province_demo")
RECORD_PREFIX = "province-"


@dataclass(frozen=True)
class ProvinceRecord:
    """What one province build made: enough to open it again without rebuilding."""

    key: dict[str, object]
    store: str
    today: str
    digests: list[str]


def _key(args: argparse.Namespace, units: int, persons: int, today: dt.date) -> dict[str, object]:
    from sync.protocol import sitthi_version
    from sync.simulate.fingerprint import simulator_fingerprint

    return {
        "units": units,
        "persons": persons,
        "per_district": args.per_district,
        "seed": args.seed,
        "today": today.isoformat(),
        "version": sitthi_version(),
        "simulator": simulator_fingerprint(),
    }


def _record_path(base: Path) -> Path:
    from store.paths import data_dir

    name = hashlib.sha256(str(base.resolve()).encode()).hexdigest()[:16]
    return data_dir() / "demo-builds" / f"{RECORD_PREFIX}{name}.json"


def _current(base: Path, key: dict[str, object], url: str) -> ProvinceRecord | None:
    from tui.commands.demo import store_holds

    try:
        record = ProvinceRecord(**json.loads(_record_path(base).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if record.key != key or record.store != url:
        return None
    return record if store_holds(url, set(record.digests)) else None


def _store_url(db: str | None) -> str:
    from store.paths import province_demo_db_path, resolve_url

    return resolve_url(db or os.environ.get("SITTHI_DB") or province_demo_db_path())


def run_province_demo(args: argparse.Namespace) -> int:
    from store.paths import data_dir, display_url
    from sync.simulate.province import default_persons, default_units

    text = TEXTS[args.lang]
    base: Path = args.dir or data_dir() / "province-demo"
    units = args.province or default_units(large=args.large)
    persons = args.persons or default_persons()
    today = args.today or dt.date.today()
    url = _store_url(args.db)
    key = _key(args, units, persons, today)
    record = None if args.fresh else _current(base, key, url)
    if record is not None:
        print(text["reused"].format(dir=base, store=display_url(url)))
    else:
        built = _build(args, base, units, persons, url, key)
        if isinstance(built, int):
            return built
        record = built
    as_of = dt.date.fromisoformat(record.today)
    if args.no_app or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return print_league(url, args.lang, as_of)
    from tui.app import SitthiApp

    SitthiApp(url, lang=args.lang, as_of=as_of).run()
    return EXIT_OK


def _build(
    args: argparse.Namespace,
    base: Path,
    units: int,
    persons: int,
    url: str,
    key: dict[str, object],
) -> ProvinceRecord | int:
    from store.paths import display_url, province_demo_db_path, resolve_url
    from sync.province_demo import build_province
    from sync.simulate.province import plan_province

    text = TEXTS[args.lang]
    plan = plan_province(units, persons, per_district=args.per_district, seed=args.seed)
    print(
        text["planning"].format(
            units=units, districts=len(plan.districts), persons=persons, dir=base
        )
    )
    record_path = _record_path(base)
    record_path.unlink(missing_ok=True)
    if url == resolve_url(province_demo_db_path()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{province_demo_db_path()}{suffix}").unlink(missing_ok=True)
    print(text["store"].format(store=display_url(url)))

    def progress(line: Message) -> None:
        print(line.render(args.lang), flush=True)

    try:
        with opened_store(url) as engine:
            built = build_province(
                engine,
                plan,
                base,
                today=args.today,
                fresh=args.fresh,
                workers=args.workers,
                progress=progress,
            )
    except OSError as exc:
        return fail(message("cli.province_demo.failed", reason=exc.strerror or str(exc)))
    for unit in built.units:
        if unit.rejected:
            fail(message("cli.province_demo.rejected", count=unit.rejected, unit=unit.hospcode))
    if built.refused:
        return fail(message("cli.province_demo.refused", count=built.refused))
    total = sum(u.persons for u in built.units)
    print(text["done"].format(seconds=built.seconds, units=len(built.units), persons=total))
    record = ProvinceRecord(
        key=key,
        store=url,
        today=(args.today or dt.date.today()).isoformat(),
        digests=sorted(built.digests),
    )
    record_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = record_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(record), indent=1), "utf-8")
    temporary.replace(record_path)
    return record


def print_league(url: str, lang: str, as_of: dt.date) -> int:
    """The province's units with their districts, as the app's units screen lists them."""
    from store.engine import read_tx
    from store.i18n import Section as Texts
    from store.queries.units import unit_league

    with opened_store(url) as engine, read_tx(engine) as conn:
        league = unit_league(conn, as_of)
    words = Texts("units")[lang]
    district = Texts("units_district")[lang]
    rows = [
        [
            row.hospcode,
            row.name,
            row.district_label,
            f"{row.population:,}",
            "–" if row.coverage_pct is None else f"{row.coverage_pct:.2f} %",
            f"{row.gaps:,}",
        ]
        for row in sorted(league.units, key=lambda r: (r.district, r.hospcode))
    ]
    headers = [
        words["col_hospcode"],
        words["col_name"],
        district["col_district"],
        words["col_population"],
        words["col_coverage"],
        words["col_gaps"],
    ]
    print(format_table(headers, rows, "lllrrr"))
    return EXIT_OK
