"""Migrations that change data: 0008 (space creators get the six grants), 0009 (content
ids never reused on SQLite, by rebuilding the content table) and 0010 (versions, variants
and translations: new tables beside every row there was). Each starts from a database
at the revision before, with rows in it, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import insert, inspect, select

import pressroom.models  # noqa: F401  (registers every table on Base.metadata)
from pressroom.auth.models import Group, SpacePermission, User, group_members
from pressroom.auth.space_grants import read_grants
from pressroom.content.models import Content, ContentVersion, Label, Space, content_labels
from pressroom.content.version_models import DocVersion, PageTranslation, PageVersion
from pressroom.db import Base, Database, alembic_config
from tests.conftest import PG_URL, create_page, create_space

DatabaseAt = Callable[[str], Database]
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ALL_GRANTS = ["view", "edit", "attach", "delete", "export", "admin"]


@pytest.fixture
def database_at(database_url: str, tmp_path: Path) -> Iterator[DatabaseAt]:
    """A database at an older revision: a new SQLite file, or the run's PostgreSQL
    database downgraded (and brought back to the newest revision afterwards)."""
    opened: list[Database] = []

    def at(revision: str) -> Database:
        url = database_url if PG_URL else f"sqlite:///{tmp_path / 'old.db'}"
        database = Database(url)
        opened.append(database)
        config = alembic_config(url)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            if PG_URL:
                command.downgrade(config, revision)
            else:
                command.upgrade(config, revision)
        return database

    yield at
    for database in opened:
        database.migrate()
        database.dispose()


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config(database.engine.url.render_as_string(hide_password=False))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def grants_of(database: Database, key: str) -> dict[str, Any]:
    with database.read() as session:
        space_id = session.scalars(select(Space.id).where(Space.key == key)).one()
        grants = read_grants(session, space_id)
    return {"anonymous": grants.anonymous, "users": grants.users, "groups": grants.groups}


def add_space(database: Database, key: str, creator: str | None, grants: list[tuple]) -> None:
    with database.write() as session:
        creator_id = session.scalar(select(User.id).where(User.username == creator))
        space = Space(key=key, name=key, creator_id=creator_id)
        space.permissions = [
            SpacePermission(subject_type=kind, subject_name=name, permission=permission)
            for kind, name, permission in grants
        ]
        session.add(space)


def test_0008_gives_each_space_creator_every_grant(database_at: DatabaseAt) -> None:
    database = database_at("0007")
    with database.write() as session:
        session.add_all([User(username="alice"), User(username="bob"), Group(name="writers")])
    add_space(
        database,
        "DOC",
        "alice",
        [
            ("user", "alice", "view"),
            ("user", "alice", "export"),
            ("user", "bob", "view"),
            ("anonymous", "", "view"),
        ],
    )
    add_space(database, "ORPHAN", None, [("group", "writers", "view")])

    database.migrate()

    assert grants_of(database, "DOC") == {
        "anonymous": ["view"],
        "users": {"alice": ALL_GRANTS, "bob": ["view"]},
        "groups": {},
    }
    assert grants_of(database, "ORPHAN") == {
        "anonymous": [],
        "users": {},
        "groups": {"writers": ["view"]},
    }
    downgrade(database, "0007")
    assert grants_of(database, "DOC")["users"] == {"alice": ["view", "export"], "bob": ["view"]}


def fill_content(database: Database) -> None:
    """A space with a homepage, a page tree, a blog post, a trashed page, an attachment
    with two versions, labels, and a user in a group."""
    with database.write() as session:
        alice = User(username="alice")
        group = Group(name="writers")
        session.add_all([alice, group])
        session.flush()
        session.execute(insert(group_members).values(group_id=group.id, user_id=alice.id))
        space = Space(key="DOC", name="Docs", creator_id=alice.id)
        session.add(space)
        session.flush()
        home = _content(space, "page", "Home")
        session.add(home)
        session.flush()
        child = _content(space, "page", "Child", parent_id=home.id)
        blog = _content(space, "blogpost", "News")
        trashed = _content(space, "page", "Old", status="trashed", parent_id=home.id)
        session.add_all([child, blog, trashed])
        session.flush()
        attachment = _content(space, "attachment", "plan.txt", parent_id=child.id, version=2)
        session.add(attachment)
        session.flush()
        attachment.file_key = f"{attachment.id}/2"
        space.homepage_id = home.id
        for content in (home, child, blog, trashed):
            session.add(ContentVersion(content_id=content.id, number=1, title=content.title))
        for number in (1, 2):
            session.add(
                ContentVersion(
                    content_id=attachment.id,
                    number=number,
                    title="plan.txt",
                    file_key=f"{attachment.id}/{number}",
                    file_size=5,
                    media_type="text/plain",
                )
            )
        label = Label(name="draft")
        session.add(label)
        session.flush()
        session.execute(insert(content_labels).values(content_id=child.id, label_id=label.id))


def _content(space: Space, kind: str, title: str, **fields: Any) -> Content:
    fields.setdefault("version", 1)
    return Content(
        type=kind,
        space_id=space.id,
        title=title,
        body=f"<p>{title}</p>",
        created_at=NOW,
        modified_at=NOW,
        **fields,
    )


def every_row(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table the database has at its revision."""
    existing = set(inspect(database.engine).get_table_names())
    with database.read() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
            if table.name in existing
        }


def same_tables(rows: dict[str, list[tuple]], like: dict[str, list[tuple]]) -> dict:
    """``rows`` of the tables ``like`` has (later revisions add tables)."""
    return {name: table for name, table in rows.items() if name in like}


def test_0009_keeps_every_row_and_never_reuses_a_purged_id(database_at: DatabaseAt) -> None:
    database = database_at("0008")
    fill_content(database)
    before = every_row(database)

    database.migrate()

    assert same_tables(every_row(database), before) == before
    with database.engine.connect() as connection:
        if PG_URL is None:
            table = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'content'"
            ).scalar()
            assert "AUTOINCREMENT" in str(table)
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with database.write() as session:
        newest = session.scalars(select(Content).order_by(Content.id.desc())).first()
        assert newest is not None and newest.type == "attachment"
        purged = newest.id
        session.delete(newest)
    with database.write() as session:
        space = session.scalars(select(Space)).one()
        page = _content(space, "page", "New")
        session.add(page)
        session.flush()
        assert page.id > purged


def test_0009_refuses_to_run_with_foreign_keys_on(tmp_path: Path) -> None:
    """Run by hand with foreign keys on, the rebuild would cascade: it refuses instead."""
    url = f"sqlite:///{tmp_path / 'by-hand.db'}"
    database = Database(url)
    config = alembic_config(url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match="foreign keys off"):
            command.upgrade(config, "0009")
    database.dispose()


def purge(client: TestClient, content_id: str) -> None:
    assert client.delete(f"/rest/api/content/{content_id}").status_code == 204
    assert client.delete(f"/rest/api/content/{content_id}?status=trashed").status_code == 204


def test_purged_pages_and_attachments_never_lend_their_ids(client: TestClient) -> None:
    create_space(client)
    first = create_page(client, "First")
    newest = create_page(client, "Newest")
    purge(client, newest["id"])
    after_page = create_page(client, "After")
    assert int(after_page["id"]) > int(newest["id"])
    upload = client.post(
        f"/rest/api/content/{first['id']}/child/attachment",
        files={"file": ("a.txt", b"a", "text/plain")},
        headers={"X-Atlassian-Token": "no-check"},
    )
    attachment = upload.json()["results"][0]["id"]
    purge(client, attachment)
    assert client.get(f"/download/attachments/{first['id']}/a.txt").status_code == 404
    again = create_page(client, "Again")
    assert int(again["id"]) > int(attachment)
    assert client.get(f"/rest/api/content/{newest['id']}?status=any").status_code == 404


VERSION_TABLES = {
    "space_versioning",
    "doc_versions",
    "page_versions",
    "variant_attributes",
    "attribute_values",
    "variants",
    "variant_values",
    "page_attribute_values",
    "space_languages",
    "page_translations",
}


def test_0010_adds_the_version_tables_beside_every_row_and_drops_them_again(
    database_at: DatabaseAt,
) -> None:
    database = database_at("0008")  # 0009 on SQLite runs only through Database.migrate
    fill_content(database)
    before = every_row(database)
    assert not VERSION_TABLES & set(inspect(database.engine).get_table_names())

    database.migrate()

    after = every_row(database)
    assert same_tables(after, before) == before
    assert all(after[name] == [] for name in VERSION_TABLES)
    with database.write() as session:
        space = session.scalars(select(Space)).one()
        child = session.scalars(select(Content).where(Content.title == "Child")).one()
        one = DocVersion(space_id=space.id, name="1.0")
        session.add(one)
        session.flush()
        session.add(PageVersion(content_id=child.id, version_id=one.id, title="Child", body="v1"))
        session.add(PageTranslation(content_id=child.id, language_key="de", title="Kind"))
    downgrade(database, "0009")
    assert not VERSION_TABLES & set(inspect(database.engine).get_table_names())
    assert same_tables(every_row(database), before) == before
    database.migrate()
    assert all(every_row(database)[name] == [] for name in VERSION_TABLES)
