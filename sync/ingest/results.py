"""What an import did, file by file and member by member, for the command line and the app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from store.i18n import Message, message
from sync.ingest.convert import ERROR, WARNING, Issue
from sync.ingest.limits import ISSUE_SAMPLE

LOADED = "loaded"
UNCHANGED = "unchanged"
REFUSED = "refused"


@dataclass
class PartResult:
    """One member of a file (a 43-file table in a zip, or the file itself)."""

    member: str
    table: str
    encoding: str = ""
    has_header: bool = False
    skipped_duplicate: bool = False
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0
    issues: int = 0
    """Error issues: values that kept their row out."""
    warnings: int = 0
    sample: list[Issue] = field(default_factory=list)
    """The first errors, then the first warnings (at most `ISSUE_SAMPLE` of each), by line."""

    def count(self, issues: list[Issue]) -> None:
        """Add issues (in line order) to the counts and to the sample."""
        for issue in issues:
            if issue.severity == ERROR:
                if self.issues < ISSUE_SAMPLE:
                    self.sample.append(issue)
                self.issues += 1
            elif issue.severity == WARNING:
                if self.warnings < ISSUE_SAMPLE:
                    self.sample.append(issue)
                self.warnings += 1
        self.sample.sort(key=lambda issue: (issue.severity != ERROR, issue.line))


@dataclass
class FileResult:
    """One offered file: `loaded`, `unchanged` (nothing new in it) or `refused` (with why)."""

    file: str
    kind: str
    status: str
    message: str = ""
    batch_id: str | None = None
    hospcode: str | None = None
    parts: list[PartResult] = field(default_factory=list)
    reason: Message | None = None
    """The catalogue message behind `message` (which is its English text), when it has one."""

    def message_in(self, lang: str) -> str:
        """`message` in `lang` (plain-text messages as they are)."""
        return self.reason.render(lang) if self.reason else self.message

    @property
    def refused(self) -> bool:
        return self.status == REFUSED

    @property
    def rows_read(self) -> int:
        return sum(p.rows_read for p in self.parts)

    @property
    def rows_loaded(self) -> int:
        return sum(p.rows_loaded for p in self.parts)

    @property
    def rows_unchanged(self) -> int:
        return sum(p.rows_unchanged for p in self.parts)

    @property
    def issues(self) -> int:
        return sum(p.issues for p in self.parts)

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.parts)


def every_row_failed(parts: Sequence[PartResult]) -> Message | None:
    """Why a file is refused when it had data rows and every one of them failed (domain 7.2:
    not "imported with zero rows"); None when some row was kept or there were no rows."""
    read = sum(p.rows_read for p in parts)
    kept = sum(p.rows_loaded + p.rows_unchanged for p in parts)
    if read == 0 or kept > 0 or not any(p.issues for p in parts):
        return None
    first = min((i for p in parts for i in p.sample if i.severity == ERROR), key=lambda i: i.line)
    return message(
        "ingest_read.every_row_failed",
        rows=read,
        line=first.line,
        field=first.field,
        reason=first.message,
    )


def kind_name(kind: str, lang: str) -> str:
    """A file kind in the words of `lang`: an NHSO download by its label in `nhso_files.csv`,
    the 43-file kinds and the PP catalog by the catalogue (`import_kind`), else its code."""
    from store.i18n import catalog
    from store.reference import table

    for row in table("nhso_files.csv", key=("kind",)):
        if row["kind"] == kind:
            return (row.get("label_th") or row["label"]) if lang == "th" else row["label"]
    return catalog(lang).get(f"import_kind.{kind}", kind)


JSON_VERSION = 1


def results_document(results: list[FileResult], lang: str = "en") -> dict[str, object]:
    """The stable, versioned `sitthi import --json` document.

    `message` and the issues' `reason` are in `lang`.

    {"version": 1,
     "files": [{"file", "kind", "status", "message", "batch_id", "hospcode", "rows_read",
                "rows_loaded", "rows_unchanged", "issues", "warnings",
                "parts": [{"member", "table", "encoding", "has_header", "skipped_duplicate",
                           "rows_read", "rows_loaded", "rows_unchanged", "issues", "warnings",
                           "first_issues": [{"line", "field", "severity", "reason",
                                             "reason_key"}]}]}],
     "totals": {"files", "loaded", "unchanged", "refused", "rows_loaded", "issues", "warnings"}}
    """
    return {
        "version": JSON_VERSION,
        "files": [_file_document(r, lang) for r in results],
        "totals": {
            "files": len(results),
            "loaded": sum(1 for r in results if r.status == LOADED),
            "unchanged": sum(1 for r in results if r.status == UNCHANGED),
            "refused": sum(1 for r in results if r.status == REFUSED),
            "rows_loaded": sum(r.rows_loaded for r in results),
            "issues": sum(r.issues for r in results),
            "warnings": sum(r.warnings for r in results),
        },
    }


def _file_document(result: FileResult, lang: str) -> dict[str, object]:
    return {
        "file": result.file,
        "kind": result.kind,
        "status": result.status,
        "message": result.message_in(lang),
        "batch_id": result.batch_id,
        "hospcode": result.hospcode,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_unchanged": result.rows_unchanged,
        "issues": result.issues,
        "warnings": result.warnings,
        "parts": [_part_document(p, lang) for p in result.parts],
    }


def _part_document(part: PartResult, lang: str) -> dict[str, object]:
    return {
        "member": part.member,
        "table": part.table,
        "encoding": part.encoding,
        "has_header": part.has_header,
        "skipped_duplicate": part.skipped_duplicate,
        "rows_read": part.rows_read,
        "rows_loaded": part.rows_loaded,
        "rows_unchanged": part.rows_unchanged,
        "issues": part.issues,
        "warnings": part.warnings,
        "first_issues": [
            {
                "line": i.line,
                "field": i.field,
                "severity": i.severity,
                "reason": i.text(lang),
                "reason_key": i.key,
            }
            for i in part.sample
        ],
    }
