"""Restoring from the trash, as Confluence does it: ``PUT /rest/api/content/{id}`` on
trashed content with the next version number and ``status: current``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space

XSRF = {"X-Atlassian-Token": "no-check"}


def trash(client: TestClient, content_id: str) -> None:
    assert client.delete(f"/rest/api/content/{content_id}").status_code == 204


def restore(client: TestClient, content: dict, version: int = 2) -> object:
    body = {
        "version": {"number": version},
        "status": "current",
        "type": content["type"],
        "title": content["title"],
    }
    return client.put(f"/rest/api/content/{content['id']}", json=body)


def parent_of(client: TestClient, content_id: str) -> str | None:
    data = client.get(f"/rest/api/content/{content_id}?expand=ancestors").json()
    return data["ancestors"][-1]["id"] if data["ancestors"] else None


def test_a_trashed_page_comes_back_with_a_new_version(client: TestClient) -> None:
    create_space(client)
    guide = create_page(client, "Guide")
    chapter = create_page(client, "Chapter", "<p>kept</p>", parent=guide["id"])
    trash(client, chapter["id"])
    assert restore(client, chapter, version=3).status_code == 409
    restored = restore(client, chapter)
    assert restored.status_code == 200, restored.text
    data = client.get(f"/rest/api/content/{chapter['id']}?expand=version,body.storage").json()
    assert (data["status"], data["version"]["number"]) == ("current", 2)
    assert data["body"]["storage"]["value"] == "<p>kept</p>"
    assert parent_of(client, chapter["id"]) == guide["id"]
    history = client.get(f"/rest/api/content/{chapter['id']}/history").json()
    assert history["lastUpdated"]["number"] == 2


def test_a_page_whose_parent_is_in_the_trash_comes_back_at_the_top(client: TestClient) -> None:
    create_space(client)
    guide = create_page(client, "Guide")
    chapter = create_page(client, "Chapter", parent=guide["id"])
    trash(client, chapter["id"])
    trash(client, guide["id"])
    assert restore(client, chapter).status_code == 200
    assert parent_of(client, chapter["id"]) is None


def test_a_title_taken_meanwhile_is_a_conflict(client: TestClient) -> None:
    create_space(client)
    old = create_page(client, "Setup")
    trash(client, old["id"])
    create_page(client, "Setup")
    taken = restore(client, old)
    assert taken.status_code == 409
    assert "already exists" in taken.json()["message"]
    assert client.get(f"/rest/api/content/{old['id']}?status=trashed").status_code == 200


def test_an_attachment_comes_back_once_its_page_is_back(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "Guide")
    upload = client.post(
        f"/rest/api/content/{page['id']}/child/attachment",
        files={"file": ("plan.txt", b"plan", "text/plain")},
        headers=XSRF,
    )
    attachment = upload.json()["results"][0]
    trash(client, attachment["id"])
    trash(client, page["id"])
    first_the_page = restore(client, attachment)
    assert first_the_page.status_code == 409
    assert "Restore the page 'Guide' first" in first_the_page.json()["message"]
    assert restore(client, page).status_code == 200
    assert restore(client, attachment).status_code == 200
    assert client.get(f"/download/attachments/{page['id']}/plan.txt").content == b"plan"
