"""Alembic environment: runs on the connection ``pressroom.db.migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import pressroom.models  # noqa: F401  (registers every table on Base.metadata)
from pressroom.db import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as fresh:
        _run_on(fresh)


def _run_on(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
