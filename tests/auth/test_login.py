"""The login form, logout, CSRF, redirects, cookie attributes and the anonymous session."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from pressroom.auth.cookies import NODE_COOKIE, SESSION_COOKIE, ensure_anonymous_session
from tests.auth.conftest import ALICE, FakeClock, MakeClient, csrf_token_of, login

pytestmark = pytest.mark.usefixtures("private_page")
SPACE = "/rest/api/space/PRIV"


def test_form_has_confluence_field_names(make_client: MakeClient) -> None:
    page = make_client().get("/login?os_destination=/display/PRIV")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for name in ("os_username", "os_password", "atl_token", "os_destination"):
        assert f'name="{name}"' in page.text
    assert 'value="/display/PRIV"' in page.text


def test_login_sets_a_safe_cookie_and_redirects(make_client: MakeClient) -> None:
    browser = make_client()
    response = login(browser, *ALICE, destination="/rest/api/space/PRIV")
    assert response.status_code == 303
    assert response.headers["location"] == "/rest/api/space/PRIV"
    cookie = _set_cookie(response, SESSION_COOKIE)
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()
    assert browser.get(SPACE).status_code == 200


def test_cookie_is_secure_over_https(make_client: MakeClient) -> None:
    browser = make_client(base_url="https://testserver")
    response = login(browser, *ALICE)
    assert "secure" in _set_cookie(response, SESSION_COOKIE).lower()


def test_cookie_is_secure_behind_a_trusted_tls_proxy(app: FastAPI, make_client: MakeClient) -> None:
    app.state.settings.trusted_proxies = ["10.0.0.1"]
    browser = make_client(address="10.0.0.1")
    browser.headers["X-Forwarded-Proto"] = "https"
    assert "secure" in _set_cookie(login(browser, *ALICE), SESSION_COOKIE).lower()


@pytest.mark.parametrize(
    "destination",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_unsafe_destinations_go_home(make_client: MakeClient, destination: str) -> None:
    response = login(make_client(), *ALICE, destination=destination)
    assert response.headers["location"] == "/"


def test_wrong_password_shows_the_form_again_without_echoing_it(make_client: MakeClient) -> None:
    browser = make_client()
    response = login(browser, ALICE[0], "not-the-password-123")
    assert response.status_code == 401
    assert "username or password is wrong" in response.text
    assert "not-the-password-123" not in response.text
    assert 'value="alice"' in response.text
    assert browser.get(SPACE).status_code == 401


def test_login_without_csrf_token_is_refused(make_client: MakeClient) -> None:
    browser = make_client()
    browser.get("/login")
    fields = {"os_username": ALICE[0], "os_password": ALICE[1]}
    for token in ("", "forged"):
        response = browser.post("/login", data={**fields, "atl_token": token})
        assert response.status_code == 403
        assert browser.get(SPACE).status_code == 401
    cookieless = make_client().post("/login", data={**fields, "atl_token": "x"})
    assert cookieless.status_code == 403


def test_login_rotates_the_session(make_client: MakeClient) -> None:
    browser = make_client()
    browser.get("/login")
    planted = browser.cookies[SESSION_COOKIE]
    login(browser, *ALICE)
    assert browser.cookies[SESSION_COOKIE] != planted
    attacker = make_client()
    attacker.cookies[SESSION_COOKIE] = planted
    assert attacker.get(SPACE).status_code == 401


def test_logout_revokes_the_session_on_the_server(make_client: MakeClient) -> None:
    browser = make_client()
    login(browser, *ALICE)
    stolen = browser.cookies[SESSION_COOKIE]
    page = browser.get("/login")
    assert "logged in as <strong>alice</strong>" in page.text
    assert browser.post("/logout", data={"atl_token": "forged"}).status_code == 403
    assert browser.get(SPACE).status_code == 200
    response = browser.post("/logout", data={"atl_token": csrf_token_of(page.text)})
    assert response.status_code == 303
    assert browser.get(SPACE).status_code == 401
    replay = make_client()
    replay.cookies[SESSION_COOKIE] = stolen
    assert replay.get(SPACE).status_code == 401


def test_session_expires_when_idle(make_client: MakeClient, clock: FakeClock) -> None:
    browser = make_client()
    login(browser, *ALICE)
    clock.advance(hours=11)
    assert browser.get(SPACE).status_code == 200
    clock.advance(hours=11)
    assert browser.get(SPACE).status_code == 200
    clock.advance(hours=13)
    assert browser.get(SPACE).status_code == 401


def test_disabling_a_user_ends_their_sessions(client: TestClient, make_client: MakeClient) -> None:
    browser = make_client()
    login(browser, *ALICE)
    client.put("/rest/pressroom/1/admin/users/alice", json={"active": False})
    client.put("/rest/pressroom/1/admin/users/alice", json={"active": True})
    assert browser.get(SPACE).status_code == 401


def test_cross_site_writes_with_the_cookie_are_refused(make_client: MakeClient) -> None:
    browser = make_client()
    login(browser, *ALICE)
    body = {"key": "NEW", "name": "New"}
    evil = browser.post("/rest/api/space", json=body, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    same = browser.post("/rest/api/space", json=body, headers={"Origin": "http://testserver"})
    assert same.status_code == 200, same.text


def test_cookie_writes_from_an_opaque_origin_are_refused(
    client: TestClient, make_client: MakeClient
) -> None:
    """Sandboxed frames and data: URLs send ``Origin: null``: not our pages."""
    browser = make_client()
    login(browser, *ALICE)
    body = {"key": "NULL", "name": "From nowhere"}
    opaque = browser.post("/rest/api/space", json=body, headers={"Origin": "null"})
    assert opaque.status_code == 403
    assert "Cross-site" in opaque.json()["message"]
    assert client.get("/rest/api/space/NULL").status_code == 404


def test_every_response_has_the_node_cookie(make_client: MakeClient) -> None:
    caller = make_client()
    for response in (caller.get("/status"), caller.get(SPACE), caller.get("/login")):
        cookies = response.headers.get_list("set-cookie")
        assert any(c.startswith(f"{NODE_COOKIE}=test-node;") for c in cookies)


def test_ensure_anonymous_session_reuses_the_cookie(app: FastAPI, make_client: MakeClient) -> None:
    @app.post("/test-anonymous-session")
    def probe(request: Request, response: Response) -> dict[str, str]:
        return {"key": ensure_anonymous_session(request, response)}

    browser = make_client()
    first = browser.post("/test-anonymous-session")
    assert SESSION_COOKIE in first.cookies
    second = browser.post("/test-anonymous-session")
    assert second.json()["key"] == first.json()["key"]
    assert SESSION_COOKIE not in second.cookies
    assert make_client().post("/test-anonymous-session").json()["key"] != first.json()["key"]
    identity = browser.get("/rest/api/user/current")
    assert identity.status_code == 200
    assert identity.json()["type"] == "anonymous"


def _set_cookie(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(f"{name}="))


def test_login_without_destination_lands_on_the_dashboard(make_client: MakeClient) -> None:
    browser = make_client()
    response = login(browser, *ALICE, destination="")
    assert response.headers["location"] == "/"
    assert "Logged in as <strong>alice</strong>" in browser.get("/").text
    assert "logged in as <strong>alice</strong>" in browser.get("/login").text
