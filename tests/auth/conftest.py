"""Fixtures for authentication tests: users, a controllable clock, clients per caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space

ALICE = ("alice", "alice-secret-1")
BOB = ("bob", "bob-secret-22")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with parameters cheap enough for many logins per test."""
    monkeypatch.setattr(
        "pressroom.auth.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024)
    )


@dataclass
class FakeClock:
    """The time the app sees; tests move it instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app: FastAPI) -> FakeClock:
    fake = FakeClock()
    app.state.clock = fake
    return fake


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(app: FastAPI, client: TestClient) -> MakeClient:
    """More clients of the running app (``client`` already ran its start-up), each with its
    own cookie jar and, if given, its own client address."""

    def make(address: str = "testclient", base_url: str = "http://testserver") -> TestClient:
        return TestClient(app, client=(address, 50000), base_url=base_url, follow_redirects=False)

    return make


def add_user(client: TestClient, username: str, password: str, **extra: object) -> dict:
    response = client.post(
        "/rest/pressroom/1/admin/users",
        json={"username": username, "password": password, "fullName": username.title(), **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def users(client: TestClient) -> None:
    add_user(client, *ALICE)
    add_user(client, *BOB)


@pytest.fixture
def private_page(client: TestClient, users: None) -> dict:
    """Space PRIV (alice may view it) with one page; bob has no grant."""
    create_space(client, "PRIV")
    page = create_page(client, "Secret plans", space="PRIV")
    grants = {"users": {"alice": ["view"]}}
    response = client.put("/rest/pressroom/1/space/PRIV/permissions", json=grants)
    assert response.status_code == 200, response.text
    return page


def set_settings(client: TestClient, **values: bool) -> None:
    response = client.put("/rest/pressroom/1/admin/settings", json=values)
    assert response.status_code == 200, response.text


def new_token(client: TestClient, auth: tuple[str, str], days: int | None = None) -> dict:
    body: dict = {"name": "script"}
    if days is not None:
        body["expirationDuration"] = days
    response = client.post("/rest/pat/latest/tokens", json=body, auth=auth)
    assert response.status_code == 201, response.text
    return response.json()


def login(client: TestClient, username: str, password: str, destination: str = "/") -> object:
    """Log in through the form like a browser: load it, then post it with its CSRF token."""
    form = client.get("/login")
    assert form.status_code == 200
    csrf = csrf_token_of(form.text)
    return client.post(
        "/login",
        data={
            "os_username": username,
            "os_password": password,
            "atl_token": csrf,
            "os_destination": destination,
        },
    )


def csrf_token_of(html: str) -> str:
    marker = 'name="atl_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
