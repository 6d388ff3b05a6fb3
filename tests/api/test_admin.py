"""/rest/pressroom/1/admin: settings, users, groups, membership, audit; admins only."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.auth.conftest import add_user, cheap_password_hashing, login  # noqa: F401
from tests.conftest import ADMIN

ADMIN_API = "/rest/pressroom/1/admin"
ALICE = ("alice", "alice-secret-1")


@pytest.fixture
def caller(app: FastAPI, client: TestClient) -> TestClient:
    """A second client without credentials of its own (``client`` ran the start-up)."""
    return TestClient(app, follow_redirects=False)


ENDPOINTS = [
    ("GET", "/settings", None),
    ("PUT", "/settings", {"basicAuthEnabled": False}),
    ("GET", "/users", None),
    ("POST", "/users", {"username": "eve", "password": "eve-secret-1"}),
    ("GET", "/users/admin", None),
    ("PUT", "/users/admin", {"fullName": "Eve"}),
    ("DELETE", "/users/admin", None),
    ("GET", "/groups", None),
    ("POST", "/groups", {"name": "g"}),
    ("GET", "/audit", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_only_admins_may_use_admin_rest(
    client: TestClient, caller: TestClient, method: str, path: str, body: dict | None
) -> None:
    add_user(client, *ALICE)
    anonymous = caller.request(method, ADMIN_API + path, json=body)
    assert anonymous.status_code == 401
    user = caller.request(method, ADMIN_API + path, json=body, auth=ALICE)
    assert user.status_code == 403
    assert "administrators" in user.json()["message"]
    permissions = "/rest/pressroom/1/space/X/permissions"
    assert caller.get(permissions).status_code == 401
    assert caller.get(permissions, auth=ALICE).status_code == 404  # no space X alice may see


def test_settings_defaults_changes_and_validation(client: TestClient) -> None:
    assert client.get(f"{ADMIN_API}/settings").json() == {
        "basicAuthEnabled": True,
        "urlParamAuthEnabled": False,
    }
    changed = client.put(f"{ADMIN_API}/settings", json={"urlParamAuthEnabled": True})
    assert changed.json() == {"basicAuthEnabled": True, "urlParamAuthEnabled": True}
    assert client.put(f"{ADMIN_API}/settings", json={"basicAuthEnabled": "no"}).status_code == 400
    assert client.put(f"{ADMIN_API}/settings", json={"colour": "red"}).status_code == 400
    events = client.get(f"{ADMIN_API}/audit").json()
    change = next(e for e in events if e["event"] == "settings.change")
    assert change["actor"] == "admin"
    assert "urlParamAuthEnabled" in change["detail"]


def test_user_lifecycle(client: TestClient, caller: TestClient) -> None:
    created = add_user(client, *ALICE, email="alice@example.com")
    assert created["username"] == "alice"
    assert created["email"] == "alice@example.com"
    assert created["active"] is True and created["admin"] is False
    assert "password" not in created and "passwordHash" not in created
    duplicate = client.post(f"{ADMIN_API}/users", json={"username": "alice", "password": "x" * 9})
    assert duplicate.status_code == 409
    short = client.post(f"{ADMIN_API}/users", json={"username": "bo", "password": "short"})
    assert short.status_code == 400
    bad_name = client.post(f"{ADMIN_API}/users", json={"username": "a b", "password": "x" * 9})
    assert bad_name.status_code == 400
    listed = [u["username"] for u in client.get(f"{ADMIN_API}/users").json()]
    assert listed == ["admin", "alice"]
    assert caller.get("/rest/api/user/current", auth=ALICE).json()["username"] == "alice"

    updated = client.put(f"{ADMIN_API}/users/alice", json={"fullName": "Alice Liddell"})
    assert updated.json()["fullName"] == "Alice Liddell"
    assert client.delete(f"{ADMIN_API}/users/alice").status_code == 204
    assert client.get(f"{ADMIN_API}/users/alice").status_code == 404
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 401


def test_password_change_ends_sessions_and_old_password(
    client: TestClient, app: FastAPI, caller: TestClient
) -> None:
    add_user(client, *ALICE)
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 200
    browser = TestClient(app, follow_redirects=False)
    assert login(browser, *ALICE).status_code == 303
    change = client.put(f"{ADMIN_API}/users/alice", json={"password": "a-new-secret-2"})
    assert change.status_code == 200
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 401
    assert browser.get("/rest/api/user/current").json()["type"] == "anonymous"
    fresh = caller.get("/rest/api/user/current", auth=("alice", "a-new-secret-2"))
    assert fresh.json()["username"] == "alice"


def test_disable_and_enable(client: TestClient, caller: TestClient) -> None:
    add_user(client, *ALICE)
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 200
    disabled = client.put(f"{ADMIN_API}/users/alice", json={"active": False})
    assert disabled.json()["active"] is False
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 401
    client.put(f"{ADMIN_API}/users/alice", json={"active": True})
    assert caller.get("/rest/api/user/current", auth=ALICE).status_code == 200


def test_the_last_admin_stays(client: TestClient, caller: TestClient) -> None:
    for change in ({"active": False}, {"admin": False}):
        refused = client.put(f"{ADMIN_API}/users/admin", json=change)
        assert refused.status_code == 409
        assert "last active administrator" in refused.json()["message"]
    assert client.delete(f"{ADMIN_API}/users/admin").status_code == 409
    add_user(client, *ALICE, admin=True)
    assert caller.get(f"{ADMIN_API}/users", auth=ALICE).status_code == 200
    assert client.put(f"{ADMIN_API}/users/admin", json={"admin": False}).status_code == 200
    assert caller.get(f"{ADMIN_API}/users", auth=ADMIN).status_code == 403


def test_groups_and_members(client: TestClient) -> None:
    add_user(client, *ALICE)
    created = client.post(f"{ADMIN_API}/groups", json={"name": "writers", "description": "Docs"})
    assert created.status_code == 201
    assert created.json() == {"name": "writers", "description": "Docs", "members": []}
    assert client.post(f"{ADMIN_API}/groups", json={"name": "writers"}).status_code == 409
    members = f"{ADMIN_API}/groups/writers/members"
    assert client.post(members, json={"username": "alice"}).json()["members"] == ["alice"]
    assert client.post(members, json={"username": "alice"}).status_code == 201
    assert client.post(members, json={"username": "nobody"}).status_code == 404
    assert [u["username"] for u in client.get(members).json()] == ["alice"]
    assert client.get(f"{ADMIN_API}/groups").json()[0]["members"] == ["alice"]
    changed = client.put(f"{ADMIN_API}/groups/writers", json={"description": "Writers"})
    assert changed.json()["description"] == "Writers"
    assert client.delete(f"{members}/alice").status_code == 204
    assert client.delete(f"{members}/alice").status_code == 404
    assert client.delete(f"{ADMIN_API}/groups/writers").status_code == 204
    assert client.get(f"{ADMIN_API}/groups/writers").status_code == 404


def test_deleting_a_group_removes_its_grants(client: TestClient) -> None:
    client.post("/rest/api/space", json={"key": "DOC", "name": "Docs"})
    client.post(f"{ADMIN_API}/groups", json={"name": "writers"})
    grants = {"groups": {"writers": ["view"]}}
    client.put("/rest/pressroom/1/space/DOC/permissions", json=grants)
    client.delete(f"{ADMIN_API}/groups/writers")
    client.post(f"{ADMIN_API}/groups", json={"name": "writers"})
    assert client.get("/rest/pressroom/1/space/DOC/permissions").json()["groups"] == {}


def test_a_user_with_content_is_disabled_not_deleted(
    client: TestClient, caller: TestClient
) -> None:
    add_user(client, *ALICE)
    caller.auth = ALICE
    assert caller.post("/rest/api/space", json={"key": "ALI", "name": "Alice"}).status_code == 200
    refused = client.delete(f"{ADMIN_API}/users/alice")
    assert refused.status_code == 409
    assert "disable" in refused.json()["message"]
    assert client.get(f"{ADMIN_API}/users/alice").status_code == 200
