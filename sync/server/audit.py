"""Server side: what the province reads about NHSO records that followed a CID to a unit.

Per unit and day: how many records went out, for how many of the unit's people, how many
were held because the unit was over its daily limit of people new to it, and how many were
withheld because another unit answers for the person (flags for the province to look at: a
unit asking for records of many CIDs it never had before, or of other units' people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from sync.server.sequencer import DELIVERED, HELD, WITHHELD


@dataclass(frozen=True)
class DeliveryDay:
    day: dt.date
    hospcode: str
    records: int
    people: int
    held: int
    withheld: int

    @property
    def flagged(self) -> bool:
        return self.held > 0 or self.withheld > 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat(), "flagged": self.flagged}


def delivery_days(
    conn: Connection, *, hospcode: str | None = None, since: dt.date | None = None
) -> list[DeliveryDay]:
    """Deliveries by day and unit, newest day first."""
    where = ["1 = 1"]
    params: dict[str, object] = {}
    if hospcode:
        where.append("hospcode = :h")
        params["h"] = hospcode
    if since:
        where.append("day >= :since")
        params["since"] = since
    rows = conn.execute(
        text(
            "SELECT day, hospcode, "
            f"sum(CASE WHEN status = '{DELIVERED}' THEN 1 ELSE 0 END), "
            f"count(DISTINCT CASE WHEN status = '{DELIVERED}' THEN person_id END), "
            f"sum(CASE WHEN status = '{HELD}' THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN status = '{WITHHELD}' THEN 1 ELSE 0 END) "
            f"FROM sync_delivery WHERE {' AND '.join(where)} "
            "GROUP BY day, hospcode ORDER BY day DESC, hospcode"
        ),
        params,
    )
    return [
        DeliveryDay(
            _day(day),
            str(unit),
            int(records or 0),
            int(people or 0),
            int(held or 0),
            int(kept or 0),
        )
        for day, unit, records, people, held, kept in rows
    ]


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
