"""PP eligibility and claim matching: the large centre from its store, and a million rows.

    .venv/bin/python benchmarks/bench_claims.py [--runs 3] [--rows 1000000] [--no-docs] [--profile]

Builds the large synthetic centre (10,000 persons, about 100,000 service rows, and its NHSO
statements) in a temporary folder and imports it into a fresh SQLite store; then measures in
fresh subprocesses, `--runs` times each:

- `store`: what a report or screen asks for, `store.pp.queries.period_claims` for the fiscal
  year up to the benchmark day (reading services, persons and statement lines from the store,
  judging eligibility, matching the lines), and each unit's money from it;
- `rules`: `store.pp.eligibility.evaluate` and `store.pp.claims.match_claims` over every service
  row of the store held in memory (all of them, SERVICE rows included);
- `million`: the same over copies of those rows, as many as make `--rows` rows (a million by
  default), each copy a unit of its own with its own citizen IDs and statement lines.

Each `rules` and `million` worker also times a floor on the same rows: sorting them by date and
counting them per person and file, the least a pass that judges services in date order per
person costs. Only the work is timed (not building the rows or starting Python). Prints one JSON
document and writes its figures into the claims section of docs/benchmarks.md. Targets: the
large centre in under 2 s (both `store` and `rules`), a million rows in under 15 s.
`--profile` adds the functions where the million-row run spends its time (cProfile).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchlib import machine, peak_rss_mib, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION_START = "<!-- bench_claims:start -->"
SECTION_END = "<!-- bench_claims:end -->"
BENCH_DAY = dt.date(2025, 5, 20)
"""A fixed day, so that every run measures the same rows."""
TARGETS_S = {"store": 2.0, "rules": 2.0, "million": 15.0}
PROFILE_LINES = 25
KINDS = ("store", "rules", "million")


def build_store(work: Path) -> tuple[Path, dict[str, int]]:
    """The large centre's files imported into a fresh SQLite store; rows per table."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select

    from store.engine import open_store, read_tx
    from store.models import PpService, PpStatementLine
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre, default_size
    from sync.simulate.files import write_centre_files

    centre = build_centre(today=BENCH_DAY, persons=default_size(large=True))
    paths = write_centre_files(centre, work / "files")
    db_path = work / "centre.db"
    engine = open_store(db_path)
    moment = dt.datetime.combine(BENCH_DAY, dt.time(9), tzinfo=dt.UTC)
    for order, path in enumerate(paths):
        [result] = import_paths(engine, [path], now=moment + dt.timedelta(seconds=order))
        if result.refused:
            raise SystemExit(f"{path.name} was refused: {result.message}")
    with read_tx(engine) as conn:
        counts = {
            "persons": len(centre.persons),
            "service_rows": conn.execute(select(func.count()).select_from(PpService)).scalar_one(),
            "statement_lines": conn.execute(
                select(func.count()).select_from(PpStatementLine)
            ).scalar_one(),
        }
    engine.dispose()
    return db_path, counts


def _fiscal_year() -> int:
    from store.thaidate import fiscal_year

    return fiscal_year(BENCH_DAY)


def store_worker(db_path: Path) -> dict[str, Any]:
    from store.engine import open_store, read_tx
    from store.pp.claims import money_summary
    from store.pp.queries import Period, period_claims

    engine = open_store(db_path)
    with read_tx(engine) as conn:
        started = time.perf_counter()
        result = period_claims(conn, Period(_fiscal_year(), as_of=BENCH_DAY))
        money = money_summary(result.claims, _fiscal_year())
        seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "pp_services": len(result.claims),
        "unmatched": len(result.unmatched),
        "claim_rate_pct": float(money[0].claim_rate_pct or 0) if money else None,
    }


def _rows_in_memory(db_path: Path, copies: int) -> tuple[list[Any], dict[Any, Any], list[Any]]:
    """Every service, person and statement line of the store, `copies` times (see the module
    text); copies share the unchanging parts of the rows to keep memory down."""
    from store.cid import check_digit
    from store.engine import open_store, read_tx
    from store.pp.queries import load_persons, load_services, load_statement_lines

    engine = open_store(db_path)
    with read_tx(engine) as conn:
        services = load_services(conn)
        persons = load_persons(conn)
        lines = load_statement_lines(conn)
    engine.dispose()
    if copies == 1:
        return services, persons, lines

    def copied_cid(cid: str, copy: int) -> str:
        if len(cid) != 13 or not cid.isdigit():
            return cid
        body = f"{cid[0]}{(int(cid[1:5]) + copy * 97) % 10_000:04d}{cid[5:12]}"
        return body + str(check_digit(body))

    all_services, all_persons, all_lines = [], {}, []
    for copy in range(copies):
        unit = f"{90000 + copy:05d}"
        all_services += [dataclasses.replace(s, hospcode=unit) for s in services]
        for (_unit, pid), person in persons.items():
            all_persons[(unit, pid)] = dataclasses.replace(person, cid=copied_cid(person.cid, copy))
        all_lines += [
            dataclasses.replace(line, hospcode=unit, cid=copied_cid(line.cid, copy))
            for line in lines
        ]
    return all_services, all_persons, all_lines


def rules_worker(db_path: Path, copies: int, profile: bool) -> dict[str, Any]:
    from store.pp.catalog import shipped_catalog
    from store.pp.claims import match_claims
    from store.pp.eligibility import evaluate

    services, persons, lines = _rows_in_memory(db_path, copies)
    catalog = shipped_catalog()

    def judge() -> Any:
        return match_claims(evaluate(services, persons, catalog), lines, catalog)

    started = time.perf_counter()
    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(judge)
        seconds = time.perf_counter() - started
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(PROFILE_LINES)
        print(text.getvalue(), file=sys.stderr)
    else:
        result = judge()
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    ordered = sorted(services, key=lambda s: s.date)
    per_person = Counter((s.hospcode, s.pid, s.source) for s in ordered)
    floor = time.perf_counter() - started
    return {
        "seconds": seconds,
        "floor_seconds": floor,
        "service_rows": len(services),
        "pp_services": len(result.claims),
        "statement_lines": len(lines),
        "persons_and_files": len(per_person),
    }


def run_worker(kind: str, db_path: Path, work: Path, copies: int, profile: bool = False) -> dict:
    """One measurement in a fresh interpreter."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(db_path)]
    command += ["--copies", str(copies if kind == "million" else 1)]
    if profile:
        command.append("--profile")
    env = {**os.environ, "SITTHI_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    env.pop("SITTHI_DB", None)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    if profile:
        print(done.stderr, file=sys.stderr)
    result: dict = json.loads(done.stdout)
    return result


def summarise(kind: str, runs: list[dict]) -> dict[str, Any]:
    best = min(r["seconds"] for r in runs)
    summary = {
        **{k: v for k, v in runs[0].items() if k not in ("seconds", "floor_seconds")},
        "best_s": round(best, 3),
        "runs_s": [round(r["seconds"], 3) for r in runs],
        "peak_rss_mib": round(max((r["peak_rss_mib"] or 0) for r in runs)) or None,
        "target_s": TARGETS_S[kind],
        "target_met": best <= TARGETS_S[kind],
    }
    if "floor_seconds" in runs[0]:
        summary["floor_best_s"] = round(min(r["floor_seconds"] for r in runs), 3)
    return summary


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sitthi-bench-") as folder:
        work = Path(folder)
        db_path, counts = build_store(work)
        copies = -(-args.rows // counts["service_rows"])
        runs: dict[str, list[dict]] = {kind: [] for kind in KINDS}
        for _ in range(args.runs):
            for kind in KINDS:
                runs[kind].append(run_worker(kind, db_path, work, copies))
        if args.profile:
            run_worker("million", db_path, work, copies, profile=True)
        return {
            "benchmark": "pp_claims",
            "version": 1,
            "date": dt.date.today().isoformat(),
            "machine": machine(),
            "day": BENCH_DAY.isoformat(),
            "fiscal_year": _fiscal_year(),
            "centre": counts,
            "copies": copies,
            **{kind: summarise(kind, runs[kind]) for kind in KINDS},
        }


def docs_section(report: dict[str, Any]) -> str:
    box = report["machine"]
    store = report["centre"]

    def line(label: str, figures: dict[str, Any], rows: str) -> str:
        floor = figures.get("floor_best_s")
        verdict = "met" if figures["target_met"] else "**missed**"
        return (
            f"| {label} | {rows} | {figures['best_s']:.2f} s | "
            f"{', '.join(f'{s:.2f}' for s in figures['runs_s'])} | "
            f"{f'{floor:.2f} s' if floor is not None else '-'} | "
            f"{figures['peak_rss_mib'] or 'n/a'} MiB | < {figures['target_s']:g} s: {verdict} |"
        )

    rules, million = report["rules"], report["million"]
    return "\n".join(
        [
            SECTION_START,
            "## PP eligibility and claim matching",
            "",
            f"Measured {report['date']} by `benchmarks/bench_claims.py` on {box['nproc']} CPUs, "
            f"Python {box['python']}, {box['platform']} ({box['processor']}); load average "
            f"{box['load_average']} when it started.",
            "",
            f"The synthetic large centre as of {report['day']}: {store['persons']:,} persons, "
            f"{store['service_rows']:,} service rows (SERVICE and the PP files) and "
            f"{store['statement_lines']:,} statement lines, imported into a SQLite store. "
            f"Fiscal year {report['fiscal_year']}. Each figure is the best of "
            f"{len(rules['runs_s'])} runs in a fresh process, timing the work only; the floor "
            "sorts the same rows by date and counts them per person and file.",
            "",
            "| | rows | wall time (best) | all runs (s) | floor | peak RSS | target |",
            "|---|---:|---:|---|---:|---:|---|",
            line(
                "the fiscal year's claims and money from the store (`period_claims`)",
                report["store"],
                f"{store['service_rows']:,} stored, {report['store']['pp_services']:,} judged",
            ),
            line(
                "eligibility and matching in memory, every row of the large centre",
                rules,
                f"{rules['service_rows']:,}",
            ),
            line(
                f"the same for {report['copies']} units like it, each its own copy",
                million,
                f"{million['service_rows']:,}",
            ),
            SECTION_END,
        ]
    )


def update_docs(report: dict[str, Any]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or add it)."""
    write_section(docs_section(report), SECTION_START, SECTION_END)


def worker_main(args: argparse.Namespace) -> None:
    db_path = Path(args.db)
    if args.worker == "store":
        result = store_worker(db_path)
    else:
        result = rules_worker(db_path, args.copies, args.profile)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the large run, at least (1 million)"
    )
    parser.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--no-docs", action="store_true", help="do not update the docs")
    parser.add_argument("--profile", action="store_true", help="profile one more million run")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("db", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    report = measure(args)
    print(json.dumps(report, indent=2))
    if not args.no_docs:
        update_docs(report)


if __name__ == "__main__":
    main()
