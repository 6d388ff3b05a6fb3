"""``pressroom backup`` then ``pressroom restore`` into an empty home and database: every
page, attachment byte and template comes back (on SQLite, and on PostgreSQL in the
PostgreSQL run)."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, select
from typer.testing import CliRunner

from pressroom.app import create_app
from pressroom.cli import cli
from pressroom.config import Settings
from pressroom.content.models import Content, ContentVersion, Space
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from tests.api.test_templates import uploaded
from tests.conftest import ADMIN, PG_URL, _admin_execute, create_page, create_space, make_settings

XSRF = {"X-Atlassian-Token": "no-check"}
BINARY = bytes(range(256)) * 64


@pytest.fixture
def target(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """An empty home, and an empty database of the kind the test runs on."""
    home = tmp_path / "restored"
    if not PG_URL:
        yield make_settings(f"sqlite:///{home / 'pressroom.db'}", home)
        return
    url = make_url(settings.resolved_database_url)
    fresh = url.set(database=f"{url.database}_restore")
    _admin_execute(url, f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)')
    _admin_execute(url, f'CREATE DATABASE "{fresh.database}"')
    yield make_settings(fresh.render_as_string(hide_password=False), home)
    _admin_execute(url, f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)')


def environment(settings: Settings) -> dict[str, str]:
    return {
        "PRESSROOM_HOME": str(settings.home),
        "PRESSROOM_DATABASE_URL": settings.resolved_database_url,
    }


def content_rows(url: str) -> list[tuple[object, ...]]:
    database = Database(url)
    try:
        with database.read() as session:
            pages = session.execute(
                select(
                    Content.id,
                    Content.type,
                    Content.status,
                    Content.title,
                    Content.body,
                    Content.version,
                    Content.parent_id,
                    Content.file_key,
                ).order_by(Content.id)
            ).all()
            versions = session.execute(
                select(
                    ContentVersion.content_id, ContentVersion.number, ContentVersion.body
                ).order_by(ContentVersion.content_id, ContentVersion.number)
            ).all()
            spaces = session.execute(select(Space.key, Space.name).order_by(Space.key)).all()
    finally:
        database.dispose()
    return [tuple(row) for row in [*pages, *versions, *spaces]]


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_a_backup_restores_every_page_attachment_and_template(
    client: TestClient, settings: Settings, target: Settings, tmp_path: Path
) -> None:
    create_space(client)
    root = create_page(client, "Handbook", "<p>Grüße, 你好 &amp; more</p>")
    create_page(client, "Child", "<h1>Child</h1><p>text</p>", parent=root["id"])
    edited = client.put(
        f"/rest/api/content/{root['id']}",
        json={
            "version": {"number": 2},
            "title": "Handbook",
            "type": "page",
            "body": {"storage": {"value": "<p>second version</p>", "representation": "storage"}},
        },
    )
    assert edited.status_code == 200, edited.text
    attached = client.post(
        f"/rest/api/content/{root['id']}/child/attachment",
        files={"file": ("data.bin", BINARY, "application/octet-stream")},
        headers=XSRF,
    )
    assert attached.status_code == 200, attached.text
    template = uploaded(client, spaceKey="DOC", name="Brand")
    runner = CliRunner()
    archive = tmp_path / "backup.tar.gz"

    made = runner.invoke(cli, ["backup", str(archive)], env=environment(settings))
    assert made.exit_code == 0, made.output
    refused = runner.invoke(cli, ["restore", str(archive)], env=environment(settings))
    assert refused.exit_code == 1
    assert "--replace" in refused.output
    restored = runner.invoke(cli, ["restore", str(archive)], env=environment(target))
    assert restored.exit_code == 0, restored.output

    assert content_rows(target.resolved_database_url) == content_rows(
        settings.resolved_database_url
    )
    assert files_of(target.attachments_dir) == files_of(settings.attachments_dir)
    assert files_of(target.home / "templates") == files_of(settings.home / "templates")
    assert files_of(target.home / "templates")  # the uploaded template is among them
    restored_db = Database(target.resolved_database_url)
    with TestClient(create_app(target, restored_db, sweep_interval=3600)) as restored_client:
        restored_client.auth = ADMIN
        download = restored_client.get(f"/download/attachments/{root['id']}/data.bin")
        template_file = restored_client.get(
            f"/plugins/servlet/scroll-office/api/templates/{template['id']}/download"
        )
        original_template = client.get(
            f"/plugins/servlet/scroll-office/api/templates/{template['id']}/download"
        )
    with restored_db.read() as session:
        jobs = session.scalars(select(ExportJob.id)).all()
    restored_db.dispose()
    assert download.status_code == 200
    assert download.content == BINARY
    assert template_file.status_code == 200
    assert template_file.content == original_template.content
    assert jobs == []


def test_restore_refuses_an_archive_that_is_not_a_backup(target: Settings, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.tar.gz"
    escape = tmp_path / "escape.txt"
    escape.write_text("outside")
    with tarfile.open(hostile, "w:gz") as archive:
        archive.add(escape, arcname="../escape.txt")
    result = CliRunner().invoke(cli, ["restore", str(hostile)], env=environment(target))
    assert result.exit_code == 1
    assert "not a Pressroom backup" in result.output
