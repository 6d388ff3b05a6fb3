"""what kind of error ended an export job; the space homepage foreign key on PostgreSQL

``error_kind`` lets a synchronous export answer with the status of the error that
ended its job (413 for a limit, 404 for a page deleted meanwhile) instead of 500.

0001 declared ``spaces.homepage_id → content.id`` with ``use_alter``, which
``create_table`` leaves out: SQLite got it inline, PostgreSQL never did. It is
added here, after clearing homepages that point at deleted content.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HOMEPAGE_FK = "fk_spaces_homepage_id_content"


def upgrade() -> None:
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_kind", sa.String(length=32), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    existing = {fk["name"] for fk in sa.inspect(bind).get_foreign_keys("spaces")}
    if HOMEPAGE_FK not in existing:
        op.execute(
            "UPDATE spaces SET homepage_id = NULL "
            "WHERE homepage_id IS NOT NULL AND homepage_id NOT IN (SELECT id FROM content)"
        )
        op.create_foreign_key(
            HOMEPAGE_FK, "spaces", "content", ["homepage_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    # The homepage foreign key stays: 0005 should always have had it.
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_column("error_kind")
