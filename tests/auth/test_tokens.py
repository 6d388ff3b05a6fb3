"""Personal access tokens: create, list, use, expire, revoke; and ``pressroom token create``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pressroom.cli import cli
from pressroom.config import Settings
from tests.auth.conftest import ALICE, BOB, FakeClock, MakeClient, new_token

TOKENS = "/rest/pat/latest/tokens"
pytestmark = pytest.mark.usefixtures("private_page")


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_create_answers_confluence_shape_with_raw_token_once(
    client: TestClient, clock: FakeClock
) -> None:
    created = new_token(client, ALICE, days=90)
    assert set(created) >= {"id", "name", "createdAt", "expiringAt", "rawToken"}
    assert created["name"] == "script"
    assert created["createdAt"] == "2026-11-26T12:00:00.000Z"
    assert created["expiringAt"] == "2027-02-24T12:00:00.000Z"
    assert len(created["rawToken"]) >= 40
    listed = client.get(TOKENS, auth=ALICE)
    assert listed.status_code == 200
    assert isinstance(listed.json(), list)
    assert [t["id"] for t in listed.json()] == [created["id"]]
    assert "rawToken" not in listed.json()[0]
    assert client.get(TOKENS, auth=BOB).json() == []


def test_token_authenticates_until_it_expires(
    client: TestClient, make_client: MakeClient, clock: FakeClock
) -> None:
    raw = new_token(client, ALICE, days=1)["rawToken"]
    script = make_client()
    assert script.get("/rest/api/space/PRIV", headers=bearer(raw)).status_code == 200
    me = script.get("/rest/api/user/current", headers=bearer(raw)).json()
    assert me["username"] == "alice"
    clock.advance(hours=23, minutes=59)
    assert script.get("/rest/api/space/PRIV", headers=bearer(raw)).status_code == 200
    clock.advance(minutes=2)
    expired = script.get("/rest/api/space/PRIV", headers=bearer(raw))
    assert expired.status_code == 401
    assert "expired" in expired.json()["message"]


def test_token_without_expiry_records_last_use(
    client: TestClient, make_client: MakeClient, clock: FakeClock
) -> None:
    created = new_token(client, ALICE)
    assert created["expiringAt"] is None
    clock.advance(days=400)
    assert make_client().get(TOKENS, headers=bearer(created["rawToken"])).status_code == 200
    listed = client.get(TOKENS, auth=ALICE).json()
    assert listed[0]["lastAccessedAt"] == "2027-12-31T12:00:00.000Z"


def test_revoke(client: TestClient, make_client: MakeClient) -> None:
    created = new_token(client, ALICE)
    assert client.delete(f"{TOKENS}/{created['id']}", auth=BOB).status_code == 404
    assert client.delete(f"{TOKENS}/{created['id']}", auth=ALICE).status_code == 204
    assert client.get(TOKENS, auth=ALICE).json() == []
    assert make_client().get(TOKENS, headers=bearer(created["rawToken"])).status_code == 401
    assert client.delete(f"{TOKENS}/{created['id']}", auth=ALICE).status_code == 404


def test_disabled_user_token_stops_working(client: TestClient, make_client: MakeClient) -> None:
    raw = new_token(client, ALICE)["rawToken"]
    client.put("/rest/pressroom/1/admin/users/alice", json={"active": False})
    assert make_client().get(TOKENS, headers=bearer(raw)).status_code == 401
    client.put("/rest/pressroom/1/admin/users/alice", json={"active": True})
    assert make_client().get(TOKENS, headers=bearer(raw)).status_code == 200


def test_bad_requests(client: TestClient, make_client: MakeClient) -> None:
    assert make_client().post(TOKENS, json={"name": "x"}).status_code == 401
    assert client.post(TOKENS, json={}, auth=ALICE).status_code == 400
    too_long = client.post(TOKENS, json={"name": "x", "expirationDuration": 0}, auth=ALICE)
    assert too_long.status_code == 400
    assert "expirationDuration" in too_long.json()["message"]


def test_cli_token_create(
    client: TestClient,
    make_client: MakeClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRESSROOM_HOME", str(settings.home))
    monkeypatch.setenv("PRESSROOM_DATABASE_URL", settings.resolved_database_url)
    result = CliRunner().invoke(cli, ["token", "create", "--user", "alice", "--days", "7"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert make_client().get("/rest/api/space/PRIV", headers=bearer(raw)).status_code == 200
    listed = client.get(TOKENS, auth=ALICE).json()
    assert [t["name"] for t in listed] == ["cli"]
    unknown = CliRunner().invoke(cli, ["token", "create", "--user", "nobody"])
    assert unknown.exit_code == 1
