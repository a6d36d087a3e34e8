"""follow-up log: what staff did about a person's gaps (append-only, synced)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_log")),
    )
    with op.batch_alter_table("followup_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_log_hospcode"), ["hospcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_followup_log_hlc"), ["hlc"], unique=False)
        batch_op.create_index(batch_op.f("ix_followup_log_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_log_person_id"))
        batch_op.drop_index(batch_op.f("ix_followup_log_hlc"))
        batch_op.drop_index(batch_op.f("ix_followup_log_hospcode"))

    op.drop_table("followup_log")
