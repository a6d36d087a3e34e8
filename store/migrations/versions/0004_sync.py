"""sync bookkeeping: outbox / change log, deliveries, state, credentials, peers; capture triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:05:00.000000

Rows already in the synced tables are recorded as changed, so a store that existed before sync
sends (or, at the server, distributes) everything it holds on its first round.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.outbox import drop_capture, install_capture

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SYNCED_TABLES = (
    "village",
    "house",
    "person",
    "card",
    "death",
    "pp_service",
    "nhso_right",
    "pp_statement_line",
    "pp_catalog_item",
    "followup_log",
)

_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sync_change",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("origin", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_change")),
        sa.UniqueConstraint("table_name", "row_id", name=op.f("uq_sync_change_table_name_row_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_sync_change_seq"), "sync_change", ["seq"], unique=False)
    op.create_table(
        "sync_route",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_route")),
        sa.UniqueConstraint(
            "table_name",
            "row_id",
            "hospcode",
            name=op.f("uq_sync_route_table_name_row_id_hospcode"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_sync_route_seq"), "sync_route", ["seq"], unique=False)
    op.create_index("ix_sync_route_hospcode_seq", "sync_route", ["hospcode", "seq"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_credential",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_credential")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sync_credential_token_hash")),
    )
    op.create_index(
        op.f("ix_sync_credential_hospcode"), "sync_credential", ["hospcode"], unique=False
    )
    op.create_table(
        "sync_peer",
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("acked_upto", sa.BigInteger(), nullable=False),
        sa.Column("last_batch_id", sa.String(length=36), nullable=False),
        sa.Column("last_push_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pull_cursor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["sync_credential.id"],
            name=op.f("fk_sync_peer_credential_id_sync_credential"),
        ),
        sa.PrimaryKeyConstraint("credential_id", "node_id", name=op.f("pk_sync_peer")),
    )
    conn = op.get_bind()
    install_capture(conn, SYNCED_TABLES)
    for table in SYNCED_TABLES:
        conn.exec_driver_sql(
            "INSERT INTO sync_change (table_name, row_id, seq, origin) "
            f"SELECT '{table}', id, NULL, '' FROM {table} ORDER BY id"
        )


def downgrade() -> None:
    drop_capture(op.get_bind(), SYNCED_TABLES)
    op.drop_table("sync_peer")
    op.drop_index(op.f("ix_sync_credential_hospcode"), table_name="sync_credential")
    op.drop_table("sync_credential")
    op.drop_table("sync_state")
    op.drop_index("ix_sync_route_hospcode_seq", table_name="sync_route")
    op.drop_index(op.f("ix_sync_route_seq"), table_name="sync_route")
    op.drop_table("sync_route")
    op.drop_index(op.f("ix_sync_change_seq"), table_name="sync_change")
    op.drop_table("sync_change")
