"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
PRESSROOM_TEST_DATABASE_URL is set), settings in a temporary home, an app and a client.

Every test that uses a database fixture is marked ``db`` and runs again on
PostgreSQL in ``make test``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import URL, create_engine, make_url, text

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Base, Database
from pressroom.export.failures import strict_failures
from tests.libreoffice import LibreOffice, find_libreoffice

ADMIN = ("admin", "admin-secret")
PG_URL = os.environ.get("PRESSROOM_TEST_DATABASE_URL")
DB_FIXTURES = {"database_url", "settings", "db", "app", "client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (runs on SQLite and PostgreSQL)")


@pytest.fixture(autouse=True)
def _strict_export() -> Iterator[None]:
    """Readers and writers raise on a failure inside an element instead of replacing it
    by a placeholder, so tests see every crash; a test of the placeholders turns it off."""
    with strict_failures():
        yield


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or a PostgreSQL database of this run's own
    (so that parallel test runs against one server never truncate each other's tables)."""
    if PG_URL:
        url = make_url(PG_URL)
        private = url.set(database=f"{url.database}_{os.getpid()}")
        _admin_execute(url, f'DROP DATABASE IF EXISTS "{private.database}"')
        _admin_execute(url, f'CREATE DATABASE "{private.database}"')
        private_url = private.render_as_string(hide_password=False)
        database = Database(private_url)
        database.migrate()
        database.dispose()
        yield private_url
        _admin_execute(url, f'DROP DATABASE IF EXISTS "{private.database}" WITH (FORCE)')
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    yield str(path)


def _admin_execute(url: URL, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> str:
    return fresh_database_url(_migrated_template, tmp_path)


def fresh_database_url(template: str, folder: Path) -> str:
    """An empty migrated database: a copy of the SQLite template in ``folder``, or the
    run's PostgreSQL database emptied."""
    if PG_URL:
        _truncate_all(template)
        return template
    target = folder / "pressroom.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def _truncate_all(url: str) -> None:
    database = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "home")


def make_settings(database_url: str, home: Path) -> Settings:
    return Settings(
        home=home,
        database_url=database_url,
        admin_password=ADMIN[1],
        node_id="test-node",
        max_upload_bytes=1024 * 1024,
        max_body_bytes=256 * 1024,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.resolved_database_url)
    yield database
    database.dispose()


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        test_client.auth = ADMIN
        yield test_client


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


def create_space(client: TestClient, key: str = "DOC", **extra: object) -> dict:
    response = client.post("/rest/api/space", json={"key": key, "name": f"{key} space", **extra})
    assert response.status_code == 200, response.text
    return response.json()


def create_page(
    client: TestClient,
    title: str,
    body: str = "<p>text</p>",
    space: str = "DOC",
    parent: str | None = None,
    content_type: str = "page",
) -> dict:
    payload: dict = {
        "type": content_type,
        "title": title,
        "space": {"key": space},
        "body": {"storage": {"value": body, "representation": "storage"}},
    }
    if parent:
        payload["ancestors"] = [{"id": parent}]
    response = client.post("/rest/api/content", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


@contextmanager
def serving(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve ``app`` with uvicorn on loopback; yields its base URL. Uvicorn is handed the
    bound socket itself, so no other process can take the port between bind and serve."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            listener.close()
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        listener.close()


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    return find_libreoffice(tmp_path_factory.mktemp("lo-profile"))
