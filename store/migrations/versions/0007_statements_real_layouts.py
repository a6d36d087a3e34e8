"""NHSO statements as they really come: KTB item lines, e-Claim REP visits, STM, SMT transfers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00.000000

`pp_statement_line` gains the KTB REP INDIVIDUAL's service name, NHSO's stated outcome, its
remark and the transaction id; the PP catalog gains the service names statements use for an
item; e-Claim REP visits, STM detail lines and Smart Money Transfer rows get tables of their
own. Columns are added without a table rebuild; the capture triggers of the two altered tables
are re-created so that they compare the new columns too, and the new tables are captured.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.outbox import drop_capture, install_capture

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NEW_TABLES = ("nhso_rep_line", "nhso_stm_line", "nhso_transfer")
ALTERED = ("pp_statement_line", "pp_catalog_item")
_MONEY = sa.Numeric(precision=12, scale=2)


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def _bookkeeping() -> list[sa.Column[object]]:
    return [
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("pp_statement_line", _text("item_name", 200))
    op.add_column("pp_statement_line", _text("outcome", 16))
    op.add_column("pp_statement_line", _text("remark", 500))
    op.add_column("pp_statement_line", _text("tran_id", 64))
    op.add_column("pp_catalog_item", _text("nhso_names", 2000))
    op.create_table(
        "nhso_rep_line",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("rep_no", sa.String(length=64), nullable=False),
        sa.Column("tran_id", sa.String(length=64), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("date_serv", sa.Date(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("compensated", _MONEY, nullable=True),
        sa.Column("pp", _MONEY, nullable=True),
        sa.Column("fs", _MONEY, nullable=True),
        sa.Column("main_fund", sa.String(length=64), nullable=False),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nhso_rep_line")),
    )
    op.create_table(
        "nhso_stm_line",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("rep_no", sa.String(length=64), nullable=False),
        sa.Column("tran_id", sa.String(length=64), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("date_serv", sa.Date(), nullable=True),
        sa.Column("claimed", _MONEY, nullable=True),
        sa.Column("pp", _MONEY, nullable=True),
        sa.Column("fs", _MONEY, nullable=True),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nhso_stm_line")),
    )
    op.create_table(
        "nhso_transfer",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("transfer_date", sa.Date(), nullable=False),
        sa.Column("batch_no", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("fund", sa.String(length=200), nullable=False),
        sa.Column("sub_fund", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("amount", _MONEY, nullable=True),
        sa.Column("transferred", _MONEY, nullable=True),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nhso_transfer")),
    )
    for table, columns in (
        ("nhso_rep_line", ("batch_id", "cid", "hospcode", "tran_id")),
        ("nhso_stm_line", ("batch_id", "hospcode", "tran_id")),
        ("nhso_transfer", ("batch_id", "hospcode")),
    ):
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)
    conn = op.get_bind()
    install_capture(conn, (*ALTERED, *NEW_TABLES))


def downgrade() -> None:
    conn = op.get_bind()
    drop_capture(conn, NEW_TABLES)
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    with op.batch_alter_table("pp_catalog_item") as batch_op:
        batch_op.drop_column("nhso_names")
    with op.batch_alter_table("pp_statement_line") as batch_op:
        for column in ("tran_id", "remark", "outcome", "item_name"):
            batch_op.drop_column(column)
    install_capture(conn, ALTERED)
