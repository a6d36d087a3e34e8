"""a unit's district (AMPUR code and name) in the facility table

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 07:00:00.000000

A unit's district is set by `sitthi facility set`; while it is blank, the district is derived
from the unit's villages. Plain added columns with a default, so SQLite keeps the table (and
nothing is rebuilt: `facility` has no capture triggers, but no table is recreated either).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "facility",
        sa.Column("district", sa.String(length=16), server_default="", nullable=False),
    )
    op.add_column(
        "facility",
        sa.Column("district_name", sa.String(length=200), server_default="", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("facility") as batch:
        batch.drop_column("district_name")
        batch.drop_column("district")
