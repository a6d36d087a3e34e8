"""Stored judgements on a province's PostgreSQL store: cold, stored, league, one unit.

    .venv/bin/python benchmarks/bench_judgements.py [--units 10] [--persons 5000] [--seeds 2]
        [--pg postgresql://postgres@127.0.0.1:5432] [--reuse] [--no-docs]

Imports `--seeds` synthetic centres (different seeds) into SQLite stores, then fills a fresh
PostgreSQL database (`judged_bench`) with `--units` units copied from them in turn, each with
its own unit code and CIDs of its own. Then measures, each figure in a process of its own so
that its peak memory is its own:

- `floor`: `SELECT count(*)` over persons (the least any province figure costs);
- `cold_parts`: where a fresh evaluation's time goes, unit by unit: loading the rules' inputs,
  judging every person, the PP money path (services judged and matched with statement lines,
  persons due);
- `kpi_fresh`: `sitthi report kpi --json --fresh` for the province (every unit evaluated);
- `recompute`: `sitthi recompute` (evaluated and stored);
- `kpi_stored`: `sitthi report kpi --json` from the stored judgements;
- `league`: the app's league table (`unit_league`) from the stored judgements;
- `unit_dashboard`: one unit's dashboard queries (coverage, follow-ups, monthly PP money,
  trend) after its refresh;
- `unit_refresh`: a unit's person changed, then the refresh a writer runs after its change.

Also the centre's dashboard on the demo store (`sitthi demo --no-app` in a temporary folder):
its queries after the demo's own refresh. Prints one JSON document and writes the judgements
section of docs/benchmarks.md. Targets at 300 units x 5,000 persons: kpi cold <= 20 s, stored
<= 2 s, league <= 2 s, one unit's dashboard <= 1 s, peak memory <= 500 MB; the demo centre's
dashboard <= 1 s. Figures at other sizes are extrapolated per unit (the work is unit by unit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import machine, peak_rss_mib, write_section  # noqa: E402

BENCH_DAY = dt.date(2026, 11, 30)
DATABASE = "judged_bench"
HOME_ENV = "SITTHI_HOME"
"""Where the demo keeps its build record: the benchmark's own folder, not the user's."""
UNIT_PREFIX = "99"
COPIED_TABLES = (
    "village",
    "house",
    "person",
    "card",
    "death",
    "pp_service",
    "nhso_right",
    "pp_statement_line",
    "nhso_rep_line",
    "nhso_stm_line",
    "nhso_transfer",
)
SECTION_START = "## Stored judgements (province on PostgreSQL)"
SECTION_END = "<!-- end stored judgements -->"
FIGURES = (
    "floor",
    "cold_parts",
    "kpi_fresh",
    "recompute",
    "kpi_stored",
    "league",
    "unit_dashboard",
    "unit_refresh",
)


def import_centre(work: Path, seed: int, persons: int) -> Path:
    """A synthetic centre imported into a fresh SQLite store; the store's path."""
    from store.engine import open_store
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre
    from sync.simulate.files import write_centre_files

    db_path = work / f"seed{seed}-{persons}.db"
    if db_path.exists():
        return db_path
    centre = build_centre(seed=seed, today=BENCH_DAY, persons=persons)
    paths = write_centre_files(centre, work / f"seed{seed}-files")
    engine = open_store(db_path)
    import_paths(engine, paths)
    engine.dispose()
    return db_path


def copied_cid(cid: str, unit: int) -> str:
    """A valid CID of the same office with the unit's number in digits 4-6, one per unit."""
    from store.cid import check_digit, is_valid_cid

    if not is_valid_cid(cid):
        return cid
    body = cid[:3] + f"{unit % 1000:03d}" + cid[6:12]
    return body + str(check_digit(body))


def load_province(url: str, centres: list[Path], units: int) -> None:
    """`units` units copied from `centres` in turn (unit codes 99001, ...), table by table."""
    from sqlalchemy import insert, select

    from store.engine import open_store, read_tx, write_tx
    from store.ids import stable_id
    from store.models import SQLModel
    from store.outbox import applying_remote

    tables = SQLModel.metadata.tables
    target = open_store(url)
    for unit in range(1, units + 1):
        source = open_store(centres[(unit - 1) % len(centres)])
        code = f"{UNIT_PREFIX}{unit:03d}"
        with read_tx(source) as src, write_tx(target) as conn, applying_remote(conn):
            original = src.execute(select(tables["facility"].c.hospcode)).scalars().first()
            conn.execute(insert(tables["facility"]).values(hospcode=code, name=f"รพ.สต. {unit}"))
            if unit == 1:
                catalog = [dict(r._mapping) for r in src.execute(select(tables["pp_catalog_item"]))]
                if catalog:
                    conn.execute(insert(tables["pp_catalog_item"]), catalog)
            for name in COPIED_TABLES:
                rows = []
                for row in src.execute(select(tables[name])):
                    new = dict(row._mapping)
                    new["id"] = stable_id(name, "copy", unit, new["id"])
                    if "hospcode" in new:
                        new["hospcode"] = code
                    if new.get("cid"):
                        new["cid"] = copied_cid(new["cid"], unit)
                    for column in ("hsub", "hmain_op", "hmain", "main"):
                        if new.get(column) == original:
                            new[column] = code
                    rows.append(new)
                for start in range(0, len(rows), 5_000):
                    conn.execute(insert(tables[name]), rows[start : start + 5_000])
        source.dispose()
    target.dispose()


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure(name: str, url: str) -> dict[str, Any]:
    """One figure, in this process: its wall time and this process's peak memory."""
    from sqlalchemy import text, update

    from store.engine import open_store, read_tx, write_tx
    from store.judged.read import stored_kpi_report
    from store.judged.refresh import refresh_after_change, refresh_judgements
    from store.kpi import KpiReport, evaluate_units, kpi_report
    from store.models import SQLModel
    from store.pp.catalog_store import load_catalog
    from store.pp.due_store import offered_items, persons_due, service_history
    from store.pp.queries import Period, period_claims
    from store.queries.claims import money_by_month
    from store.queries.dashboard import coverage, coverage_trend, followup_summary
    from store.queries.units import unit_league
    from store.rights.inputs import load_unit_facts, unit_hospcodes
    from store.thaidate import fiscal_year

    engine = open_store(url)
    year = fiscal_year(BENCH_DAY)
    seconds: float
    detail: dict[str, Any] = {}
    with read_tx(engine) as conn:
        units = unit_hospcodes(conn)
    first = units[0]
    if name == "floor":
        with read_tx(engine) as conn:
            seconds, _ = _timed(lambda: conn.execute(text("SELECT count(*) FROM person")).scalar())
    elif name == "cold_parts":
        parts = dict.fromkeys(("facts_s", "judge_s", "pp_s"), 0.0)
        with read_tx(engine) as conn:
            catalog = load_catalog(conn)
            offered = offered_items(conn, BENCH_DAY)
            for code in units:
                spent, facts = _timed(lambda c=code: load_unit_facts(conn, c))
                parts["facts_s"] += spent
                spent, (judged,) = _timed(
                    lambda f=facts: list(evaluate_units(conn, BENCH_DAY, facts=(f,)))
                )
                parts["judge_s"] += spent

                def money(code: str = code, evs: Any = judged.evaluations) -> None:
                    period_claims(conn, Period(year, as_of=BENCH_DAY), code, catalog)
                    history = service_history(conn, BENCH_DAY, offered, code)
                    persons_due(evs, offered, history, BENCH_DAY)

                spent, _ = _timed(money)
                parts["pp_s"] += spent
        seconds = sum(parts.values())
        detail.update({key: round(value, 3) for key, value in parts.items()})
    elif name == "kpi_fresh":
        with read_tx(engine) as conn:
            seconds, report = _timed(lambda: kpi_report(conn, BENCH_DAY))
        detail["units"] = len(report.units)
        detail["json_bytes"] = len(json.dumps(report.to_json(), ensure_ascii=False))
    elif name == "recompute":
        with write_tx(engine) as conn:
            seconds, done = _timed(lambda: refresh_judgements(conn, BENCH_DAY, everything=True))
        detail["units"] = len(done)
    elif name == "kpi_stored":

        def stored() -> KpiReport:
            with write_tx(engine) as conn:
                refresh_judgements(conn, BENCH_DAY)
            with read_tx(engine) as conn:
                return stored_kpi_report(conn, BENCH_DAY)

        seconds, report = _timed(stored)
        detail["units"] = len(report.units)
        with read_tx(engine) as conn:
            detail["equals_fresh_first_unit"] = (
                stored_kpi_report(conn, BENCH_DAY, first).to_json()
                == kpi_report(conn, BENCH_DAY, first).to_json()
            )
    elif name == "league":
        with read_tx(engine) as conn:
            seconds, league = _timed(lambda: unit_league(conn, BENCH_DAY))
        detail["units"] = len(league.units)
    elif name == "unit_dashboard":

        def dashboard() -> None:
            with write_tx(engine) as conn:
                refresh_judgements(conn, BENCH_DAY, first)
            with read_tx(engine) as conn:
                coverage(conn, BENCH_DAY, first)
                followup_summary(conn, BENCH_DAY, first)
                money_by_month(conn, year, BENCH_DAY, first)
                coverage_trend(conn, BENCH_DAY, first)

        seconds, _ = _timed(dashboard)
    elif name == "unit_refresh":
        person = SQLModel.metadata.tables["person"]

        def change_and_refresh() -> tuple[str, ...]:
            with write_tx(engine) as conn:
                conn.execute(
                    update(person)
                    .where(person.c.hospcode == first, person.c.pid == "1")
                    .values(mobile="0800000000")
                )
            return refresh_after_change(engine, BENCH_DAY)

        seconds, done = _timed(change_and_refresh)
        detail["units"] = len(done)
    else:
        raise SystemExit(f"unknown figure {name}")
    engine.dispose()
    return {"seconds": round(seconds, 3), "peak_mib": round(peak_rss_mib() or 0, 1), **detail}


def measure_demo(work: Path) -> dict[str, Any]:
    """The centre's dashboard on a demo store built by `sitthi demo --no-app`."""
    db = work / "demo.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), HOME_ENV: str(work / "home")}
    demo = [sys.executable, "-m", "tui.cli", "demo", "--no-app", "--dir", str(work / "demo")]
    demo += ["--today", BENCH_DAY.isoformat()]
    started = time.perf_counter()
    subprocess.run([*demo, "--db", str(db)], check=True, env=env, capture_output=True)
    built = time.perf_counter() - started
    script = (
        "import datetime as dt, json, sys, time\n"
        "from store.engine import open_store, read_tx, write_tx\n"
        "from store.judged.refresh import refresh_judgements\n"
        "from store.queries.claims import money_by_month\n"
        "from store.queries.dashboard import coverage, coverage_trend, followup_summary\n"
        "from store.thaidate import fiscal_year\n"
        "e = open_store(sys.argv[1])\n"
        "day = dt.date.fromisoformat(sys.argv[2])\n"
        "t = time.perf_counter()\n"
        "with write_tx(e) as c: refresh_judgements(c, day)\n"
        "with read_tx(e) as c:\n"
        "    coverage(c, day); followup_summary(c, day)\n"
        "    money_by_month(c, fiscal_year(day), day); coverage_trend(c, day)\n"
        "print(json.dumps({'seconds': round(time.perf_counter() - t, 3)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(db), BENCH_DAY.isoformat()],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    return {"build_s": round(built, 1), **json.loads(out)}


def _run_figure(name: str, url: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--url", url],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _fresh_database(pg: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(
        "postgresql+psycopg://" + pg.removeprefix("postgresql://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return f"{pg}/{DATABASE}"


def _section(result: dict[str, Any]) -> str:
    size = result["size"]
    figures = result["figures"]
    per_unit = 300 / size["units"]
    lines = [
        SECTION_START,
        "",
        f"{size['units']} units × {size['persons']:,} persons (copies of {size['seeds']} "
        f"synthetic centres, each unit with its own code and CIDs) in one PostgreSQL store; "
        f"each figure in a process of its own. The last column scales the figure to 300 units "
        f"(× {per_unit:g}: the work is unit by unit), which is an extrapolation.",
        "",
        "| figure | seconds | peak MiB | at 300 units (s) |",
        "|---|---:|---:|---:|",
    ]
    scaled = {"cold_parts", "kpi_fresh", "recompute"}
    for name in FIGURES:
        figure = figures[name]
        at_300 = f"{figure['seconds'] * per_unit:.1f}" if name in scaled else ""
        lines.append(
            f"| `{name}` | {figure['seconds']:.3f} | {figure['peak_mib']:.0f} | {at_300} |"
        )
    demo = result.get("demo")
    if demo:
        lines += ["", f"Demo centre's dashboard: {demo['seconds']:.3f} s (target ≤ 1 s)."]
    parts = figures["cold_parts"]
    lines += [
        "",
        f"The cold path's time: loading facts {parts['facts_s']:.1f} s, judging persons "
        f"{parts['judge_s']:.1f} s, PP money and persons due {parts['pp_s']:.1f} s.",
    ]
    lines += ["", SECTION_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.url)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-judged-"))
    work.mkdir(parents=True, exist_ok=True)
    url = f"{args.pg}/{DATABASE}"
    load_s = 0.0
    if not args.reuse:
        centres = [import_centre(work, seed, args.persons) for seed in range(1, args.seeds + 1)]
        url = _fresh_database(args.pg)
        load_s, _ = _timed(lambda: load_province(url, centres, args.units))
    figures = {name: _run_figure(name, url) for name in FIGURES}
    result: dict[str, Any] = {
        "machine": machine(),
        "size": {"units": args.units, "persons": args.persons, "seeds": args.seeds},
        "load_s": round(load_s, 1),
        "figures": figures,
    }
    if not args.no_demo:
        result["demo"] = measure_demo(work)
    print(json.dumps(result, indent=2))
    if not args.no_docs:
        write_section(_section(result), SECTION_START, SECTION_END)


if __name__ == "__main__":
    main()
