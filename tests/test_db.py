"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import pressroom.models  # noqa: F401  (registers every table on Base.metadata)
from pressroom.db import Base, Database, alembic_config


def _schema_differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        assert _schema_differences(connection) == []


def test_the_newest_migrations_downgrade_and_upgrade_again(db: Database) -> None:
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        assert _schema_differences(connection) != []
    db.migrate()
    with db.engine.connect() as connection:
        assert _schema_differences(connection) == []
