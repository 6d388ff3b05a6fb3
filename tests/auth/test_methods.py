"""Every authentication method, switched on and off, with right and wrong credentials,
against the content REST API."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import ALICE, MakeClient, login, new_token, set_settings

pytestmark = pytest.mark.usefixtures("private_page")

SPACE = "/rest/api/space/PRIV"


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@pytest.mark.parametrize(
    ("enabled", "password", "status"),
    [
        (True, ALICE[1], 200),
        (True, "wrong-password", 401),
        (False, ALICE[1], 403),
        (False, "wrong-password", 403),
    ],
)
def test_http_basic(
    client: TestClient, make_client: MakeClient, enabled: bool, password: str, status: int
) -> None:
    set_settings(client, basicAuthEnabled=enabled)
    response = make_client().get(SPACE, headers=basic(ALICE[0], password))
    assert response.status_code == status, response.text
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    if not enabled:
        assert "Basic authentication is disabled" in response.json()["message"]


@pytest.mark.parametrize(
    ("enabled", "password", "status"),
    [
        (True, ALICE[1], 200),
        (True, "wrong-password", 401),
        (False, ALICE[1], 403),
        (False, "wrong-password", 403),
    ],
)
def test_url_parameters(
    client: TestClient, make_client: MakeClient, enabled: bool, password: str, status: int
) -> None:
    set_settings(client, urlParamAuthEnabled=enabled)
    params = {"os_username": ALICE[0], "os_password": password}
    response = make_client().get(SPACE, params=params)
    assert response.status_code == status, response.text
    if not enabled:
        assert "URL parameters" in response.json()["message"]


def test_url_parameters_are_off_by_default(make_client: MakeClient) -> None:
    params = {"os_username": ALICE[0], "os_password": ALICE[1]}
    assert make_client().get(SPACE, params=params).status_code == 403


@pytest.mark.parametrize("basic_enabled", [True, False])
def test_personal_access_token(
    client: TestClient, make_client: MakeClient, basic_enabled: bool
) -> None:
    raw = new_token(client, ALICE)["rawToken"]
    set_settings(client, basicAuthEnabled=basic_enabled)
    caller = make_client()
    assert caller.get(SPACE, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    wrong = caller.get(SPACE, headers={"Authorization": f"Bearer {raw[:-2]}xx"})
    assert wrong.status_code == 401
    assert "personal access token" in wrong.json()["message"]


@pytest.mark.parametrize("basic_enabled", [True, False])
def test_session_cookie(client: TestClient, make_client: MakeClient, basic_enabled: bool) -> None:
    set_settings(client, basicAuthEnabled=basic_enabled)
    browser = make_client()
    assert login(browser, *ALICE).status_code == 303
    assert browser.get(SPACE).status_code == 200
    wrong = make_client()
    assert login(wrong, ALICE[0], "wrong-password").status_code == 401
    assert wrong.get(SPACE).status_code == 401


def test_no_credentials_is_anonymous(make_client: MakeClient) -> None:
    response = make_client().get(SPACE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_no_basic_challenge_when_basic_is_disabled(
    client: TestClient, make_client: MakeClient
) -> None:
    set_settings(client, basicAuthEnabled=False)
    response = make_client().get(SPACE)
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response.headers


def test_malformed_basic_header_is_401(make_client: MakeClient) -> None:
    response = make_client().get(SPACE, headers={"Authorization": "Basic !!!"})
    assert response.status_code == 401
    assert "base64" in response.json()["message"]


def test_nul_in_basic_credentials_is_401(make_client: MakeClient) -> None:
    response = make_client().get(SPACE, headers=basic("ali\x00ce", ALICE[1]))
    assert response.status_code == 401
    assert "NUL" in response.json()["message"]


def test_header_wins_over_cookie(client: TestClient, make_client: MakeClient) -> None:
    browser = make_client()
    login(browser, *ALICE)
    response = browser.get(SPACE, headers=basic("bob", "bob-secret-22"))
    assert response.status_code == 404
