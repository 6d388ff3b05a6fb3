"""webhook delivery state of export jobs; joins the auth and templates branches

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-26 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_state", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("webhook_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("webhook_next_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_export_jobs_webhook", ["webhook_state", "webhook_next_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_export_jobs_webhook")
        batch_op.drop_column("webhook_next_at")
        batch_op.drop_column("webhook_attempts")
        batch_op.drop_column("webhook_state")
