"""One person's contact details for the detail screen (not part of the gap judgement)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from store.models import SQLModel

PERSON = SQLModel.metadata.tables["person"]


@dataclass(frozen=True)
class Contact:
    telephone: str
    mobile: str

    @property
    def numbers(self) -> list[str]:
        """The distinct numbers on record, mobile first."""
        found = [n.strip() for n in (self.mobile, self.telephone) if n and n.strip()]
        return list(dict.fromkeys(found))


def contact(conn: Connection, person_id: str) -> Contact | None:
    row = conn.execute(
        select(PERSON.c.telephone, PERSON.c.mobile).where(PERSON.c.id == person_id)
    ).first()
    if row is None:
        return None
    return Contact(row.telephone or "", row.mobile or "")
