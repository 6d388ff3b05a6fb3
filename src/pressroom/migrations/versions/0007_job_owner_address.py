"""the client address that submitted an export job, and indexes for per-owner job caps

Anonymous exporters are capped per session and per client address; users per account.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_address", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_export_jobs_owner_user", ["owner_user_id", "state"])
        batch_op.create_index("ix_export_jobs_owner_address", ["owner_address", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_export_jobs_owner_address")
        batch_op.drop_index("ix_export_jobs_owner_user")
        batch_op.drop_column("owner_address")
