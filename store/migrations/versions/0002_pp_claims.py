"""PP claims: 43-file service rows, NHSO statement lines, the fee-schedule catalog

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:23:42.442616
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pp_catalog_item",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("code_field", sa.String(length=32), nullable=False),
        sa.Column("codes", sa.String(length=2000), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("thai_only", sa.Boolean(), nullable=False),
        sa.Column("max_per_pregnancy", sa.Integer(), nullable=True),
        sa.Column("max_per_fiscal_year", sa.Integer(), nullable=True),
        sa.Column("min_interval_days", sa.Integer(), nullable=True),
        sa.Column("window_days", sa.Integer(), nullable=True),
        sa.Column("nhso_codes", sa.String(length=2000), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pp_catalog_item")),
    )
    with op.batch_alter_table("pp_catalog_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pp_catalog_item_fiscal_year"), ["fiscal_year"], unique=False
        )

    op.create_table(
        "pp_service",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("pid", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.String(length=32), nullable=False),
        sa.Column("key_code", sa.String(length=64), nullable=False),
        sa.Column("date_serv", sa.Date(), nullable=False),
        sa.Column("gravida", sa.String(length=8), nullable=False),
        sa.Column("bdate", sa.Date(), nullable=True),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pp_service")),
    )
    with op.batch_alter_table("pp_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pp_service_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "pp_statement_line",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("date_serv", sa.Date(), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("paid", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("error_code", sa.String(length=16), nullable=False),
        sa.Column("statement_id", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pp_statement_line")),
    )
    with op.batch_alter_table("pp_statement_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pp_statement_line_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pp_statement_line_cid"), ["cid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pp_statement_line_hospcode"), ["hospcode"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pp_statement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pp_statement_line_hospcode"))
        batch_op.drop_index(batch_op.f("ix_pp_statement_line_cid"))
        batch_op.drop_index(batch_op.f("ix_pp_statement_line_batch_id"))

    op.drop_table("pp_statement_line")
    with op.batch_alter_table("pp_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pp_service_hospcode"))

    op.drop_table("pp_service")
    with op.batch_alter_table("pp_catalog_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pp_catalog_item_fiscal_year"))

    op.drop_table("pp_catalog_item")
