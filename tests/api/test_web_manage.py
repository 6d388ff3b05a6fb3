"""History, trash, password and permissions through the browser forms: the same
effects as the REST API, and what the user is told."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.test_web_pages import browser
from tests.auth.conftest import add_user, csrf_token_of, login
from tests.conftest import create_page, create_space

pytestmark = pytest.mark.db


def edit(client: TestClient, page_id: str, number: int, body: str) -> None:
    change = {
        "version": {"number": number},
        "title": "Guide",
        "type": "page",
        "body": {"storage": {"value": body, "representation": "storage"}},
    }
    assert client.put(f"/rest/api/content/{page_id}", json=change).status_code == 200


def test_an_old_version_is_shown_and_restored_as_a_new_one(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    page = create_page(client, "Guide", body="<p>first words</p>")
    edit(client, page["id"], 2, "<p>second words</p>")
    session = browser(app)
    history = session.get(f"/pages/viewpreviousversions.action?pageId={page['id']}")
    assert "v2</a> (current)" in history.text
    old = session.get(f"/pages/viewpageversion.action?pageId={page['id']}&version=1")
    assert "first words" in old.text and "second words" not in old.text
    restored = session.post(
        "/pages/revertpage.action",
        data={"pageId": page["id"], "version": 1, "atl_token": csrf_token_of(old.text)},
    )
    assert restored.status_code == 303
    now = client.get(f"/rest/api/content/{page['id']}?expand=body.storage,version").json()
    assert now["version"]["number"] == 3
    assert now["body"]["storage"]["value"] == "<p>first words</p>"


def test_a_page_goes_to_the_trash_and_comes_back(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    page = create_page(client, "Guide")
    session = browser(app)
    token = csrf_token_of(session.get(f"/pages/viewpage.action?pageId={page['id']}").text)
    moved = session.post(
        "/pages/removepage.action", data={"pageId": page["id"], "atl_token": token}
    )
    assert moved.headers["location"] == "/spaces/DOC/trash"
    assert "Guide" in session.get("/spaces/DOC/trash").text
    assert client.get(f"/rest/api/content/{page['id']}").status_code == 404
    back = session.post(f"/spaces/DOC/trash/{page['id']}/restore", data={"atl_token": token})
    assert back.status_code == 303
    assert client.get(f"/rest/api/content/{page['id']}").status_code == 200
    session.post("/pages/removepage.action", data={"pageId": page["id"], "atl_token": token})
    gone = session.post(f"/spaces/DOC/trash/{page['id']}/purge", data={"atl_token": token})
    assert gone.status_code == 303
    assert "The trash is empty." in session.get("/spaces/DOC/trash").text


def test_a_new_password_ends_the_session_and_works_at_the_next_login(  # type: ignore[no-untyped-def]
    app, client: TestClient
) -> None:
    add_user(client, "alice", "alice-password-1")
    session = TestClient(app, follow_redirects=False)
    login(session, "alice", "alice-password-1")
    token = csrf_token_of(session.get("/profile/password").text)
    wrong = session.post(
        "/profile/password",
        data={"current": "guess", "new": "n3w-password!", "repeated": "n3w-password!",
              "atl_token": token},
    )  # fmt: skip
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    changed = session.post(
        "/profile/password",
        data={"current": "alice-password-1", "new": "n3w-password!", "repeated": "n3w-password!",
              "atl_token": token},
    )  # fmt: skip
    assert changed.headers["location"] == "/login"
    assert session.get("/profile/password").status_code == 401
    assert client.get("/rest/api/user/current", auth=("alice", "n3w-password!")).status_code == 200


def test_space_permissions_are_saved_from_the_table(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    add_user(client, "bob", "bob-password-1")
    session = browser(app)
    token = csrf_token_of(session.get("/spaces/DOC/permissions").text)
    form = "&".join(
        [f"atl_token={token}", "anonymous=view", "new-user=bob"]
        + [f"new-user-grants={g}" for g in ("view", "edit")]
    )
    saved = session.post(
        "/spaces/DOC/permissions",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert saved.status_code == 200 and "Permissions saved." in saved.text
    grants = client.get("/rest/pressroom/1/space/DOC/permissions").json()
    assert grants["anonymous"] == ["view"]
    assert grants["users"]["bob"] == ["view", "edit"]
    refused = session.post(
        "/spaces/DOC/permissions",
        content=f"atl_token={token}&anonymous=edit",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused.status_code == 400
    assert "only be granted" in refused.text


def test_files_are_attached_replaced_and_deleted_from_the_page(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    page = create_page(client, "Guide")
    session = browser(app)
    view = f"/pages/viewpage.action?pageId={page['id']}"
    token = csrf_token_of(session.get(view).text)
    for text in (b"first", b"second"):
        sent = session.post(
            "/pages/attachfile.action",
            data={"pageId": page["id"], "atl_token": token},
            files={"file": ("notes.txt", text, "text/plain")},
        )
        assert sent.status_code == 303
    listed = client.get(f"/rest/api/content/{page['id']}/child/attachment?expand=version").json()[
        "results"
    ]
    assert [(a["title"], a["version"]["number"]) for a in listed] == [("notes.txt", 2)]
    assert session.get(f"/download/attachments/{page['id']}/notes.txt").content == b"second"
    removed = session.post(
        "/pages/removeattachment.action",
        data={"pageId": page["id"], "attachmentId": listed[0]["id"], "atl_token": token},
    )
    assert removed.status_code == 303
    assert client.get(f"/rest/api/content/{page['id']}/child/attachment").json()["size"] == 0
