"""Space permissions: admin, user (direct grant, via a group, none) and anonymous against the
content REST API; an invisible page looks exactly like a missing one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pressroom.auth.identity import Identity, can_export_space, can_view_space
from pressroom.auth.models import User
from pressroom.content.models import Space
from pressroom.db import Database
from tests.auth.conftest import ALICE, BOB, MakeClient
from tests.conftest import create_page, create_space

PERMISSIONS = "/rest/pressroom/1/space/{}/permissions"


def grant(client: TestClient, key: str, grants: dict) -> None:
    response = client.put(PERMISSIONS.format(key), json=grants)
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("users")
def test_roles_against_content_rest(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "PRIV")
    page = create_page(client, "Plans", space="PRIV")
    grant(client, "PRIV", {"users": {"alice": ["view"]}})
    url = f"/rest/api/content/{page['id']}"
    anonymous = make_client()

    assert client.get(url).status_code == 200
    assert anonymous.get(url, auth=ALICE).status_code == 200
    hidden = anonymous.get(url, auth=BOB)
    missing = anonymous.get("/rest/api/content/999999", auth=BOB)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(page["id"], "X") == missing.json()["message"].replace(
        "999999", "X"
    )
    assert anonymous.get(url).status_code == 401
    assert [s["key"] for s in anonymous.get("/rest/api/space", auth=BOB).json()["results"]] == []


@pytest.mark.usefixtures("users")
def test_group_grant_gives_view(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "TEAM")
    page = create_page(client, "Roadmap", space="TEAM")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "writers"})
    client.post("/rest/pressroom/1/admin/groups/writers/members", json={"username": "bob"})
    url = f"/rest/api/content/{page['id']}"
    assert make_client().get(url, auth=BOB).status_code == 404
    grant(client, "TEAM", {"groups": {"writers": ["view"]}})
    assert make_client().get(url, auth=BOB).status_code == 200
    client.delete("/rest/pressroom/1/admin/groups/writers/members/bob")
    assert make_client().get(url, auth=BOB).status_code == 404


@pytest.mark.usefixtures("users")
def test_anonymous_grant_is_seen_by_everyone(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "PUB")
    page = create_page(client, "Hello", space="PUB")
    url = f"/rest/api/content/{page['id']}"
    assert make_client().get(url).status_code == 401
    grant(client, "PUB", {"anonymous": ["view"]})
    assert make_client().get(url).status_code == 200
    assert make_client().get(url, auth=BOB).status_code == 200


@pytest.mark.usefixtures("users")
def test_space_creator_keeps_view_and_export(client: TestClient, make_client: MakeClient) -> None:
    alice = make_client()
    alice.auth = ALICE
    response = alice.post("/rest/api/space", json={"key": "ALI", "name": "Alice's"})
    assert response.status_code == 200, response.text
    create_page(alice, "Notes", space="ALI")
    assert alice.get("/rest/api/space/ALI").status_code == 200
    assert make_client().get("/rest/api/space/ALI", auth=BOB).status_code == 404
    grants = client.get(PERMISSIONS.format("ALI")).json()
    assert grants == {"anonymous": [], "users": {"alice": ["view", "export"]}, "groups": {}}


@pytest.mark.usefixtures("users")
def test_can_export_needs_view_and_export(client: TestClient, db: Database) -> None:
    create_space(client, "EXP")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "exporters"})
    client.post("/rest/pressroom/1/admin/groups/exporters/members", json={"username": "bob"})
    grant(
        client,
        "EXP",
        {
            "anonymous": ["view"],
            "users": {"alice": ["view", "export"]},
            "groups": {"exporters": ["export"]},
        },
    )
    with db.read() as session:
        space_id = session.scalars(select(Space.id).where(Space.key == "EXP")).one()
        alice, bob, admin = (
            Identity.of(session.scalars(select(User).where(User.username == name)).one())
            for name in ("alice", "bob", "admin")
        )
        assert can_export_space(session, alice, space_id)
        assert can_export_space(session, bob, space_id)  # view via anonymous, export via group
        assert can_export_space(session, admin, space_id)
        assert not can_export_space(session, Identity(), space_id)
        assert can_view_space(session, Identity(), space_id)
        assert not can_export_space(session, Identity(session_key="k"), space_id)


@pytest.mark.usefixtures("users")
def test_permissions_document_round_trips_and_validates(client: TestClient) -> None:
    create_space(client, "DOC")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "writers"})
    wanted = {
        "anonymous": ["view", "export"],
        "users": {"alice": ["view"]},
        "groups": {"writers": ["view", "export"]},
    }
    assert client.put(PERMISSIONS.format("DOC"), json=wanted).json() == wanted
    assert client.get(PERMISSIONS.format("DOC")).json() == wanted
    unknown_user = client.put(PERMISSIONS.format("DOC"), json={"users": {"nobody": ["view"]}})
    assert unknown_user.status_code == 400
    assert "nobody" in unknown_user.json()["message"]
    bad_permission = client.put(PERMISSIONS.format("DOC"), json={"anonymous": ["edit"]})
    assert bad_permission.status_code == 400
    assert client.get(PERMISSIONS.format("DOC")).json() == wanted
    assert client.get(PERMISSIONS.format("NOPE")).status_code == 404


@pytest.mark.usefixtures("users")
def test_search_and_attachments_honour_grants(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "PRIV")
    page = create_page(client, "Quarterly numbers", space="PRIV")
    upload = client.post(
        f"/rest/api/content/{page['id']}/child/attachment",
        files={"file": ("plan.txt", b"secret plan", "text/plain")},
        headers={"X-Atlassian-Token": "no-check"},
    )
    assert upload.status_code == 200, upload.text
    grant(client, "PRIV", {"users": {"alice": ["view"]}})
    search = "/rest/api/content/search?cql=title%20~%20%22Quarterly%22"
    download = "/download/attachments/{}/plan.txt".format(page["id"])
    alice, bob = make_client(), make_client()
    assert [r["id"] for r in alice.get(search, auth=ALICE).json()["results"]] == [page["id"]]
    assert bob.get(search, auth=BOB).json()["results"] == []
    assert alice.get(download, auth=ALICE).content == b"secret plan"
    assert bob.get(download, auth=BOB).status_code == 404
