"""`sitthi import PATH...`: import export files into the store and say what happened to each.

A folder stands for the files in it. Each file is loaded whole or refused whole; the summary
lists every member with its rows and the first issues. Exit status 1 when any file was refused
(including a path that does not exist), else 0. `--json` prints `results_document` of
`sync.ingest.results` (stable and versioned).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options

if TYPE_CHECKING:
    from sync.ingest.results import FileResult, PartResult

ISSUES_SHOWN = 5

TEXTS: dict[str, dict[str, str]] = {
    "th": {
        "loaded": "{file}: นำเข้าแล้ว ({kind}{unit})",
        "unchanged": "{file}: ไม่มีข้อมูลใหม่ ({message})",
        "refused": "{file}: ไม่รับ: {message}",
        "unit": " หน่วยบริการ {hospcode}",
        "part": "  {member} → {table}: อ่าน {read:,} นำเข้า {loaded:,} ไม่เปลี่ยน {unchanged:,}"
        " ปัญหา {issues:,} คำเตือน {warnings:,} [{how}]",
        "part_skipped": "  {member} → {table}: นำเข้าไปแล้วก่อนหน้านี้ ข้าม",
        "header": "มีหัวตาราง",
        "no_header": "ไม่มีหัวตาราง",
        "issue": "    บรรทัด {line} {field}: {reason} ({severity})",
        "more_issues": "    ... และอีก {count:,} รายการ",
        "error": "ปัญหา",
        "warning": "คำเตือน",
        "totals": "รวม {files:,} ไฟล์: นำเข้า {loaded:,} ไม่มีข้อมูลใหม่ {unchanged:,} ไม่รับ {refused:,}",
    },
    "en": {
        "loaded": "{file}: loaded ({kind}{unit})",
        "unchanged": "{file}: nothing new ({message})",
        "refused": "{file}: refused: {message}",
        "unit": ", unit {hospcode}",
        "part": "  {member} → {table}: read {read:,}, loaded {loaded:,}, unchanged {unchanged:,},"
        " issues {issues:,}, warnings {warnings:,} [{how}]",
        "part_skipped": "  {member} → {table}: imported before, skipped",
        "header": "header",
        "no_header": "no header",
        "issue": "    line {line} {field}: {reason} ({severity})",
        "more_issues": "    ... and {count:,} more",
        "error": "error",
        "warning": "warning",
        "totals": "{files:,} files: {loaded:,} loaded, {unchanged:,} unchanged,"
        " {refused:,} refused",
    },
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import 43-file exports and NHSO files",
        description="Import MoPH 43-file export zips, NHSO rights lists and statements "
        "(CSV or XLSX) and PP catalog CSVs; each file's kind is recognised from its content. "
        "A folder stands for the files in it. Exit status 1 if any file was refused.",
    )
    add_global_options(parser)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file or folder to import")
    parser.add_argument("--json", action="store_true", help="stable, versioned JSON output")
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from store.controls import json_terminal_safe
    from store.engine import open_store
    from sync.ingest.importer import import_paths
    from sync.ingest.results import results_document

    lang = args.lang or "th"
    engine = open_store(args.db)
    try:
        results = import_paths(engine, args.paths)
    finally:
        engine.dispose()
    if args.json:
        document = json.dumps(results_document(results, lang), ensure_ascii=False, indent=2)
        print(json_terminal_safe(document))
    else:
        text = TEXTS[lang]
        for result in results:
            print("\n".join(summary_lines(result, text, lang)))
        print(
            text["totals"].format(
                files=len(results),
                loaded=sum(1 for r in results if r.status == "loaded"),
                unchanged=sum(1 for r in results if r.status == "unchanged"),
                refused=sum(1 for r in results if r.refused),
            )
        )
    return EXIT_FAILED if any(r.refused for r in results) else EXIT_OK


def summary_lines(result: FileResult, text: dict[str, str], lang: str = "th") -> list[str]:
    """The file's line, then a line per member with its first issues.

    File and member names and messages come from the files offered: every line is made safe
    for a terminal (`store.controls.terminal_safe`).
    """
    from store.controls import terminal_safe

    file = result.file
    if result.refused:
        lines = [text["refused"].format(file=file, message=result.message)]
    elif not result.parts:
        lines = [text["unchanged"].format(file=file, message=result.message)]
    else:
        unit = text["unit"].format(hospcode=result.hospcode) if result.hospcode else ""
        head = "loaded" if result.status == "loaded" else "unchanged"
        lines = [text[head].format(file=file, kind=result.kind, unit=unit, message=result.message)]
        for part in result.parts:
            lines.extend(_part_lines(part, text, lang))
    return [terminal_safe(line) for line in lines]


def _part_lines(part: PartResult, text: dict[str, str], lang: str) -> list[str]:
    if part.skipped_duplicate:
        return [text["part_skipped"].format(member=part.member, table=part.table)]
    how = ", ".join(
        filter(None, [part.encoding, text["header"] if part.has_header else text["no_header"]])
    )
    lines = [
        text["part"].format(
            member=part.member,
            table=part.table,
            read=part.rows_read,
            loaded=part.rows_loaded,
            unchanged=part.rows_unchanged,
            issues=part.issues,
            warnings=part.warnings,
            how=how,
        )
    ]
    shown = part.sample[:ISSUES_SHOWN]
    for issue in shown:
        lines.append(
            text["issue"].format(
                line=issue.line,
                field=issue.field or "-",
                reason=issue.text(lang),
                severity=text.get(issue.severity, issue.severity),
            )
        )
    hidden = part.issues + part.warnings - len(shown)
    if hidden > 0:
        lines.append(text["more_issues"].format(count=hidden))
    return lines
