"""exports: the export log the province reads, and the HOME file's volunteer and household head

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:45:00.000000

`house` gains VHVID (the village health volunteer responsible for the house) and HEADID (the PID
of the head of the household). The new columns are added in place with an empty default, then
the house's capture triggers are made again so that a change of volunteer is synced too (the
SQLite update trigger lists the columns it compares). `export_log` is a synced, facility-owned
table: one row per export of person-level data, never its content.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.outbox import drop_capture, install_capture

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HOUSE_COLUMNS = ("vhvid", "headid")
SYNCED_TABLES = ("export_log",)
"""Tables this revision adds to sync (see 0004 for the others)."""


def upgrade() -> None:
    for column in HOUSE_COLUMNS:
        op.add_column(
            "house", sa.Column(column, sa.String(length=16), nullable=False, server_default="")
        )
    op.create_table(
        "export_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("show_cid", sa.Boolean(), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
    )
    op.create_index(op.f("ix_export_log_hospcode"), "export_log", ["hospcode"], unique=False)
    conn = op.get_bind()
    install_capture(conn, ("house", *SYNCED_TABLES))


def downgrade() -> None:
    conn = op.get_bind()
    drop_capture(conn, SYNCED_TABLES)
    op.drop_index(op.f("ix_export_log_hospcode"), table_name="export_log")
    op.drop_table("export_log")
    drop_capture(conn, ("house",))
    with op.batch_alter_table("house") as batch_op:
        for column in HOUSE_COLUMNS:
            batch_op.drop_column(column)
    install_capture(conn, ("house",))
