"""follow-up corrections: an entry may edit or retract an earlier one (still append-only)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:00:00.000000

`corrects` names the original entry a new row edits, `retracted` marks a withdrawal. Both have
server defaults, so rows written before (and rows pushed by a centre not yet upgraded) are
originals. Columns are added in place, without a table rebuild, so the SQLite capture triggers
of `followup_log` stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "followup_log",
        sa.Column("corrects", sa.String(length=36), nullable=False, server_default=""),
    )
    op.add_column(
        "followup_log",
        sa.Column("retracted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_followup_log_corrects", "followup_log", ["corrects"])


def downgrade() -> None:
    op.drop_index("ix_followup_log_corrects", table_name="followup_log")
    with op.batch_alter_table("followup_log") as batch_op:
        batch_op.drop_column("retracted")
        batch_op.drop_column("corrects")
