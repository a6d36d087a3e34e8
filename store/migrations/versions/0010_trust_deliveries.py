"""audit of NHSO records that follow a CID to a unit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:00:00.000000

The server records every NHSO record it sends to a unit because the unit holds a person with
that CID (`sync_delivery`), and holds back what exceeds a unit's daily limit of new people.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sync_delivery",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_delivery")),
        sa.UniqueConstraint(
            "table_name",
            "row_id",
            "hospcode",
            name=op.f("uq_sync_delivery_table_name_row_id_hospcode"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_sync_delivery_hospcode_day", "sync_delivery", ["hospcode", "day"], unique=False
    )
    op.create_index("ix_sync_delivery_status_day", "sync_delivery", ["status", "day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sync_delivery_status_day", table_name="sync_delivery")
    op.drop_index("ix_sync_delivery_hospcode_day", table_name="sync_delivery")
    op.drop_table("sync_delivery")
