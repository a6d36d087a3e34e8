"""index facility-owned tables by (hospcode, local key)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:15:00.000000

Joining a unit's persons to their houses, cards and deaths looks rows up by hospcode and the
exporter's local key (HID or PID); with an index on hospcode alone each lookup scanned the whole
unit. The composite index also serves hospcode-only queries, so it replaces that one. Indexes
are created without a table rebuild, which keeps the SQLite capture triggers in place.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNIT_KEYS = (("house", "hid"), ("person", "pid"), ("card", "pid"), ("death", "pid"))


def upgrade() -> None:
    for table, key in UNIT_KEYS:
        op.create_index(f"ix_{table}_hospcode_{key}", table, ["hospcode", key])
        op.drop_index(f"ix_{table}_hospcode", table_name=table)


def downgrade() -> None:
    for table, key in UNIT_KEYS:
        op.create_index(f"ix_{table}_hospcode", table, ["hospcode"])
        op.drop_index(f"ix_{table}_hospcode_{key}", table_name=table)
