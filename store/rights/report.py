"""The gaps work list as a report: every person with a rights gap, and its stable `--json`.

    {"version": 1, "as_of": "YYYY-MM-DD", "gaps": [{"hospcode", "pid", "cid", "name",
     "village", "codes", "explanation_th", "explanation_en", "action"}]}

The persons and their order are `store.kpi.work_list`'s, the same judgement as the KPI counts.
The CID is masked unless asked for, and `action` is the first code's action in the report's
language (`th` unless `lang="en"`): one thing to do first, while both explanations are given in
full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from store.cid import mask_cid
from store.kpi import REPORT_VERSION, work_list
from store.rights.rules import Evaluation, action, explanation


@dataclass(frozen=True)
class GapRow:
    """One person's line of the gaps report."""

    hospcode: str
    pid: str
    cid: str
    """Masked unless the report was asked to show CIDs."""
    name: str
    village: str
    codes: tuple[str, ...]
    explanation_th: str
    explanation_en: str
    action: str

    def to_json(self) -> dict[str, Any]:
        return {
            "hospcode": self.hospcode,
            "pid": self.pid,
            "cid": self.cid,
            "name": self.name,
            "village": self.village,
            "codes": list(self.codes),
            "explanation_th": self.explanation_th,
            "explanation_en": self.explanation_en,
            "action": self.action,
        }


@dataclass(frozen=True)
class GapsReport:
    """Every person with a gap on one date, by unit, village and PID."""

    as_of: dt.date
    gaps: tuple[GapRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "as_of": self.as_of.isoformat(),
            "gaps": [row.to_json() for row in self.gaps],
        }


def gaps_report(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    show_cid: bool = False,
    *,
    lang: str = "th",
) -> GapsReport:
    """Every person with a gap (schema in the module docstring)."""
    rows = tuple(
        gap_row(ev, show_cid=show_cid, lang=lang) for ev in work_list(conn, as_of, hospcode)
    )
    return GapsReport(as_of, rows)


def gap_row(ev: Evaluation, *, show_cid: bool = False, lang: str = "th") -> GapRow:
    """One person's line of the gaps report."""
    person = ev.person
    return GapRow(
        hospcode=person.hospcode,
        pid=person.pid,
        cid=person.cid if show_cid else mask_cid(person.cid),
        name=person.full_name,
        village=person.village,
        codes=tuple(ev.codes),
        explanation_th=explanation(ev.codes, "th"),
        explanation_en=explanation(ev.codes, "en"),
        action=action(ev.codes, lang),
    )
