"""Database engine, sessions and migrations (SQLAlchemy 2 + Alembic)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # Writers take the write lock up front, so concurrent writers queue on
    # busy_timeout instead of failing with "database is locked" when a read
    # snapshot tries to upgrade. Readers begin deferred and never block.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


WRITE_OPTION = "pressroom_write"


class Database:
    """The engine plus two session factories: deferred readers and immediate writers."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.reader = sessionmaker(self.engine, expire_on_commit=False)
        writer_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self.writer = sessionmaker(writer_engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.reader() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, committed on success and rolled back on any exception."""
        with self.writer() as session, session.begin():
            yield session

    def migrate(self) -> None:
        migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration, in one transaction.

    On SQLite, a revision that sets ``SQLITE_FOREIGN_KEYS_OFF`` (one that rebuilds a table
    others refer to) runs in a transaction of its own with foreign keys off, since SQLite
    ignores that pragma inside a transaction, and must leave no broken reference behind.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        for target, keys_off in _upgrade_steps(config, connection):
            _upgrade(config, connection, target, keys_off)


def _upgrade_steps(config: Config, connection: Connection) -> list[tuple[str, bool]]:
    """The revisions to upgrade to in turn, and whether foreign keys are off for each."""
    if connection.dialect.name != "sqlite":
        return [("heads", False)]
    with connection.begin():
        current = MigrationContext.configure(connection).get_current_heads()
    scripts = ScriptDirectory.from_config(config)
    pending = list(scripts.iterate_revisions("heads", current[0] if current else "base"))
    steps: list[tuple[str, bool]] = []
    for script in reversed(pending):
        keys_off = bool(getattr(script.module, "SQLITE_FOREIGN_KEYS_OFF", False))
        if steps and not keys_off and not steps[-1][1]:
            steps[-1] = (script.revision, False)
        else:
            steps.append((script.revision, keys_off))
    return steps


def _upgrade(config: Config, connection: Connection, target: str, keys_off: bool) -> None:
    sqlite: Any = connection.connection.driver_connection
    if keys_off:
        sqlite.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            wait_for_cluster_lock(connection, START_LOCK_KEY)
            config.attributes["connection"] = connection
            command.upgrade(config, target)
            if keys_off:
                _check_foreign_keys(connection, target)
    finally:
        if keys_off:
            sqlite.execute("PRAGMA foreign_keys=ON")


# Nodes of a cluster starting at once migrate one after the other (the later ones find
# nothing to do) and create the bootstrap administrator once.
START_LOCK_KEY = 0x50524553_53544152  # "PRESSTAR"


def wait_for_cluster_lock(connection: Connection | Session, key: int) -> None:
    """Hold the PostgreSQL advisory lock ``key`` until the transaction ends; nothing on
    SQLite, whose writers exclude one another anyway."""
    bind = connection if isinstance(connection, Connection) else connection.get_bind()
    if bind.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _check_foreign_keys(connection: Connection, revision: str) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(
            f"Migration {revision} left {len(broken)} broken references, e.g. {tuple(broken[0])}; "
            "nothing was changed."
        )
