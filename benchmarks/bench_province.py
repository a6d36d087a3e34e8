"""The province at scale on PostgreSQL: the league table, a unit's dashboard, the province's KPI
report and memory, against floors measured in the same run.

    .venv/bin/python benchmarks/bench_province.py                              # reduced size
    .venv/bin/python benchmarks/bench_province.py --units 300 --persons 5000   # full size
    .venv/bin/python benchmarks/bench_province.py --url postgresql+psycopg://... --keep

Builds a provincial store of `--units` units × `--persons` persons in a new PostgreSQL database
with the province demo's builder (`sync.province_demo.build_province`: each unit's files from the
simulator, imported into its own store and pushed to a real provincial server; the NHSO files
imported at the province), then measures, each in a fresh process so that its peak memory (RSS)
is its own:

- the app's units (league) table on screen after `u`, and a unit's dashboard after drill-down
  (the real app driven by Textual's Pilot, headless, at 80×24);
- `sitthi recompute` (every unit judged and stored), then `sitthi report kpi --json` for the
  whole province from the stored judgements and with `--fresh` (every unit judged again: cold);
- the league table again while a unit pushes a follow-up to the server every few seconds;

and, as floors, one SQL statement computing the per-unit rights KPI and `SELECT count(*)` over
persons. Each figure is given with its ratio to the SQL floor. The measurements are a table
(`MEASUREMENTS`): a new one is a `Measurement` with a function that returns a `Figure`.
Prints one JSON document and writes its section of docs/benchmarks.md (not with `--no-docs`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchlib import machine, peak_rss_mib, write_section

SECTION_START = "<!-- bench_province:start -->"
SECTION_END = "<!-- bench_province:end -->"
REDUCED = (20, 500)
"""Units × persons by default: a province small enough to build in a few minutes here."""
FULL = (300, 5000)
PG_ADMIN = os.environ.get(
    "SITTHI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BENCH_DAY = dt.date.today()
"""The province is built and read on today's date: its server keeps the stored judgements of
today, as in production, and a reader of an earlier day would be judging afresh."""
SIZE = (80, 24)
SCREEN_TIMEOUT_S = 900.0
FOLLOW_UP_EVERY_S = 5.0
FLOOR_RUNS = 3

SQL_KPI_FLOOR = """
WITH latest AS (
    SELECT DISTINCT ON (cid) cid, maininscl, expdate, deathdate
    FROM nhso_right
    WHERE checked_on <= :as_of
    ORDER BY cid, checked_on DESC
)
SELECT p.hospcode,
       count(*) AS population,
       count(*) FILTER (WHERE p.nation = '099') AS thai,
       count(*) FILTER (
           WHERE p.nation = '099' AND r.maininscl <> '' AND r.deathdate IS NULL
             AND (r.expdate IS NULL OR r.expdate >= :as_of)
       ) AS covered
FROM person p
LEFT JOIN latest r ON r.cid = p.cid
WHERE p.typearea IN ('1', '3') AND p.discharge = '9'
  AND NOT EXISTS (SELECT 1 FROM death d WHERE d.hospcode = p.hospcode AND d.pid = p.pid)
GROUP BY p.hospcode
ORDER BY p.hospcode
"""
"""The floor of the province KPI: the responsible population, Thai nationals and those whose
latest NHSO record (known on the day) gives a right, per unit, in one statement."""


@dataclass(frozen=True)
class Figure:
    seconds: float | None
    """None: not on screen within the timeout."""
    peak_rss_mib: float | None = None
    runs_s: tuple[float, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bench:
    """What every measurement may use: the province's store and the units' folders."""

    url: str
    as_of: dt.date
    units: int
    persons: int
    base: Path
    app_runs: dict[str, Figure] = field(default_factory=dict)
    """The app's runs so far, by what was driven (one run gives the league and drill-down)."""


@dataclass(frozen=True)
class Measurement:
    name: str
    label: str
    run: Callable[[Bench], Figure]
    target_s: float | None = None
    target_mib: float | None = None
    floor: bool = False


# ---- floors, in this process -------------------------------------------------------------


def _best_of(bench: Bench, sql: str) -> Figure:
    from sqlalchemy import create_engine, text

    engine = create_engine(bench.url)
    runs = []
    rows = 0
    try:
        for _ in range(FLOOR_RUNS):
            with engine.connect() as conn:
                started = time.perf_counter()
                rows = len(conn.execute(text(sql), {"as_of": bench.as_of}).all())
                runs.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return Figure(min(runs), None, tuple(round(r, 4) for r in runs), {"rows": rows})


def floor_sql_kpi(bench: Bench) -> Figure:
    return _best_of(bench, SQL_KPI_FLOOR)


def floor_count(bench: Bench) -> Figure:
    return _best_of(bench, "SELECT count(*) FROM person")


# ---- commands in fresh processes -----------------------------------------------------------


PEAK_FILE_ENV = "SITTHI_BENCH_PEAK_FILE"
WITH_PEAK = (
    "import atexit, os, runpy, sys\n"
    "from benchlib import peak_rss_mib\n"
    "def note():\n"
    "    with open(os.environ['SITTHI_BENCH_PEAK_FILE'], 'w') as f: f.write(str(peak_rss_mib()))\n"
    "atexit.register(note)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)
"""Runs a module as `python -m` would and notes its own peak RSS (`VmHWM`) when it exits:
`ru_maxrss` of a child starts from the parent's peak, which would hide the child's."""


def _child(module: str, args: list[str]) -> tuple[float, float | None, str]:
    """Run `python -m module args`; its wall seconds, its own peak RSS (MiB), its output."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        env = {**_env(), PEAK_FILE_ENV: str(peak_file)}
        argv = [sys.executable, "-c", WITH_PEAK, module, *args]
        started = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{module} {args[:3]} failed: {done.stderr.decode()[-2000:]}")
        peak = float(peak_file.read_text()) if peak_file.exists() else None
    return seconds, peak, done.stdout.decode()


def _kpi(bench: Bench, *extra: str) -> Figure:
    argv = ["report", "kpi", "--json", "--as-of", bench.as_of.isoformat(), "--db", bench.url]
    seconds, rss, output = _child("tui.cli", [*argv, *extra])
    units = len(json.loads(output)["units"])
    return Figure(seconds, rss, (round(seconds, 3),), {"units": units})


def kpi_stored(bench: Bench) -> Figure:
    """The province's KPI read from the stored judgements (what `report kpi` does)."""
    return _kpi(bench)


def kpi_fresh(bench: Bench) -> Figure:
    """Every unit judged again from its rows (`report kpi --fresh`): the cold path."""
    return _kpi(bench, "--fresh")


def recompute_all(bench: Bench) -> Figure:
    """`sitthi recompute`: every unit judged again and its judgements stored, as after a rules
    or catalog change."""
    argv = ["recompute", "--as-of", bench.as_of.isoformat(), "--db", bench.url]
    seconds, rss, _ = _child("tui.cli", argv)
    return Figure(seconds, rss, (round(seconds, 3),), {})


def _drive(bench: Bench, what: str) -> Figure:
    argv = ["--drive", what, "--url", bench.url]
    argv += ["--as-of", bench.as_of.isoformat(), "--units", str(bench.units)]
    _, rss, output = _child("bench_province", argv)
    found = json.loads(output.strip().splitlines()[-1])
    return Figure(found["seconds"], rss, (), found)


def _league_then_drill(bench: Bench) -> Figure:
    """One app process: `u`, the league on screen, then enter and the unit's dashboard."""
    if "drill" not in bench.app_runs:
        bench.app_runs["drill"] = _drive(bench, "drill")
    return bench.app_runs["drill"]


def league_on_screen(bench: Bench) -> Figure:
    run = _league_then_drill(bench)
    return Figure(run.detail["league_s"], run.peak_rss_mib, (), run.detail)


def dashboard_after_drill_down(bench: Bench) -> Figure:
    run = _league_then_drill(bench)
    return Figure(run.detail.get("drill_s"), run.peak_rss_mib, (), run.detail)


def league_while_syncing(bench: Bench) -> Figure:
    """The league table while one unit pushes a follow-up every few seconds to a server over
    the province's store (the app polls the store and sees each change)."""
    with _syncing_unit(bench) as (pushes, failed):
        figure = _drive(bench, "league-polling")
    detail = {**figure.detail, "follow_ups_pushed": pushes[0], "sync_rounds_failed": failed[0]}
    return Figure(figure.seconds, figure.peak_rss_mib, (), detail)


@contextlib.contextmanager
def _syncing_unit(bench: Bench) -> Iterator[tuple[list[int], list[int]]]:
    from sqlalchemy import text

    from store.engine import open_store, read_tx, write_tx
    from store.followup import append_followup
    from sync.client import SyncError, sync_once
    from sync.province_demo import UNIT_STORE, unit_folder
    from sync.server.auth import active_credential, rotate
    from sync.server.run import serving_in_thread
    from sync.simulate.province import plan_province

    hospcode = plan_province(bench.units, bench.persons).units[0].identity.hospcode
    province = open_store(bench.url)
    unit = open_store(f"sqlite:///{unit_folder(bench.base, hospcode) / UNIT_STORE}")
    with write_tx(province) as conn:
        held = active_credential(conn, hospcode)
        assert held is not None
        token = rotate(conn, held.id)
    with read_tx(unit) as conn:
        people = list(conn.execute(text("SELECT id FROM person LIMIT 1000")).scalars())
    stop = threading.Event()
    pushes, failed = [0], [0]

    def keep_syncing(server: str) -> None:
        """Like a centre's daemon: a round fails (the server busy numbering a backlog), the
        next one sends what is left."""
        while True:
            with write_tx(unit) as conn:
                person = people[pushes[0] % len(people)]
                append_followup(conn, hospcode=hospcode, person_id=person, action="PHONED")
            try:
                sync_once(unit, server, token)
            except SyncError:
                failed[0] += 1
            pushes[0] += 1
            if stop.wait(FOLLOW_UP_EVERY_S):
                return

    with serving_in_thread(province) as server:
        _until_sequenced(province)
        worker = threading.Thread(target=keep_syncing, args=(server,), daemon=True)
        worker.start()
        try:
            yield pushes, failed
        finally:
            stop.set()
            worker.join(timeout=60)
    unit.dispose()
    province.dispose()


def _until_sequenced(engine: Any) -> None:
    """Wait until the server has numbered every change (the NHSO files imported at the province
    after the units' pushes): a province's server in office hours has no backlog."""
    from sqlalchemy import text

    deadline = time.monotonic() + SCREEN_TIMEOUT_S
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM sync_change WHERE seq IS NULL"))
            if left.scalar_one() == 0:
                return
        time.sleep(1)


def _env() -> dict[str, str]:
    here = Path(__file__).resolve().parent
    paths = [str(here.parent), str(here), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


MEASUREMENTS: list[Measurement] = [
    Measurement("floor_count", "floor: `SELECT count(*)` over persons", floor_count, floor=True),
    Measurement(
        "floor_sql_kpi", "floor: one SQL statement, per-unit rights KPI", floor_sql_kpi, floor=True
    ),
    Measurement("league", "units (league) table on screen after `u`", league_on_screen, 2.0, 500.0),
    Measurement(
        "drill_down",
        "a unit's dashboard after drill-down (enter on the league; same process)",
        dashboard_after_drill_down,
        1.0,
        500.0,
    ),
    Measurement(
        "recompute", "`sitthi recompute`, every unit judged and stored", recompute_all, None, 500.0
    ),
    Measurement(
        "kpi_stored", "`sitthi report kpi --json`, province, stored", kpi_stored, 2.0, 500.0
    ),
    Measurement(
        "kpi_fresh", "`sitthi report kpi --json --fresh`, province, cold", kpi_fresh, 20.0, 500.0
    ),
    Measurement(
        "league_syncing",
        f"league table while a unit pushes a follow-up every {FOLLOW_UP_EVERY_S:g} s",
        league_while_syncing,
        2.0,
        500.0,
    ),
]
"""In the order measured: the recompute leaves every unit's judgements stored for the app's runs
and the stored KPI after it."""


# ---- the app, driven by Pilot in a child process ------------------------------------------


async def _drive_app(url: str, as_of: dt.date, units: int, what: str) -> dict[str, Any]:
    from textual.widgets import DataTable

    from tui.app import SitthiApp
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.units import UnitsScreen

    polling = {} if what == "league-polling" else {"poll_seconds": 0}
    app = SitthiApp(url, lang="th", as_of=as_of, **polling)  # type: ignore[arg-type]

    async def until(done: Callable[[], bool], pilot: Any, key: str) -> float | None:
        """Seconds from pressing `key` until `done()` holds (polled every 20 ms)."""
        started = time.perf_counter()
        await pilot.press(key)
        while time.perf_counter() - started < SCREEN_TIMEOUT_S:
            if done():
                return time.perf_counter() - started
            await pilot.pause(0.02)
        return None

    def league_shown() -> bool:
        screen = app.screen
        if not isinstance(screen, UnitsScreen) or screen.league is None:
            return False
        return screen.query_one("#units", DataTable).row_count == units

    def dashboard_shown() -> bool:
        screen = app.screen
        return (
            isinstance(screen, DashboardScreen)
            and screen.coverage is not None
            and screen.coverage.units == 1
        )

    result: dict[str, Any] = {"what": what}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        result["seconds"] = result["league_s"] = league = await until(league_shown, pilot, "u")
        result["rows"] = units if league is not None else 0
        if what == "drill" and league is not None:
            result["drill_s"] = await until(dashboard_shown, pilot, "enter")
        quit_started = time.perf_counter()
        await pilot.press("q")
    result["quit_s"] = round(time.perf_counter() - quit_started, 3)
    result["peak_rss_mib_self"] = peak_rss_mib()
    return result


# ---- building the province ---------------------------------------------------------------


def create_database(admin: str) -> str:
    from sqlalchemy import create_engine, text

    name = f"provdemo_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def build(
    url: str, units: int, persons: int, base: Path, workers: int | None, *, again: bool
) -> dict[str, Any]:
    """Build the province (unless `again`: measure the one built before in `base`), then
    `ANALYZE` it, as autovacuum would after a bulk load: the planner's statistics are part of
    a store in use, and without them the SQL floor alone runs for minutes (nested loops)."""
    from sqlalchemy import text

    from store.engine import open_store
    from sync.province_demo import build_province
    from sync.simulate.province import plan_province

    engine = open_store(url)
    plan = plan_province(units, persons)
    try:
        seconds = None
        if not again:
            built = build_province(engine, plan, base, today=BENCH_DAY, workers=workers)
            seconds, refused = round(built.seconds, 1), built.refused
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        with engine.connect() as conn:
            counts = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("person", "card", "pp_service", "nhso_right", "sync_change")
            }
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    finally:
        engine.dispose()
    return {
        "seconds": seconds,
        "districts": len(plan.districts),
        "rows": counts,
        "database_mib": round(size / 2**20, 1),
        "refused_files": 0 if again else refused,
    }


def measure(
    units: int,
    persons: int,
    url: str | None,
    keep: bool,
    workers: int | None,
    only: set[str],
    built: Path | None = None,
) -> dict[str, Any]:
    """Build (or, with `built`, the folder of an earlier build of `url`, reuse) and measure."""
    report: dict[str, Any] = {
        "benchmark": "province",
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "units": units,
        "persons_per_unit": persons,
    }
    made = url is None
    url = url or create_database(PG_ADMIN)
    home = os.environ.get("SITTHI_HOME")
    try:
        with tempfile.TemporaryDirectory(prefix="sitthi-bench-province-") as tmp:
            os.environ["SITTHI_HOME"] = str(Path(tmp) / "home")  # the children's too
            base = built or Path(tmp) / "province"
            report["build"] = build(url, units, persons, base, workers, again=built is not None)
            bench = Bench(url, BENCH_DAY, units, persons, base)
            figures: dict[str, Any] = {}
            for measurement in MEASUREMENTS:
                if only and measurement.name not in only and not measurement.floor:
                    continue
                figure = measurement.run(bench)
                figures[measurement.name] = {
                    "label": measurement.label,
                    "target_s": measurement.target_s,
                    "target_mib": measurement.target_mib,
                    "floor": measurement.floor,
                    **asdict(figure),
                }
                print(f"{measurement.name}: {figure.seconds} s", file=sys.stderr, flush=True)
            report["figures"] = figures
    finally:
        if home is None:
            os.environ.pop("SITTHI_HOME", None)
        else:
            os.environ["SITTHI_HOME"] = home
        if made and not keep:
            drop_database(PG_ADMIN, url)
    if keep:
        report["url"] = url
    floor = report["figures"]["floor_sql_kpi"]["seconds"]
    for figure in report["figures"].values():
        seconds = figure["seconds"]
        figure["x_floor"] = round(seconds / floor, 2) if seconds is not None and floor else None
    return report


# ---- docs ----------------------------------------------------------------------------------


def _verdict(figure: dict[str, Any]) -> str:
    parts = []
    if figure["target_s"] is not None:
        met = figure["seconds"] is not None and figure["seconds"] <= figure["target_s"]
        parts.append(f"≤ {figure['target_s']:g} s: {'met' if met else '**missed**'}")
    if figure["target_mib"] is not None and figure["peak_rss_mib"] is not None:
        met = figure["peak_rss_mib"] <= figure["target_mib"]
        parts.append(f"≤ {figure['target_mib']:g} MiB: {'met' if met else '**missed**'}")
    return "; ".join(parts)


def _took(seconds: float | None) -> str:
    return f" in {seconds:.0f} s" if seconds is not None else ""


def docs_section(report: dict[str, Any]) -> str:
    box = report["machine"]
    built = report["build"]
    rows = built["rows"]
    lines = [
        SECTION_START,
        "## The province on PostgreSQL: league table, drill-down, province KPI",
        "",
        f"Measured {report['measured'][:10]} by `benchmarks/bench_province.py` on {box['nproc']} "
        f"CPUs, Python {box['python']}; load average {box['load_average']} when it started.",
        "",
        f"A province of {report['units']} units × {report['persons_per_unit']:,} persons in "
        f"{built['districts']} districts, built by the province demo's builder"
        f"{_took(built['seconds'])} (units' files from the simulator, imported into each unit's "
        "store, pushed to a real provincial server; NHSO files imported at the province): "
        f"{rows['person']:,} persons, {rows['card']:,} cards, {rows['pp_service']:,} PP service "
        f"rows, {rows['nhso_right']:,} NHSO records, {rows['sync_change']:,} change-log rows; "
        f"database {built['database_mib']:,.0f} MiB (after `ANALYZE`). Each command ran in a "
        "fresh process (peak RSS is its own); the app was driven headless by Textual's Pilot "
        f"at 80×24; the floors are the best of {FLOOR_RUNS} runs in the same session.",
        "",
        "| | wall | × SQL floor | peak RSS | target |",
        "|---|---:|---:|---:|---|",
    ]
    for figure in report["figures"].values():
        seconds = figure["seconds"]
        wall = f"{seconds:.3f} s" if seconds is not None else f"not within {SCREEN_TIMEOUT_S:.0f} s"
        ratio = f"{figure['x_floor']}×" if figure["x_floor"] is not None else ""
        rss = f"{figure['peak_rss_mib']:.0f} MiB" if figure["peak_rss_mib"] else ""
        lines.append(f"| {figure['label']} | {wall} | {ratio} | {rss} | {_verdict(figure)} |")
    persons = report["units"] * report["persons_per_unit"]
    full = FULL[0] * FULL[1]
    fresh = report["figures"].get("kpi_fresh", {}).get("seconds")
    if fresh and persons < full:
        lines += [
            "",
            f"The targets are those of {FULL[0]} units × {FULL[1]:,} persons. The league, the "
            "drill-down and the stored KPI read a few stored rows per unit; the fresh KPI and "
            "the recompute judge every person, so they grow with the province: multiplied out "
            f"to {full:,} persons the fresh KPI of this run would take about "
            f"{fresh * full / persons:,.0f} s.",
        ]
    syncing = report["figures"].get("league_syncing", {}).get("detail", {})
    if syncing:
        lines += [
            "",
            f"While syncing: {syncing.get('follow_ups_pushed', 0)} follow-up(s) were recorded and "
            f"synced during the measurement ({syncing.get('sync_rounds_failed', 0)} rounds "
            f"failed and were retried); `q` took {syncing.get('quit_s', 0):.2f} s to quit.",
        ]
    lines.append(SECTION_END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=REDUCED[0])
    parser.add_argument("--persons", type=int, default=REDUCED[1])
    parser.add_argument("--url", default=None, help="a PostgreSQL store to build in (emptied)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--built",
        type=Path,
        default=None,
        help="with --url: the folder of its build, measure again",
    )
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--only", action="append", default=[], help="just these measurements")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--drive", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        as_of = dt.date.fromisoformat(args.as_of)
        print(json.dumps(asyncio.run(_drive_app(args.url, as_of, args.units, args.drive))))
        return
    report = measure(
        args.units, args.persons, args.url, args.keep, args.workers, set(args.only), args.built
    )
    print(json.dumps(report, indent=2))
    if not args.no_docs:
        write_section(docs_section(report), SECTION_START, SECTION_END)


if __name__ == "__main__":
    main()
