"""stored judgements: per person, per service, per unit and per closed month

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:00:00.000000

Judging every person again on every screen took minutes at a province; the judgements are now
kept (`store.judged`) and refreshed for the units whose inputs changed, which triggers on the
input tables mark in `judged_stale`. Every existing unit starts unjudged: the first reader or
`sitthi recompute` fills the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.judged.marks import drop_mark_functions, drop_marks, install_marks

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(precision=14, scale=2)
_RATE = sa.Numeric(precision=12, scale=2)


def upgrade() -> None:
    op.create_table(
        "judged_stale",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("hospcode", name=op.f("pk_judged_stale")),
    )
    op.create_table(
        "judged_unit",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("rules_key", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("thai_population", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Integer(), nullable=False),
        sa.Column("persons_with_gaps", sa.Integer(), nullable=False),
        sa.Column("eligible_baht", _MONEY, nullable=False),
        sa.Column("paid_baht", _MONEY, nullable=False),
        sa.Column("due_count", sa.Integer(), nullable=False),
        sa.Column("to_earn_baht", _MONEY, nullable=False),
        sa.Column("rep_lines", sa.Integer(), nullable=False),
        sa.Column("rep_lines_c", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hospcode", name=op.f("pk_judged_unit")),
    )
    op.create_table(
        "judged_person",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("pid", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("codes", sa.String(length=200), nullable=False),
        sa.Column("responsible", sa.Boolean(), nullable=False),
        sa.Column("in_coverage", sa.Boolean(), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("hospcode", "pid", name=op.f("pk_judged_person")),
    )
    op.create_table(
        "judged_service",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("date_serv", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rate", _RATE, nullable=False),
        sa.Column("paid", _RATE, nullable=False),
        sa.PrimaryKeyConstraint("service_id", "item", name=op.f("pk_judged_service")),
    )
    op.create_index(
        "ix_judged_service_hospcode_date_serv",
        "judged_service",
        ["hospcode", "date_serv"],
        unique=False,
    )
    op.create_table(
        "judged_month",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("thai_population", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Integer(), nullable=False),
        sa.Column("persons_with_gaps", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hospcode", "month_end", name=op.f("pk_judged_month")),
    )
    install_marks(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    drop_marks(bind)
    drop_mark_functions(bind)
    op.drop_table("judged_month")
    op.drop_index("ix_judged_service_hospcode_date_serv", table_name="judged_service")
    op.drop_table("judged_service")
    op.drop_table("judged_person")
    op.drop_table("judged_unit")
    op.drop_table("judged_stale")
