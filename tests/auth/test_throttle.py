"""Failed logins lock one (username, address) pair and slow a username down, never lock it;
valid tokens and remembered passwords are never throttled."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import ALICE, BOB, FakeClock, MakeClient, login, new_token, set_settings

pytestmark = pytest.mark.usefixtures("private_page")
SPACE = "/rest/api/space/PRIV"
AUDIT = "/rest/pressroom/1/admin/audit"


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_five_wrong_passwords_lock_that_user_at_that_address_only(
    make_client: MakeClient, clock: FakeClock
) -> None:
    attacker = make_client(address="192.0.2.7")
    for _ in range(5):
        assert attacker.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    locked = attacker.get(SPACE, headers=basic(*ALICE))
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == 300
    assert "Too many failed logins" in locked.json()["message"]
    assert attacker.get(SPACE, headers=basic(*BOB)).status_code == 404  # bob is not locked
    clock.advance(seconds=120)
    assert int(attacker.get(SPACE, headers=basic(*ALICE)).headers["Retry-After"]) == 180
    clock.advance(seconds=181)
    assert attacker.get(SPACE, headers=basic(*ALICE)).status_code == 200


def test_guessing_from_elsewhere_never_locks_the_owner_out(
    make_client: MakeClient, clock: FakeClock
) -> None:
    """The audit's finding: five wrong passwords, then one a minute, kept admin out."""
    attacker = make_client(address="192.0.2.7")
    owner = make_client(address="198.51.100.20")
    for _ in range(5):
        assert attacker.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    for _ in range(10):
        assert owner.get(SPACE, headers=basic(*ALICE)).status_code == 200
        clock.advance(minutes=1)
        attacker.get(SPACE, headers=basic(ALICE[0], "wrong"))
    assert login(make_client(address="198.51.100.21"), *ALICE).status_code == 303


def test_guessing_from_many_addresses_meets_growing_pauses(
    make_client: MakeClient, clock: FakeClock
) -> None:
    """Past five failures for a username, an address that failed for it recently waits
    1, 2, 4 … seconds after the latest failure, while a clean address is not held back."""
    guessers = [make_client(address=f"203.0.113.{index}") for index in range(6)]
    for guesser in guessers[:5]:
        assert guesser.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    waits = []
    for guesser in guessers[:4]:
        paused = guesser.get(SPACE, headers=basic(ALICE[0], "wrong"))
        assert paused.status_code == 429
        waits.append(int(paused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert guesser.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    assert waits == [1, 2, 4, 8]
    assert guessers[0].get(SPACE, headers=basic(*ALICE)).status_code == 429  # paused: 16 s
    assert guessers[5].get(SPACE, headers=basic(*ALICE)).status_code == 200  # clean address
    clock.advance(minutes=5)
    assert guessers[0].get(SPACE, headers=basic(*ALICE)).status_code == 200


def test_the_pause_never_grows_past_five_minutes(make_client: MakeClient, clock: FakeClock) -> None:
    for index in range(40):
        guesser = make_client(address=f"203.0.113.{index}")
        assert guesser.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    paused = make_client(address="203.0.113.1").get(SPACE, headers=basic(*ALICE))
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) == 300


def test_valid_tokens_are_never_throttled(client: TestClient, make_client: MakeClient) -> None:
    set_settings(client, urlParamAuthEnabled=True)
    raw = new_token(client, ALICE)["rawToken"]
    script = make_client(address="198.51.100.1")
    for index in range(5):
        params = {"os_username": f"guess{index}", "os_password": "x"}
        assert script.get(SPACE, params=params).status_code == 401
        assert script.get(SPACE, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert script.get(SPACE, headers={"Authorization": "Bearer nope"}).status_code == 429
    for _ in range(3):
        assert script.get(SPACE, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_login_form_is_throttled_too(make_client: MakeClient) -> None:
    browser = make_client(address="203.0.113.5")
    for _ in range(5):
        assert login(browser, ALICE[0], "wrong-password").status_code == 401
    locked = login(browser, *ALICE)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "300"
    assert "Too many failed logins" in locked.text
    assert login(make_client(address="203.0.113.6"), *ALICE).status_code == 303


def test_throttle_is_shared_by_proxied_clients_only_per_forwarded_address(
    client: TestClient, make_client: MakeClient
) -> None:
    client.app.state.settings.trusted_proxies = ["10.0.0.1"]  # type: ignore[attr-defined]
    proxy = make_client(address="10.0.0.1")
    for _ in range(5):
        headers = {**basic(BOB[0], "x"), "X-Forwarded-For": "192.0.2.50"}
        assert proxy.get(SPACE, headers=headers).status_code == 401
    blocked = {**basic(*BOB), "X-Forwarded-For": "192.0.2.50"}
    assert proxy.get(SPACE, headers=blocked).status_code == 429
    other = {**basic(*BOB), "X-Forwarded-For": "192.0.2.51"}
    assert proxy.get(SPACE, headers=other).status_code == 404


def test_a_locked_pair_refuses_a_remembered_password_too(make_client: MakeClient) -> None:
    """A locked pair answers 429 whether the password is right or not, even one the
    credential cache remembers: otherwise the lock would tell a right guess apart."""
    caller = make_client(address="192.0.2.7")
    assert caller.get(SPACE, headers=basic(*ALICE)).status_code == 200  # now remembered
    for _ in range(5):
        assert caller.get(SPACE, headers=basic(ALICE[0], "wrong")).status_code == 401
    assert caller.get(SPACE, headers=basic(*ALICE)).status_code == 429
    assert make_client(address="192.0.2.8").get(SPACE, headers=basic(*ALICE)).status_code == 200


def test_logins_answered_from_the_credential_cache_are_audited(
    client: TestClient, make_client: MakeClient, clock: FakeClock
) -> None:
    """Once per user, address and method every ten minutes: a poller is audited without
    an audit row per request, and a new address always shows."""

    def audited() -> set[tuple[str, str]]:
        events = client.get(AUDIT, params={"limit": 200}).json()
        logins = [e for e in events if e["event"] == "login.success" and e["actor"] == "alice"]
        assert len(logins) == len({(e["method"], e["address"], e["at"]) for e in logins})
        return {(e["method"], e["address"]) for e in logins}

    def count() -> int:
        events = client.get(AUDIT, params={"limit": 200}).json()
        return sum(e["event"] == "login.success" and e["actor"] == "alice" for e in events)

    caller = make_client(address="198.51.100.9")
    for _ in range(3):
        assert caller.get(SPACE, headers=basic(*ALICE)).status_code == 200
    assert count() == 1
    elsewhere = make_client(address="198.51.100.10")
    assert elsewhere.get(SPACE, headers=basic(*ALICE)).status_code == 200  # remembered
    assert audited() == {("basic", "198.51.100.9"), ("basic", "198.51.100.10")}
    clock.advance(minutes=11)
    assert caller.get(SPACE, headers=basic(*ALICE)).status_code == 200
    assert count() == 3
