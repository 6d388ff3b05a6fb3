"""space grants as Confluence has them: every space's creator holds all six

The grants become ``view``, ``edit``, ``attach``, ``delete``, ``export`` and ``admin``.
The two grants before this revision, ``view`` and ``export``, keep their names and meaning, so every
existing row stays as it is; before this revision, ``view`` also let a user change
content, which no grant row carries over. Spaces record their creator
(``spaces.creator_id``): each creator who still exists gets every grant on the space,
as a new space's creator does. Spaces without a creator (none are created so) get
nothing new; site administrators may do everything in every space without a row.

Downgrading removes the rows of the four new grants, which 0007 does not know.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GRANTS = ("view", "edit", "attach", "delete", "export", "admin")
NEW_GRANTS = ("edit", "attach", "delete", "admin")

PERMISSIONS = sa.table(
    "space_permissions",
    sa.column("space_id", sa.Integer),
    sa.column("subject_type", sa.String(16)),
    sa.column("subject_name", sa.String(255)),
    sa.column("permission", sa.String(16)),
)
SPACES = sa.table("spaces", sa.column("id", sa.Integer), sa.column("creator_id", sa.Integer))
USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String(255)))


def upgrade() -> None:
    held = PERMISSIONS.alias("held")
    for grant in GRANTS:
        missing = ~sa.exists().where(
            held.c.space_id == SPACES.c.id,
            held.c.subject_type == "user",
            held.c.subject_name == USERS.c.username,
            held.c.permission == grant,
        )
        creators = (
            sa.select(
                SPACES.c.id,
                sa.literal("user", sa.String(16)),
                USERS.c.username,
                sa.literal(grant, sa.String(16)),
            )
            .select_from(SPACES.join(USERS, USERS.c.id == SPACES.c.creator_id))
            .where(missing)
        )
        columns = ["space_id", "subject_type", "subject_name", "permission"]
        op.execute(PERMISSIONS.insert().from_select(columns, creators))


def downgrade() -> None:
    op.execute(PERMISSIONS.delete().where(PERMISSIONS.c.permission.in_(NEW_GRANTS)))
