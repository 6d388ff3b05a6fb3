"""Every HTML answer refuses framing; answers with credentials are never cached."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from tests.conftest import create_space

PRIVATE = "private, no-store"


def _refuses_framing(response) -> bool:  # type: ignore[no-untyped-def]
    return response.headers.get(
        "x-frame-options"
    ) == "DENY" and "frame-ancestors 'none'" in response.headers.get("content-security-policy", "")


def test_the_login_page_and_its_error_pages_refuse_framing(anonymous: TestClient) -> None:
    page = anonymous.get("/login")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert _refuses_framing(page)
    expired = anonymous.post("/login", data={"os_username": "a", "os_password": "b"})
    assert expired.status_code == 403 and expired.headers["content-type"].startswith("text/html")
    assert _refuses_framing(expired)
    assert _refuses_framing(anonymous.get("/docs"))


def test_any_new_html_page_refuses_framing_without_asking(app: FastAPI) -> None:
    def page() -> HTMLResponse:
        return HTMLResponse("<p>a page made later</p>")

    app.add_api_route("/a-later-page", page, response_class=HTMLResponse)
    with TestClient(app) as browser:
        assert _refuses_framing(browser.get("/a-later-page"))
        assert "x-frame-options" not in browser.get("/status").headers


def test_json_answers_with_credentials_are_not_cached(
    client: TestClient, anonymous: TestClient
) -> None:
    create_space(client, "PUB", anonymousAccess=True)
    assert client.get("/rest/api/space/PUB").headers["cache-control"] == PRIVATE
    wrong = anonymous.get("/rest/api/space/PUB", auth=("admin", "wrong"))
    assert wrong.status_code == 401 and wrong.headers["cache-control"] == PRIVATE
    assert "cache-control" not in anonymous.get("/rest/api/space/PUB").headers
