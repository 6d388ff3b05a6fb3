"""Attachment names that differ only in Unicode normal form are one attachment: macOS
uploads decomposed names (NFD), the Confluence editor writes composed ones (NFC)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.content.test_attachments import PNG, attachments_url, upload

COMPOSED = unicodedata.normalize("NFC", "스크린샷 Café & 図.png")
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


@pytest.fixture
def page(client: TestClient) -> dict:
    create_space(client)
    return create_page(client, "Screens")


def test_a_decomposed_name_is_stored_composed_and_found_in_either_form(
    client: TestClient, page: dict
) -> None:
    assert COMPOSED != DECOMPOSED
    response = upload(client, page["id"], (DECOMPOSED, PNG, "image/png"))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["title"] == COMPOSED
    for name in (COMPOSED, DECOMPOSED):
        download = client.get(f"/download/attachments/{page['id']}/{quote(name)}")
        assert download.status_code == 200, name
        assert download.content == PNG


def test_uploading_the_other_form_adds_a_version_of_the_same_attachment(
    client: TestClient, page: dict
) -> None:
    first = upload(client, page["id"], (COMPOSED, PNG, "image/png"), method="PUT")
    again = upload(client, page["id"], (DECOMPOSED, b"second", "image/png"), method="PUT")
    assert again.status_code == 200, again.text
    assert again.json()["results"][0]["id"] == first.json()["results"][0]["id"]
    assert again.json()["results"][0]["version"]["number"] == 2
    listed = client.get(attachments_url(page["id"])).json()["results"]
    assert [item["title"] for item in listed] == [COMPOSED]


def test_adding_the_other_form_as_a_new_attachment_is_a_duplicate(
    client: TestClient, page: dict
) -> None:
    upload(client, page["id"], (COMPOSED, PNG, "image/png"))
    response = upload(client, page["id"], (DECOMPOSED, PNG, "image/png"))
    assert response.status_code == 400
    assert "same file name" in response.json()["message"]
