"""Two nodes on one database: sessions, logouts and password changes hold on both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pressroom.app import create_app
from pressroom.auth.cookies import NODE_COOKIE, SESSION_COOKIE
from pressroom.config import Settings
from pressroom.db import Database
from tests.auth.conftest import ALICE, MakeClient, csrf_token_of, login

pytestmark = pytest.mark.usefixtures("private_page")
ME = "/rest/api/user/current"


@pytest.fixture
def node_b(settings: Settings, db: Database) -> TestClient:
    other = settings.model_copy(update={"node_id": "node-b"})
    return TestClient(create_app(other, db), follow_redirects=False)


def test_session_from_one_node_works_and_ends_on_the_other(
    make_client: MakeClient, node_b: TestClient
) -> None:
    browser = make_client()
    login(browser, *ALICE)
    node_b.cookies[SESSION_COOKIE] = browser.cookies[SESSION_COOKIE]
    answer = node_b.get(ME)
    assert answer.json()["username"] == "alice"
    assert f"{NODE_COOKIE}=node-b;" in answer.headers["set-cookie"]
    csrf = csrf_token_of(node_b.get("/login").text)
    assert node_b.post("/logout", data={"atl_token": csrf}).status_code == 303
    assert browser.get(ME).json()["type"] == "anonymous"


def test_password_changed_on_one_node_fails_on_the_other(
    client: TestClient, node_b: TestClient
) -> None:
    assert node_b.get(ME, auth=ALICE).json()["username"] == "alice"  # now remembered on b
    client.put("/rest/pressroom/1/admin/users/alice", json={"password": "changed-on-a-1"})
    assert node_b.get(ME, auth=ALICE).status_code == 401
    assert node_b.get(ME, auth=("alice", "changed-on-a-1")).json()["username"] == "alice"


def test_settings_changed_on_one_node_apply_on_the_other(
    client: TestClient, node_b: TestClient
) -> None:
    assert node_b.get(ME, auth=ALICE).status_code == 200
    client.put("/rest/pressroom/1/admin/settings", json={"basicAuthEnabled": False})
    assert node_b.get(ME, auth=ALICE).status_code == 403
