"""The provincial store's size per million persons, before and after change-log compaction.

    .venv/bin/python benchmarks/bench_sync_log.py [--units 6] [--persons 5000] [--no-docs]

Needs PostgreSQL at 127.0.0.1:5432 (or `SITTHI_TEST_PG`); the province's store is a fresh
database, dropped afterwards. A province at reduced size is built the way production fills it:
each unit is a synthetic centre (`sync.simulate`, its own seed and hospcode) whose 43-file export
is imported into the unit's SQLite store and pushed to the server (a real uvicorn server on
loopback); the unit's NHSO rights files and statements are imported straight into the province's
store, as the province loads its NHSO files; then a provincial reader pulls everything.

Measured (`pg_total_relation_size` per table, so with indexes and TOAST): the store before
compaction, after it (`VACUUM FULL` of the log, so the figure is the table's size, not the space
PostgreSQL keeps for reuse), and after one more round in which every unit syncs unchanged. The
floor is the store without any sync bookkeeping (the data tables alone). Figures per million
persons are extrapolated linearly from the reduced size (every table here grows with the
persons and rows the units send).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import machine, write_section  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from store.engine import open_store  # noqa: E402
from sync.client import sync_once  # noqa: E402
from sync.protocol import REGISTRY, Role  # noqa: E402
from sync.server.admin import add_facility, add_user  # noqa: E402
from sync.server.compaction import compact_log  # noqa: E402
from sync.server.sequencer import sequence_pending  # noqa: E402
from tests.support.syncserver import RunningServer  # noqa: E402

SECTION_START = "<!-- bench_sync_log:start -->"
SECTION_END = "<!-- bench_sync_log:end -->"
PG_ADMIN_URL = os.environ.get(
    "SITTHI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BOOKKEEPING = ("sync_change", "sync_route", "sync_delivery")
MILLION = 1_000_000


@contextlib.contextmanager
def province_database() -> Iterator[str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"compact_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def unit_params(hospcode: str) -> Iterator[None]:
    """The simulator's parameters with another unit's hospcode (the shipped file names one)."""
    import sync.simulate.centre as centre_module
    from sync.simulate.params import Params, load_params

    shipped = load_params()
    tables = dict(shipped.tables)
    tables["centre"] = {**tables["centre"], "hospcode": hospcode}
    original = centre_module.load_params
    centre_module.load_params = lambda: Params(tables)  # type: ignore[assignment]
    try:
        yield
    finally:
        centre_module.load_params = original  # type: ignore[assignment]


def build_unit(work: Path, server: Engine, number: int, persons: int) -> tuple[str, Path]:
    """One unit: its export imported into its own store, its NHSO files into the province's."""
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre
    from sync.simulate.files import write_centre_files

    hospcode = f"{99001 + number:05d}"
    with unit_params(hospcode):
        centre = build_centre(seed=1000 + number, persons=persons)
    paths = write_centre_files(centre, work / hospcode)
    store = work / f"{hospcode}.db"
    engine = open_store(store)
    try:
        import_paths(engine, [p for p in paths if p.suffix == ".zip"])
    finally:
        engine.dispose()
    import_paths(server, [p for p in paths if p.suffix != ".zip"])
    print(f"unit {hospcode} built", file=sys.stderr, flush=True)
    return hospcode, store


def sizes(engine: Engine) -> dict[str, dict[str, int]]:
    names = [entry.name for entry in REGISTRY] + list(BOOKKEEPING)
    found: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for name in names:
            found[name] = {
                "rows": int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() or 0),
                "bytes": int(
                    conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": name}).scalar()
                    or 0
                ),
            }
        found["database"] = {
            "rows": 0,
            "bytes": int(
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
            ),
        }
    return found


def vacuum_full(url: str, tables: tuple[str, ...], attempts: int = 20) -> bool:
    """Rewrite `tables` without their dead rows; whether every dead row could be removed.

    On a PostgreSQL server shared with other work, a transaction running elsewhere keeps rows
    deleted after it began from being removed; the rewrite is tried again until it goes away.
    """
    import psycopg

    kept: list[str] = []
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as raw:
        raw.add_notice_handler(lambda notice: kept.append(notice.message_detail or ""))
        for attempt in range(attempts):
            kept.clear()
            for name in tables:
                raw.execute(f'VACUUM (FULL, VERBOSE) "{name}"')
            if not any("cannot be removed yet" in (line or "") for line in kept):
                return True
            if attempt + 1 < attempts:
                time.sleep(3)
    return False


def measure(units: int, persons: int) -> dict[str, Any]:
    with province_database() as url, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        server = open_store(url)
        started = time.perf_counter()
        stores = [build_unit(work, server, n, persons) for n in range(units)]
        built_s = time.perf_counter() - started
        tokens = {code: add_facility(server, code, f"unit {code}") for code, _ in stores}
        reader_token = add_user(server, "insurance team", Role.PROVINCE)
        running = RunningServer(server, compact_every=86_400.0)
        running.start()
        try:
            started = time.perf_counter()
            for code, store in stores:
                engine = open_store(store)
                sync_once(engine, running.url, tokens[code], timeout=300)
                engine.dispose()
            pushed_s = time.perf_counter() - started
            print(f"units pushed in {pushed_s:.0f} s", file=sys.stderr, flush=True)
            sequence_pending(server)
            reader = open_store(work / "reader.db")
            started = time.perf_counter()
            for _ in range(2):
                sync_once(reader, running.url, reader_token, timeout=300)
            pulled_s = time.perf_counter() - started
            vacuum_full(url, BOOKKEEPING)
            before = sizes(server)
            started = time.perf_counter()
            done = compact_log(server)
            compact_s = time.perf_counter() - started
            rewritten = vacuum_full(url, BOOKKEEPING)
            after = sizes(server)
            for code, store in stores:
                engine = open_store(store)
                sync_once(engine, running.url, tokens[code], timeout=300)
                engine.dispose()
            sync_once(reader, running.url, reader_token, timeout=300)
            compact_log(server)
            rewritten = vacuum_full(url, BOOKKEEPING) and rewritten
            again = sizes(server)
            reader.dispose()
        finally:
            running.stop()
            server.dispose()
    return {
        "units": units,
        "persons_per_unit": persons,
        "persons": units * persons,
        "built_s": round(built_s, 1),
        "pushed_s": round(pushed_s, 1),
        "pulled_s": round(pulled_s, 1),
        "compact_s": round(compact_s, 2),
        "removed": done.removed,
        "dead_rows_all_removed": rewritten,
        "before": before,
        "after": after,
        "after_unchanged_round": again,
        "machine": machine(),
    }


def per_million(report: dict[str, Any], stage: str, name: str) -> float:
    """MB per million persons, extrapolated linearly."""
    return report[stage][name]["bytes"] * MILLION / report["persons"] / 1e6


def data_bytes(report: dict[str, Any], stage: str) -> int:
    return sum(report[stage][entry.name]["bytes"] for entry in REGISTRY)


def section(report: dict[str, Any]) -> str:
    scale = MILLION / report["persons"]
    lines = [
        SECTION_START,
        "## Sync bookkeeping: the provincial store per million persons",
        "",
        f"Province at reduced size: {report['units']} units × {report['persons_per_unit']:,} "
        f"synthetic persons ({report['persons']:,}), built, pushed and pulled through a real "
        "server on PostgreSQL; MB per million persons extrapolated linearly "
        f"(×{scale:,.1f}). Compaction removed {report['removed']:,} entries in "
        f"{report['compact_s']} s.",
        "",
        "| table | rows before | MB/M before | rows after | MB/M after | after a quiet round |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in BOOKKEEPING:
        lines.append(
            f"| `{name}` | {report['before'][name]['rows']:,} | "
            f"{per_million(report, 'before', name):,.0f} | {report['after'][name]['rows']:,} | "
            f"{per_million(report, 'after', name):,.0f} | "
            f"{per_million(report, 'after_unchanged_round', name):,.0f} |"
        )
    data = {stage: data_bytes(report, stage) * scale / 1e6 for stage in ("before", "after")}
    lines += [
        f"| synced data tables (floor) | | {data['before']:,.0f} | | {data['after']:,.0f} | |",
        f"| whole database | | {per_million(report, 'before', 'database'):,.0f} | | "
        f"{per_million(report, 'after', 'database'):,.0f} | "
        f"{per_million(report, 'after_unchanged_round', 'database'):,.0f} |",
        "",
        SECTION_END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=6)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    report = measure(args.units, args.persons)
    print(json.dumps(report, indent=1))
    print(section(report))
    if not args.no_docs:
        write_section(section(report), SECTION_START, SECTION_END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
