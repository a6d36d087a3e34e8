"""Import of a large centre's 43-file zip against the floor of pandas reading the same members.

    .venv/bin/python benchmarks/bench_import.py [--runs 3] [--persons N] [--no-docs]
        [--stages] [--profile]

Builds the large synthetic centre in a temporary folder, then measures in fresh subprocesses,
`--runs` times each, in turns: (a) pandas reading every member of the zip (`sep="|"`,
`dtype=str`, UTF-8), the floor; (b) `sync.ingest.importer.import_paths` loading the zip into a
fresh SQLite store; and, for context only, (c) the same rows split on `|` and inserted as text
into plain SQLite tables, about the least that writing them into SQLite from Python costs, and
(d) the import into a store without the outbox triggers, which shows what capturing every
write for sync costs. Each worker times only the work (not interpreter start-up or module
imports), wall clock and CPU, and reports its peak resident memory. Prints one JSON document
and writes its figures into the import section of docs/benchmarks.md. The target: the import
takes at most twice the floor.
`--stages` adds one more import run with a clock on each stage of the import (where the time
goes); `--profile` prints the functions where the import spends its time (cProfile, one run).
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
import zipfile
from pathlib import Path
from typing import Any

from benchlib import machine, peak_rss_mib, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION_START = "<!-- bench_import:start -->"
SECTION_END = "<!-- bench_import:end -->"
TARGET_RATIO = 2.0
BENCH_DAY = dt.date(2025, 5, 20)
"""A fixed day, so that every run measures the same bytes."""
PROFILE_LINES = 25

STAGES: tuple[tuple[str, str, str, bool], ...] = (
    ("decode members", "sync.ingest.kinds", "read_f43", True),
    ("split lines into columns", "sync.ingest.f43", "F43Reading.columns", True),
    ("convert values", "sync.ingest.convert", "ColumnConverter.convert", True),
    (
        "… of which fields_json of PP service rows",
        "sync.ingest.f43_specs",
        "fields_json_column",
        False,
    ),
    ("row ids (UUIDv5)", "sync.ingest.loading", "stable_ids", True),
    ("bind forms of values", "sync.ingest.upsert", "_bind_columns", True),
    ("look up stored versions", "sync.ingest.upsert", "_stored_versions", True),
    (
        "write rows (SQLite work, outbox triggers included)",
        "sync.ingest.upsert",
        "_DriverStatement.run",
        True,
    ),
)
"""Stages of an import: label, module, the function (or Class.method) the stage clock wraps,
and whether the stage is a whole (False: a part of the stage above, not added to the total)."""
COMMIT = "commit (with the WAL checkpoint of the new pages)"
REST = "the rest (zip, hashes, import log, facility rows)"


def _work(started: float, cpu: float, rows: int) -> dict[str, Any]:
    """What a worker reports: wall and CPU seconds since `started` / `cpu`, and rows."""
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
    }


def pandas_worker(zip_path: Path) -> dict[str, Any]:
    import pandas as pd

    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            with archive.open(name) as member:
                frame = pd.read_csv(
                    member, sep="|", dtype=str, encoding="utf-8", keep_default_na=False
                )
            rows += len(frame)
    return _work(started, cpu, rows)


def sqlite_worker(zip_path: Path, db_path: Path) -> dict[str, Any]:
    """Context, not the floor: the members split on `|` and inserted as text into plain SQLite
    tables (no conversion, no keys, no indexes), in one transaction."""
    import sqlite3

    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    with zipfile.ZipFile(zip_path) as archive, connection:
        for name in archive.namelist():
            lines = archive.read(name).decode("utf-8").split("\r\n")[:-1]
            header = lines[0].split("|")
            table = name.removesuffix(".txt")
            columns = ", ".join(f'"{field}" TEXT' for field in header)
            connection.execute(f'CREATE TABLE "{table}" ({columns})')
            marks = ", ".join("?" * len(header))
            values = [line.split("|") for line in lines[1:]]
            connection.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
            rows += len(values)
    connection.close()
    return _work(started, cpu, rows)


def _timed(function: Any, label: str, clock: dict[str, float]) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            clock[label] = clock.get(label, 0.0) + time.perf_counter() - started

    return timed


def install_stage_clock(engine: Any) -> dict[str, float]:
    """Wrap each stage's function (and the store's commit) to add up its wall time."""
    import importlib

    clock: dict[str, float] = {}
    for label, module_name, path, _whole in STAGES:
        owner: Any = importlib.import_module(module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        if hasattr(owner, name):
            setattr(owner, name, _timed(getattr(owner, name), label, clock))
    engine.dialect.do_commit = _timed(engine.dialect.do_commit, COMMIT, clock)
    return clock


def sitthi_worker(zip_path: Path, db_path: Path, mode: str) -> dict[str, Any]:
    """The import; `mode` "" plain, "stages" with the stage clock, "profile" under cProfile,
    "uncaptured" into a store without the outbox triggers."""
    from store.engine import open_store, write_tx
    from store.outbox import drop_capture
    from sync.ingest.importer import import_paths
    from sync.protocol import table_names

    engine = open_store(db_path)
    if mode == "uncaptured":
        with write_tx(engine) as conn:
            drop_capture(conn, table_names())
    clock = install_stage_clock(engine) if mode == "stages" else None
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "profile":
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        results = profiler.runcall(import_paths, engine, [zip_path])
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
        stats.sort_stats("tottime").print_stats(PROFILE_LINES)
        print(text.getvalue(), file=sys.stderr)
    else:
        results = import_paths(engine, [zip_path])
    report = _work(started, cpu, sum(r.rows_loaded for r in results))
    engine.dispose()
    refused = [r.message for r in results if r.refused]
    if refused:
        raise SystemExit(f"the import refused the zip: {refused}")
    if clock is not None:
        wholes = {label for label, _m, _f, whole in STAGES if whole} | {COMMIT}
        clock[REST] = report["seconds"] - sum(v for k, v in clock.items() if k in wholes)
        order = [label for label, _m, _f, _whole in STAGES] + [COMMIT, REST]
        report["stages_s"] = {k: round(clock[k], 3) for k in order if k in clock}
    return report


def run_worker(kind: str, zip_path: Path, work: Path, run: int, mode: str = "") -> dict:
    """One measurement in a fresh interpreter."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(zip_path)]
    if kind != "pandas":
        command += ["--db", str(work / f"{kind}-{mode}-{run}.db")]
    if mode:
        command += ["--mode", mode]
    env = {**os.environ, "SITTHI_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    env.pop("SITTHI_DB", None)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    if mode == "profile":
        print(done.stderr, file=sys.stderr)
    result: dict = json.loads(done.stdout)
    return result


def summarise(runs: list[dict]) -> dict[str, Any]:
    return {
        "best_s": round(min(r["seconds"] for r in runs), 3),
        "runs_s": [round(r["seconds"], 3) for r in runs],
        "best_cpu_s": round(min(r["cpu_seconds"] for r in runs), 3),
        "peak_rss_mib": max((r["peak_rss_mib"] or 0) for r in runs) or None,
        "rows": runs[0]["rows"],
    }


def build_zip(work: Path, persons: int | None) -> tuple[Path, int, dict[str, int]]:
    """The large centre's zip; returns its path, PERSON rows and rows per member."""
    sys.path.insert(0, str(ROOT))
    from sync.simulate.centre import build_centre, default_size
    from sync.simulate.f43 import f43_tables, write_f43_zip

    count = persons or default_size(large=True)
    centre = build_centre(today=BENCH_DAY, persons=count)
    tables = f43_tables(centre)
    path = write_f43_zip(work, centre.hospcode, centre.exported_at, tables)
    return path, count, {name.lower(): len(rows) for name, rows in tables.items()}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sitthi-bench-") as folder:
        work = Path(folder)
        zip_path, persons, members = build_zip(work, args.persons)
        pandas_runs, sqlite_runs, sitthi_runs, uncaptured_runs = [], [], [], []
        for run in range(args.runs):
            pandas_runs.append(run_worker("pandas", zip_path, work, run))
            sqlite_runs.append(run_worker("sqlite", zip_path, work, run))
            sitthi_runs.append(run_worker("sitthi", zip_path, work, run))
            uncaptured_runs.append(run_worker("sitthi", zip_path, work, run, "uncaptured"))
        stages = run_worker("sitthi", zip_path, work, args.runs, "stages") if args.stages else None
        if args.profile:
            run_worker("sitthi", zip_path, work, args.runs, "profile")
        floor, sitthi = summarise(pandas_runs), summarise(sitthi_runs)
        ratio = round(sitthi["best_s"] / floor["best_s"], 2)
        return {
            "benchmark": "import_f43_zip",
            "version": 2,
            "date": dt.date.today().isoformat(),
            "machine": machine(),
            "persons": persons,
            "zip_bytes": zip_path.stat().st_size,
            "member_rows": members,
            "floor_pandas": floor,
            "context_sqlite_text_insert": summarise(sqlite_runs),
            "sitthi_import": sitthi,
            "context_import_without_outbox_triggers": summarise(uncaptured_runs),
            "stages_one_run": stages,
            "ratio": ratio,
            "target_ratio": TARGET_RATIO,
            "target_met": ratio <= TARGET_RATIO,
        }


def docs_section(report: dict[str, Any]) -> str:
    floor, sitthi = report["floor_pandas"], report["sitthi_import"]
    plain = report["context_sqlite_text_insert"]
    uncaptured = report["context_import_without_outbox_triggers"]
    box = report["machine"]
    rows = ", ".join(f"{name} {count:,}" for name, count in report["member_rows"].items())
    verdict = "met" if report["target_met"] else "**missed**"

    def rss(value: float | None) -> str:
        return f"{value:.0f} MiB" if value else "n/a"

    def line(label: str, side: dict[str, Any]) -> str:
        runs = ", ".join(f"{s:.2f}" for s in side["runs_s"])
        ratio = side["best_s"] / floor["best_s"]
        return (
            f"| {label} | {side['best_s']:.2f} s | {ratio:.1f}× | {side['best_cpu_s']:.2f} s | "
            f"{runs} | {rss(side['peak_rss_mib'])} |"
        )

    lines = [
        SECTION_START,
        "## Import of a large centre's 43-file zip",
        "",
        f"Measured {report['date']} by `benchmarks/bench_import.py` on {box['nproc']} CPUs, "
        f"Python {box['python']}, {box['platform']} ({box['processor']}); load average "
        f"{box['load_average']} when it started.",
        "",
        f"The synthetic large centre: {report['persons']:,} persons; zip of "
        f"{report['zip_bytes']:,} bytes holding {rows} rows. Each figure is the best of "
        f"{len(floor['runs_s'])} runs in a fresh process, timing the work only; the sides ran "
        "in turns, so the ratios compare like with like on a busy machine.",
        "",
        "| | wall (best) | × floor | CPU (best) | all runs, wall (s) | peak RSS |",
        "|---|---:|---:|---:|---|---:|",
        line("floor: pandas reads every member", floor),
        line("context: the rows split and inserted as text into plain SQLite tables", plain),
        line("Sitthi imports the zip into a fresh SQLite store", sitthi),
        line("context: the same import into a store without the outbox triggers", uncaptured),
        "",
        f"Ratio {report['ratio']:.2f}× the floor; target ≤ {report['target_ratio']:g}×: {verdict}.",
    ]
    stages = report.get("stages_one_run")
    if stages:
        total = stages["seconds"]
        lines += [
            "",
            f"Where the time goes (one more import run with a clock on each stage, "
            f"{total:.2f} s in all; wall seconds):",
            "",
            "| stage | seconds | share |",
            "|---|---:|---:|",
            *(
                f"| {label} | {seconds:.2f} | {seconds / total:.0%} |"
                for label, seconds in stages["stages_s"].items()
            ),
        ]
    lines.append(SECTION_END)
    return "\n".join(lines)


def update_docs(report: dict[str, Any]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or add it)."""
    write_section(docs_section(report), SECTION_START, SECTION_END)


def worker_main(args: argparse.Namespace) -> None:
    zip_path = Path(args.zip)
    if args.worker == "pandas":
        result = pandas_worker(zip_path)
    elif args.worker == "sqlite":
        result = sqlite_worker(zip_path, Path(args.db))
    else:
        result = sitthi_worker(zip_path, Path(args.db), args.mode)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--persons", type=int, default=None, help="centre size (default large)")
    parser.add_argument("--no-docs", action="store_true", help="do not update the docs")
    parser.add_argument("--stages", action="store_true", help="time each stage (one more run)")
    parser.add_argument("--profile", action="store_true", help="profile one more import run")
    parser.add_argument("--worker", choices=("pandas", "sqlite", "sitthi"), help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("zip", nargs="?", help=argparse.SUPPRESS)
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
