"""Reading a large XLSX: python-calamine against openpyxl, and Sitthi's whole reading path.

    .venv/bin/python benchmarks/bench_workbook.py [--rows 100000] [--runs 1] [--no-docs]

Writes a UCWS rights dump as Excel re-saves it (28 columns, numbers as numbers) of `--rows`
rows, then measures in fresh subprocesses, `--runs` times each:

- `calamine`: python-calamine reading every row (the floor: the bare read Sitthi builds on);
- `openpyxl`: openpyxl's streaming read-only mode reading every row (the other candidate);
- `sitthi`: `sync.ingest.tabular` as an import runs it: the XLSX measured against the read
  limits, the sheets opened, the header found for each tabular kind, the rows read as columns.

Prints one JSON document and writes its figures into the workbook section of
docs/benchmarks.md. It is the measurement behind reading every workbook with calamine.
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
from pathlib import Path
from typing import Any

from benchlib import machine, peak_rss_mib, write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench_workbook:start -->", "<!-- bench_workbook:end -->"
HEADER = [
    "person_id", "title_name", "fname", "lname", "sex", "birthdate", "nation", "maininscl",
    "maininscl_main", "maininscl_name", "subinscl", "subinscl_name", "hmain", "hmain_name",
    "hmain_op", "hmain_op_name", "hsub", "hsub_name", "startdate", "expdate", "paid_model",
    "purchaseprovince", "status", "status_desc", "ws_status", "ws_status_desc",
    "ws_date_request", "wsid",
]  # fmt: skip
SIDES = ("calamine", "openpyxl", "sitthi")


def write_dump(path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, HEADER)
    for n in range(1, rows + 1):
        sheet.write_row(
            n,
            0,
            [3_999_000_000_000 + n, "นาย", f"ทดสอบ{n % 500}", f"ระบบ{n % 300}", 1, 25230115,
             "099", "UCS", "UCS", "สิทธิหลักประกันสุขภาพแห่งชาติ", "89", "ช่วงอายุ 12-59 ปี",
             10676, "รพ.ตัวอย่าง", 9901, "รพ.สต.ตัวอย่าง", 9901, "รพ.สต.ตัวอย่าง", 25600101, "",
             "UC", "3000", "001", "ปกติ", "000", "OK", 25680910, f"W{n}"],
        )  # fmt: skip
    book.close()


def work(side: str, path: Path) -> dict[str, Any]:
    """One side's read of the file, timed (run in a fresh process)."""
    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    if side == "calamine":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sum(1 for _row in sheet.iter_rows())
    elif side == "openpyxl":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    else:
        from sync.ingest.kinds import tabular_kinds
        from sync.ingest.limits import DEFAULT_LIMITS
        from sync.ingest.recognition import choose_kind
        from sync.ingest.tabular import open_tabular, read_columns

        sheets = open_tabular(path.read_bytes(), path.name, DEFAULT_LIMITS)
        _kind, header = choose_kind(sheets, tabular_kinds(), path.name)
        rows = len(read_columns(header, needs_cid=True).lines) + header.row
    return {
        "wall_s": round(time.perf_counter() - started, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "rows": rows,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_side(side: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--worker", side, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def section(report: dict[str, Any]) -> str:
    m = report["machine"]
    floor = report["sides"]["calamine"]["wall_s"]
    lines = [
        START,
        "## Reading a large XLSX: calamine, openpyxl and Sitthi's reading path",
        "",
        f"Measured {report['date']} by `benchmarks/bench_workbook.py` on {m['nproc']} CPUs, "
        f"Python {m['python']}, {m['platform']} ({m['processor']}); load average "
        f"{m['load_average']} when it started.",
        "",
        f"A UCWS rights dump as Excel re-saves it: {report['rows']:,} rows × 28 columns, "
        f"{report['bytes']:,} bytes. Best of {report['runs']} run(s) per side, each in a fresh "
        "process; the floor is calamine's bare read of every row.",
        "",
        "| | wall (best) | × floor | CPU (best) | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for side in SIDES:
        s = report["sides"][side]
        lines.append(
            f"| {side} | {s['wall_s']:.2f} s | {s['wall_s'] / floor:.2f} | {s['cpu_s']:.2f} s "
            f"| {s['peak_rss_mib']:.0f} MiB |"
        )
    lines += [
        "",
        "`sitthi` is an import's reading: the XLSX measured against the read limits, the sheet "
        "parsed once, the header found for each kind, every row read as columns. calamine holds "
        "the whole sheet (its memory grows with the sheet; the read limits in "
        "`sync/ingest/limits.py` bound it), openpyxl streams but is many times slower.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("SIDE", "PATH"))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(args.worker[0], Path(args.worker[1]))))
        return
    report: dict[str, Any] = {"machine": machine(), "date": dt.date.today().isoformat()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ucws_dump.xlsx"
        write_dump(path, args.rows)
        report.update(rows=args.rows, bytes=path.stat().st_size, runs=args.runs)
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        for _ in range(args.runs):
            for side in SIDES:
                runs[side].append(run_side(side, path))
        report["sides"] = {side: min(r, key=lambda x: x["wall_s"]) for side, r in runs.items()}
    print(json.dumps(report, indent=2))
    if not args.no_docs:
        write_section(section(report), START, END)


if __name__ == "__main__":
    main()
