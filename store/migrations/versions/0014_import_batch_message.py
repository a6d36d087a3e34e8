"""import batches keep their catalogue message (key and parameters) beside the English text

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:30:00.000000

Why a file was refused (or had nothing new) was stored as English text only, so the imports
screen showed it in English to a Thai reader. The key and parameters of its `store.i18n` message
are stored too; batches stored before keep a blank key and are shown as their text. Plain added
columns with a default: no table is rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "import_batch",
        sa.Column("message_key", sa.String(length=64), server_default="", nullable=False),
    )
    op.add_column(
        "import_batch",
        sa.Column("message_params", sa.String(length=2000), server_default="", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("message_params")
        batch_op.drop_column("message_key")
