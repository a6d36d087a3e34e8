"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 16:15:47.125989
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("pid", sa.String(length=16), nullable=False),
        sa.Column("instype_old", sa.String(length=4), nullable=False),
        sa.Column("instype_new", sa.String(length=4), nullable=False),
        sa.Column("insid", sa.String(length=32), nullable=False),
        sa.Column("startdate", sa.Date(), nullable=True),
        sa.Column("expiredate", sa.Date(), nullable=True),
        sa.Column("main", sa.String(length=16), nullable=False),
        sa.Column("sub", sa.String(length=16), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card")),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "death",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("pid", sa.String(length=16), nullable=False),
        sa.Column("ddeath", sa.Date(), nullable=True),
        sa.Column("cdeath", sa.String(length=16), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_death")),
    )
    with op.batch_alter_table("death", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_death_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "facility",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("hospcode", name=op.f("pk_facility")),
    )
    op.create_table(
        "house",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("hid", sa.String(length=16), nullable=False),
        sa.Column("house", sa.String(length=200), nullable=False),
        sa.Column("villaname", sa.String(length=200), nullable=False),
        sa.Column("vid", sa.String(length=16), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house")),
    )
    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_house_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_loaded", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("issues", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_sha256"), ["sha256"], unique=False)

    op.create_table(
        "nhso_right",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("maininscl", sa.String(length=8), nullable=False),
        sa.Column("subinscl", sa.String(length=8), nullable=False),
        sa.Column("hmain_op", sa.String(length=16), nullable=False),
        sa.Column("hsub", sa.String(length=16), nullable=False),
        sa.Column("hmain", sa.String(length=16), nullable=False),
        sa.Column("startdate", sa.Date(), nullable=True),
        sa.Column("expdate", sa.Date(), nullable=True),
        sa.Column("deathdate", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=200), nullable=False),
        sa.Column("checkdate", sa.Date(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nhso_right")),
    )
    with op.batch_alter_table("nhso_right", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nhso_right_cid"), ["cid"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("pid", sa.String(length=16), nullable=False),
        sa.Column("cid", sa.String(length=16), nullable=False),
        sa.Column("hid", sa.String(length=16), nullable=False),
        sa.Column("prename", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lname", sa.String(length=200), nullable=False),
        sa.Column("hn", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth", sa.Date(), nullable=True),
        sa.Column("nation", sa.String(length=3), nullable=False),
        sa.Column("typearea", sa.String(length=1), nullable=False),
        sa.Column("discharge", sa.String(length=1), nullable=False),
        sa.Column("ddischarge", sa.Date(), nullable=True),
        sa.Column("telephone", sa.String(length=32), nullable=False),
        sa.Column("mobile", sa.String(length=32), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_cid"), ["cid"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "village",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("vid", sa.String(length=16), nullable=False),
        sa.Column("d_update", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village")),
    )
    with op.batch_alter_table("village", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_village_hospcode"), ["hospcode"], unique=False)

    op.create_table(
        "import_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("member", sa.String(length=500), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_issue_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_issue")),
    )
    with op.batch_alter_table("import_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_issue_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "import_part",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("member", sa.String(length=500), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=False),
        sa.Column("has_header", sa.Boolean(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_loaded", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("issues", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("skipped_duplicate", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_part_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_part")),
    )
    with op.batch_alter_table("import_part", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_part_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_part_sha256"), ["sha256"], unique=False)

    op.create_table(
        "partner_unit",
        sa.Column("hospcode", sa.String(length=16), nullable=False),
        sa.Column("partner", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["hospcode"], ["facility.hospcode"], name=op.f("fk_partner_unit_hospcode_facility")
        ),
        sa.PrimaryKeyConstraint("hospcode", "partner", name=op.f("pk_partner_unit")),
    )


def downgrade() -> None:
    op.drop_table("partner_unit")
    with op.batch_alter_table("import_part", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_part_sha256"))
        batch_op.drop_index(batch_op.f("ix_import_part_batch_id"))

    op.drop_table("import_part")
    with op.batch_alter_table("import_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_issue_batch_id"))

    op.drop_table("import_issue")
    with op.batch_alter_table("village", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_village_hospcode"))

    op.drop_table("village")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_hospcode"))
        batch_op.drop_index(batch_op.f("ix_person_cid"))

    op.drop_table("person")
    with op.batch_alter_table("nhso_right", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nhso_right_cid"))

    op.drop_table("nhso_right")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_sha256"))

    op.drop_table("import_batch")
    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_house_hospcode"))

    op.drop_table("house")
    op.drop_table("facility")
    with op.batch_alter_table("death", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_death_hospcode"))

    op.drop_table("death")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_hospcode"))

    op.drop_table("card")
