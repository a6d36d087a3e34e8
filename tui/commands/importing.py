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

from store.i18n import Section
from tui.cli import EXIT_FAILED, EXIT_OK, Subparsers, add_command, opened_store, say

if TYPE_CHECKING:
    from sync.ingest.results import FileResult, PartResult

ISSUES_SHOWN = 5

TEXTS = Section("cli.import")


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "import", "cli.help.import.cmd", "cli.help.import.description")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=say("cli.help.import.paths"))
    parser.add_argument("--json", action="store_true", help=say("cli.help.import.json"))
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from store.controls import json_terminal_safe
    from sync.ingest.importer import import_paths
    from sync.ingest.results import results_document

    with opened_store(args.db) as engine:
        results = import_paths(engine, args.paths)
    if args.json:
        document = json.dumps(results_document(results, args.lang), ensure_ascii=False, indent=2)
        print(json_terminal_safe(document))
    else:
        text = TEXTS[args.lang]
        for result in results:
            print("\n".join(summary_lines(result, args.lang)))
        print(
            text["totals"].format(
                files=len(results),
                loaded=sum(1 for r in results if r.status == "loaded"),
                unchanged=sum(1 for r in results if r.status == "unchanged"),
                refused=sum(1 for r in results if r.refused),
            )
        )
    return EXIT_FAILED if any(r.refused for r in results) else EXIT_OK


def summary_lines(result: FileResult, lang: str) -> list[str]:
    """The file's line, then a line per member with its first issues, in `lang`.

    File and member names and messages come from the files offered: every line is made safe
    for a terminal (`store.controls.terminal_safe`).
    """
    from store.controls import terminal_safe
    from sync.ingest.results import kind_name

    text = TEXTS[lang]
    said = result.message_in(lang)
    if result.refused:
        lines = [text["refused"].format(file=result.file, message=said)]
    elif not result.parts:
        lines = [text["unchanged"].format(file=result.file, message=said)]
    else:
        unit = text["unit"].format(hospcode=result.hospcode) if result.hospcode else ""
        head = "loaded" if result.status == "loaded" else "unchanged"
        kind = kind_name(result.kind, lang)
        lines = [text[head].format(file=result.file, kind=kind, unit=unit, message=said)]
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
    sample = part.sample[:ISSUES_SHOWN]
    for issue in sample:
        lines.append(
            text["issue"].format(
                line=issue.line,
                field=issue.field or "-",
                reason=issue.text(lang),
                severity=text.get(issue.severity, issue.severity),
            )
        )
    hidden = part.issues + part.warnings - len(sample)
    if hidden > 0:
        lines.append(text["more_issues"].format(count=hidden))
    return lines
