"""import issues keep their catalogue message (key and parameters) beside the English text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00.000000

The reason of a row issue was stored as English text only, so the app could not show it in
Thai. The key and parameters of its `store.i18n` message are stored too; rows stored before
keep a blank key and are shown as their text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_issue", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("reason_params", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("import_issue", schema=None) as batch_op:
        batch_op.drop_column("reason_params")
        batch_op.drop_column("reason_key")
