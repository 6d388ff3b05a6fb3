"""content ids are never reused on SQLite: AUTOINCREMENT on the content table

SQLite gives a new row the highest id + 1, so after purging the newest page (or
attachment: both live in ``content``) the next one got its id, and links, bookmarks and
attachment paths meant for the purged one found the new one. ``AUTOINCREMENT`` makes
SQLite remember the highest id ever used. Adding it rebuilds the table (Alembic batch
mode: copy into a new table, drop the old, rename). Dropping a table that others refer
to with foreign keys on would cascade, deleting every version, label link and child, so
this revision runs with foreign keys off and checks them before it commits (see
``pressroom.db.migrate``). PostgreSQL's sequences never hand out an id twice: nothing
to do there.

Downgrading keeps AUTOINCREMENT: ids that are never reused harm no older revision, and
a second rebuild would only risk the data.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 09:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Read by pressroom.db.migrate: on SQLite, run this revision with foreign keys off.
SQLITE_FOREIGN_KEYS_OFF = True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "Revision 0009 rebuilds the content table and must run with foreign keys off, "
            "as pressroom.db.migrate runs it; with them on, the rebuild would cascade."
        )
    with op.batch_alter_table(
        "content", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    pass
