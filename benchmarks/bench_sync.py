"""Sync on the wire: a centre's first and routine syncs, and many facilities syncing at once.

    .venv/bin/python benchmarks/bench_sync.py [--facilities 300] [--persons N] [--no-docs]

Needs PostgreSQL at 127.0.0.1:5432 (or `SITTHI_TEST_PG`): the server's store is a fresh
PostgreSQL database, dropped afterwards, and the server runs as `sitthi server run` in its own
process. Three measurements:

1. First sync of the large synthetic centre (its 43-file zip imported into a fresh SQLite store)
   through a relay that counts the bytes both ways and slows the link (default 1 Mbit/s, 50 ms
   per request). Floor: sending the export zip itself over the same link.
2. Routine sync of the same centre a month later: 100 follow-ups recorded and the next monthly
   export imported (1 % of persons updated, 15 new persons). Target: under 20 KB on the wire.
3. `--facilities` units, each with a small store, syncing at the same moment against the
   server: errors and latency percentiles per round. Floor: the same number of `/healthz`
   requests at once against the same server.

Prints one JSON document and writes its figures into the sync section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from benchlib import write_section  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from store.cid import check_digit  # noqa: E402
from store.engine import open_store, read_tx, write_tx  # noqa: E402
from sync.client import SyncError, sync_once  # noqa: E402
from tests.support.faultproxy import FaultProxy, Faults  # noqa: E402

SECTION_START = "<!-- bench_sync:start -->"
SECTION_END = "<!-- bench_sync:end -->"
PG_ADMIN_URL = os.environ.get(
    "SITTHI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BENCH_DAY = dt.date(2025, 5, 20)
ROUTINE_TARGET_BYTES = 20 * 1024
FOLLOW_UPS = 100
NEW_PERSONS = 15
UPDATED_SHARE = 0.01
SMALL_UNIT_PERSONS = 20
TIMEOUT_S = 180.0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cid_for(n: int) -> str:
    first12 = f"5{n:011d}"
    return first12 + str(check_digit(first12))


class Server:
    """`sitthi server run` over a PostgreSQL database, in its own process."""

    def __init__(self, db_url: str, home: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "SITTHI_HOME": str(home), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "tui.cli", "server", "run", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--db", db_url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def build_export(
    directory: Path, persons: int
) -> tuple[Any, dict[str, list[dict[str, str]]], Path]:
    from sync.simulate.centre import build_centre
    from sync.simulate.f43 import f43_tables, write_f43_zip

    centre = build_centre(today=BENCH_DAY, persons=persons)
    tables = f43_tables(centre)
    path = write_f43_zip(directory, centre.hospcode, centre.exported_at, tables)
    return centre, tables, path


def next_month(directory: Path, centre: Any, tables: dict[str, list[dict[str, str]]]) -> Path:
    """The next monthly export: a few persons updated, a few new ones, everything else as was."""
    from sync.simulate.f43 import write_f43_zip, ymdhms

    exported = centre.exported_at + dt.timedelta(days=31)
    stamp = ymdhms(exported)
    persons = [dict(row) for row in tables["PERSON"]]
    step = int(1 / UPDATED_SHARE)
    for row in persons[::step]:
        row["TYPEAREA"] = "2" if row["TYPEAREA"] == "1" else "1"
        row["D_UPDATE"] = stamp
    cards = [dict(row) for row in tables["CARD"]]
    next_pid = max(int(row["PID"]) for row in persons) + 1
    for n in range(NEW_PERSONS):
        newborn = {**persons[n], "PID": str(next_pid + n), "CID": cid_for(900_000 + n)}
        newborn.update({"HN": newborn["PID"], "D_UPDATE": stamp, "MOVEIN": stamp[:8]})
        persons.append(newborn)
        card = {**cards[0], "PID": newborn["PID"], "D_UPDATE": stamp}
        if "CID" in card:
            card["CID"] = newborn["CID"]
        cards.append(card)
    changed = {**tables, "PERSON": persons, "CARD": cards}
    return write_f43_zip(directory, centre.hospcode, exported, changed)


def record_follow_ups(engine: Engine, hospcode: str) -> None:
    from store.followup import append_followup

    with read_tx(engine) as conn:
        people = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM person ORDER BY id LIMIT :n"), {"n": FOLLOW_UPS}
            )
        ]
    with write_tx(engine) as conn:
        for person in people:
            append_followup(conn, hospcode=hospcode, person_id=person, action="PHONED")


def measured_sync(engine: Engine, server: Server, token: str, faults: Faults) -> dict[str, Any]:
    with FaultProxy(server.port, faults, seed=0) as proxy:
        started = time.perf_counter()
        result = sync_once(engine, proxy.url, token, timeout=TIMEOUT_S)
        elapsed = time.perf_counter() - started
    return {
        "seconds": round(elapsed, 2),
        "bytes_up": proxy.traffic.bytes_up,
        "bytes_down": proxy.traffic.bytes_down,
        "bytes_total": proxy.traffic.bytes_up + proxy.traffic.bytes_down,
        "requests": proxy.traffic.requests,
        "rows_pushed": result.pushed,
        "rows_pulled": result.pulled,
        "pending_after": result.pending,
    }


def centre_syncs(
    server: Server, server_store: Engine, work: Path, persons: int, link: Faults
) -> dict[str, Any]:
    from sync.ingest.importer import import_paths
    from sync.server.admin import add_facility

    exports = work / "exports"
    exports.mkdir()
    centre, tables, first_zip = build_export(exports, persons)
    token = add_facility(server_store, centre.hospcode, centre.name)
    store = open_store(work / "centre.db")
    import_paths(store, [first_zip], now=dt.datetime.combine(BENCH_DAY, dt.time(9), dt.UTC))
    first = measured_sync(store, server, token, link)
    rate = link.bytes_per_s or 1.0
    first["floor_seconds"] = round(first_zip.stat().st_size / rate + link.latency_s, 2)
    first["floor_bytes"] = first_zip.stat().st_size
    record_follow_ups(store, centre.hospcode)
    second_zip = next_month(exports, centre, tables)
    import_paths(
        store,
        [second_zip],
        now=dt.datetime.combine(BENCH_DAY, dt.time(9), dt.UTC) + dt.timedelta(days=31),
    )
    routine = measured_sync(store, server, token, link)
    routine["target_bytes"] = ROUTINE_TARGET_BYTES
    routine["met"] = routine["bytes_total"] < ROUTINE_TARGET_BYTES
    store.dispose()
    return {
        "persons": persons,
        "zip_bytes": first_zip.stat().st_size,
        "first": first,
        "routine": routine,
    }


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 3),
        "p95": round(cuts[94], 3),
        "p99": round(cuts[98], 3),
        "max": round(max(values), 3),
    }


def at_once(count: int, job: Callable[[int], None]) -> tuple[list[float], list[str], float]:
    """Run `job(i)` for every i in `count` threads released together; latencies and errors."""
    barrier = threading.Barrier(count)
    latencies: list[float] = [0.0] * count
    errors: list[str] = []

    def one(i: int) -> None:
        barrier.wait(timeout=TIMEOUT_S)
        started = time.perf_counter()
        try:
            job(i)
        except (SyncError, httpx.HTTPError) as exc:
            errors.append(type(exc).__name__ + ": " + str(exc)[:120])
        latencies[i] = time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(one, range(count)))
    return latencies, errors, time.perf_counter() - started


def many_facilities(server: Server, server_store: Engine, work: Path, count: int) -> dict[str, Any]:
    from sync.server.admin import add_facility
    from tests.support.syncserver import add_catalog_item, add_followup, add_person, add_right

    units = [f"{20001 + i}" for i in range(count)]
    tokens = {unit: add_facility(server_store, unit) for unit in units}
    with write_tx(server_store) as conn:
        for item in ("ANC", "PNC", "FP_PILL", "FP_INJ", "CX_SCREEN", "FIT", "FPG", "EPI_SVC"):
            add_catalog_item(conn, item)
        for u, unit in enumerate(units):
            for p in range(5):
                add_right(conn, cid_for(u * 1000 + p), hsub=unit)
    stores: list[Engine] = []
    for u, unit in enumerate(units):
        engine = open_store(work / f"unit-{unit}.db")
        with write_tx(engine) as conn:
            for p in range(SMALL_UNIT_PERSONS):
                person = add_person(conn, unit, str(p + 1), cid_for(u * 1000 + p))
                if p < 2:
                    add_followup(conn, unit, person, "phoned")
        stores.append(engine)

    def health(_i: int) -> None:
        httpx.get(f"{server.url}/healthz", timeout=TIMEOUT_S).raise_for_status()

    def sync_unit(i: int) -> None:
        sync_once(stores[i], server.url, tokens[units[i]], timeout=TIMEOUT_S)

    floor, floor_errors, floor_wall = at_once(count, health)
    rounds = []
    for name in ("first", "second"):
        latencies, errors, wall = at_once(count, sync_unit)
        rounds.append(
            {
                "round": name,
                "errors": len(errors),
                "error_samples": errors[:3],
                "wall_seconds": round(wall, 2),
                **percentiles(latencies),
            }
        )
    for engine in stores:
        engine.dispose()
    with read_tx(server_store) as conn:
        held = conn.execute(text("SELECT count(*) FROM person")).scalar()
    return {
        "facilities": count,
        "persons_held_by_server": held,
        "floor_healthz": {
            "errors": len(floor_errors),
            "wall_seconds": round(floor_wall, 2),
            **percentiles(floor),
        },
        "rounds": rounds,
    }


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _sync_row(label: str, run: dict[str, Any]) -> str:
    return _row(
        label,
        f"{run['bytes_up']:,}",
        f"{run['bytes_down']:,}",
        f"{run['bytes_total']:,}",
        run["requests"],
        f"{run['rows_pushed']:,} / {run['rows_pulled']:,}",
        f"{run['seconds']} s",
    )


def _latency_row(label: str, run: dict[str, Any]) -> str:
    times = [f"{run[k]} s" for k in ("p50", "p95", "p99", "max", "wall_seconds")]
    return _row(label, run["errors"], *times)


def write_docs(report: dict[str, Any]) -> None:
    centre, many = report["centre"], report["many"]
    first, routine = centre["first"], centre["routine"]
    link = report["link"]
    verdict = "met" if routine["met"] else "missed"
    lines = [
        SECTION_START,
        "## Sync: first and routine sync of a centre, and many facilities at once",
        "",
        f"Measured {report['date']} by `benchmarks/bench_sync.py` on {report['cpus']} CPUs, "
        f"Python {report['python']}; load average {report['load']} when it started. Server: "
        "`sitthi server run` in its own process over PostgreSQL. Bytes are counted on the wire "
        f"(HTTP heads and gzip bodies) by a relay that slows the link to {link['kbit_s']:g} kbit/s "
        f"and adds {link['latency_ms']:g} ms per request.",
        "",
        f"Centre: the large synthetic centre, {centre['persons']:,} persons; its export zip is "
        f"{centre['zip_bytes']:,} bytes.",
        "",
        "| | bytes up | bytes down | total | requests | rows sent / received | time |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row(
            "floor: the export zip sent as it is",
            f"{first['floor_bytes']:,}",
            "",
            f"{first['floor_bytes']:,}",
            1,
            "",
            f"{first['floor_seconds']} s",
        ),
        _sync_row("first sync", first),
        _sync_row(f"routine sync ({FOLLOW_UPS} follow-ups, next monthly export)", routine),
        "",
        f"Routine sync target: under {ROUTINE_TARGET_BYTES:,} bytes: **{verdict}**.",
        "",
        f"{many['facilities']} facilities (each {SMALL_UNIT_PERSONS} persons and 2 follow-ups to "
        "send; 5 NHSO records and the 8-item catalog waiting for each) syncing at the same "
        "moment, on loopback without slowing; latency of one whole round (handshake, push, pull). "
        "The clients are threads of one Python process sharing the 2 CPUs with the server, so "
        "the floor (the same number of bare requests at once) shows how much of it is theirs:",
        "",
        "| | errors | p50 | p95 | p99 | max | wall |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _latency_row("floor: `/healthz` at once", many["floor_healthz"]),
        *(_latency_row(f"{entry['round']} round", entry) for entry in many["rounds"]),
        "",
        SECTION_END,
    ]
    write_section("\n".join(lines), SECTION_START, SECTION_END)


def main() -> None:

    from sync.simulate.centre import default_size

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--facilities", type=int, default=300)
    parser.add_argument("--persons", type=int, default=default_size(large=True))
    parser.add_argument("--kbit-s", type=float, default=1000.0, help="the slowed link's rate")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added per request")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sitthi_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    link = Faults(bytes_per_s=args.kbit_s * 1000 / 8, latency_s=args.latency_ms / 1000)
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "link": {"kbit_s": args.kbit_s, "latency_ms": args.latency_ms},
    }
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            os.environ["SITTHI_HOME"] = str(work / "home")
            server_store = open_store(db_url)
            server = Server(db_url, work / "home")
            try:
                report["centre"] = centre_syncs(server, server_store, work, args.persons, link)
                report["many"] = many_facilities(server, server_store, work, args.facilities)
            finally:
                server.stop()
                server_store.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(json.dumps(report, indent=1))
    if not args.no_docs:
        write_docs(report)


if __name__ == "__main__":
    main()
