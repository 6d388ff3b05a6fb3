"""Failed logins are throttled per username and per client address, for every method."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import ALICE, BOB, FakeClock, MakeClient, login, new_token, set_settings

pytestmark = pytest.mark.usefixtures("private_page")
SPACE = "/rest/api/space/PRIV"


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_five_wrong_passwords_lock_the_user_from_any_address(
    make_client: MakeClient, clock: FakeClock
) -> None:
    for index in range(5):
        caller = make_client(address=f"10.0.0.{index}")
        assert caller.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    fresh = make_client(address="10.9.9.9")
    locked = fresh.get(SPACE, headers=basic(*ALICE))
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == 300
    assert "Too many failed logins" in locked.json()["message"]
    assert fresh.get(SPACE, headers=basic(*BOB)).status_code == 404  # other users unaffected
    clock.advance(seconds=120)
    assert int(fresh.get(SPACE, headers=basic(*ALICE)).headers["Retry-After"]) == 180
    clock.advance(seconds=181)
    assert fresh.get(SPACE, headers=basic(*ALICE)).status_code == 200


def test_five_failures_from_one_address_lock_that_address(
    client: TestClient, make_client: MakeClient, clock: FakeClock
) -> None:
    set_settings(client, urlParamAuthEnabled=True)
    attacker = make_client(address="192.0.2.7")
    for index in range(5):
        params = {"os_username": f"guess{index}", "os_password": "x"}
        assert attacker.get(SPACE, params=params).status_code == 401
    assert attacker.get(SPACE, headers=basic(*ALICE)).status_code == 429
    assert attacker.get(SPACE, headers={"Authorization": "Bearer whatever"}).status_code == 429
    assert make_client(address="192.0.2.8").get(SPACE, headers=basic(*ALICE)).status_code == 200
    clock.advance(minutes=5, seconds=1)
    assert attacker.get(SPACE, headers=basic(*ALICE)).status_code == 200


def test_wrong_tokens_count_per_address(client: TestClient, make_client: MakeClient) -> None:
    raw = new_token(client, ALICE)["rawToken"]
    script = make_client(address="198.51.100.1")
    for _ in range(5):
        assert script.get(SPACE, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert script.get(SPACE, headers={"Authorization": f"Bearer {raw}"}).status_code == 429


def test_login_form_is_throttled_too(make_client: MakeClient) -> None:
    browser = make_client(address="203.0.113.5")
    for _ in range(5):
        assert login(browser, ALICE[0], "wrong-password").status_code == 401
    locked = login(browser, *ALICE)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "300"
    assert "Too many failed logins" in locked.text


def test_throttle_is_shared_by_proxied_clients_only_per_forwarded_address(
    client: TestClient, make_client: MakeClient
) -> None:
    client.app.state.settings.trusted_proxies = ["10.0.0.1"]  # type: ignore[attr-defined]
    proxy = make_client(address="10.0.0.1")
    for _ in range(5):
        headers = {**basic("nobody", "x"), "X-Forwarded-For": "192.0.2.50"}
        assert proxy.get(SPACE, headers=headers).status_code == 401
    blocked = {**basic(*ALICE), "X-Forwarded-For": "192.0.2.50"}
    assert proxy.get(SPACE, headers=blocked).status_code == 429
    other = {**basic(*ALICE), "X-Forwarded-For": "192.0.2.51"}
    assert proxy.get(SPACE, headers=other).status_code == 200
