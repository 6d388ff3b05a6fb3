"""Text no database can store (NUL, lone surrogates) is a 400 on every route, on either database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space

EXPORTS = "/plugins/servlet/scroll-office/api/public/1/exports"


def _post_json(client: TestClient, path: str, document: object):  # type: ignore[no-untyped-def]
    """``json.dumps`` writes NUL and surrogates as ``\\u`` escapes, as a client would."""
    body = json.dumps(document).encode()
    return client.post(path, content=body, headers={"Content-Type": "application/json"})


def _page(title: str, value: str = "<p>x</p>") -> dict[str, object]:
    storage = {"value": value, "representation": "storage"}
    return {"type": "page", "space": {"key": "DOC"}, "title": title, "body": {"storage": storage}}


@pytest.mark.parametrize(
    ("title", "value"),
    [
        ("Bad\x00title", "<p>x</p>"),
        ("Lone \ud800 surrogate", "<p>x</p>"),
        ("Fine", "<p>\x00</p>"),
    ],
)
def test_unstorable_text_in_json_is_400_and_nothing_is_written(
    client: TestClient, title: str, value: str
) -> None:
    create_space(client)
    response = _post_json(client, "/rest/api/content", _page(title, value))
    assert response.status_code == 400, response.text
    assert "NUL character or invalid Unicode" in response.json()["message"]
    assert client.get("/rest/api/content", params={"spaceKey": "DOC"}).json()["size"] == 0


def test_the_message_names_the_field(client: TestClient) -> None:
    response = _post_json(client, "/rest/api/content", _page("Fine", "<p>\x00</p>"))
    assert response.json()["message"].startswith("'body.storage.value' contains")


def test_surrogate_pairs_and_escaped_backslashes_are_ordinary_text(client: TestClient) -> None:
    create_space(client)
    # A pair is one character (U+1F600); "\\u0000" is a backslash followed by "u0000".
    response = _post_json(
        client, "/rest/api/content", _page("Smile \U0001f600", "<p>C: \\u0000</p>")
    )
    assert response.status_code == 200, response.text
    page = client.get(f"/rest/api/content/{response.json()['id']}?expand=body.storage").json()
    assert page["title"] == "Smile \U0001f600"
    assert page["body"]["storage"]["value"] == "<p>C: \\u0000</p>"


def test_nul_in_the_address_or_query_is_400(client: TestClient) -> None:
    create_space(client)
    create_page(client, "Page")
    for url in ("/rest/api/space/DO%00C", "/rest/api/content?title=Pa%00ge&spaceKey=DOC"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["statusCode"] == 400


def test_nul_in_an_export_request_is_400(client: TestClient) -> None:
    """The case schemathesis found: a NUL in templateId reached PostgreSQL as a 500."""
    create_space(client)
    page = create_page(client, "Page")
    body = {"pageId": page["id"], "templateId": "t\x00"}
    assert _post_json(client, EXPORTS, body).status_code == 400
    sync = client.get(
        f"{EXPORTS.removesuffix('/exports')}/export-sync?pageId={page['id']}&templateId=t%00"
    )
    assert sync.status_code == 400


def test_nul_in_a_form_field_is_400(client: TestClient) -> None:
    response = client.post(
        "/login", data={"os_username": "ad\x00min", "os_password": "x", "atl_token": "x"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "media_type",
    [
        "application/vnd.api+json",
        "application/merge-patch+json; charset=utf-8",
        "Application/JSON; charset=UTF-8",
        "application/json;charset=utf-8",
    ],
)
def test_every_json_media_type_is_guarded(client: TestClient, media_type: str) -> None:
    """FastAPI parses ``application/*+json`` bodies as JSON, so the guard reads them too."""
    create_space(client)
    body = json.dumps(_page("Bad\x00title")).encode()
    response = client.post("/rest/api/content", content=body, headers={"Content-Type": media_type})
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith("'title' contains a NUL character")
    assert client.get("/rest/api/content", params={"spaceKey": "DOC"}).json()["size"] == 0
