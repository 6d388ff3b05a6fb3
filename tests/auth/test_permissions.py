"""Space permissions: the six grants, for admins, users (direct, through a group, none) and
anonymous callers; an invisible page looks exactly like a missing one, and what a caller
may see but not do is a 403 naming the grant. The endpoint-by-endpoint walk is in
test_permission_matrix.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pressroom.auth.identity import Identity, can_export_space, can_view_space
from pressroom.auth.models import User
from pressroom.content.models import Space
from pressroom.db import Database
from pressroom.export.docx.default_template import default_template_bytes
from tests.auth.conftest import ALICE, BOB, MakeClient
from tests.conftest import create_page, create_space

PERMISSIONS = "/rest/pressroom/1/space/{}/permissions"
ALL_GRANTS = ["view", "edit", "attach", "delete", "export", "admin"]
XSRF = {"X-Atlassian-Token": "no-check"}
TEMPLATES = "/plugins/servlet/scroll-office/api/templates"


def grant(client: TestClient, key: str, grants: dict) -> None:
    response = client.put(PERMISSIONS.format(key), json=grants)
    assert response.status_code == 200, response.text


def user_client(make_client: MakeClient, auth: tuple[str, str]) -> TestClient:
    client = make_client()
    client.auth = auth
    return client


def edit(client: TestClient, page: dict, version: int = 2, **extra: object) -> object:
    body = {"version": {"number": version}, "title": page["title"], "type": "page", **extra}
    return client.put(f"/rest/api/content/{page['id']}", json=body)


def attach(client: TestClient, page_id: str, name: str, data: bytes) -> object:
    return client.post(
        f"/rest/api/content/{page_id}/child/attachment",
        files={"file": (name, data, "text/plain")},
        headers=XSRF,
    )


def refused(response: object, grant_name: str, key: str) -> bool:
    message = response.json()["message"]  # type: ignore[attr-defined]
    return (
        response.status_code == 403  # type: ignore[attr-defined]
        and f"You need the '{grant_name}' permission on space {key}" in message
    )


@pytest.mark.usefixtures("users")
def test_roles_against_content_rest(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "PRIV")
    page = create_page(client, "Plans", space="PRIV")
    grant(client, "PRIV", {"users": {"alice": ["view"]}})
    url = f"/rest/api/content/{page['id']}"
    anonymous = make_client()

    assert client.get(url).status_code == 200
    assert anonymous.get(url, auth=ALICE).status_code == 200
    hidden = anonymous.get(url, auth=BOB)
    missing = anonymous.get("/rest/api/content/999999", auth=BOB)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(page["id"], "X") == missing.json()["message"].replace(
        "999999", "X"
    )
    assert anonymous.get(url).status_code == 401
    assert [s["key"] for s in anonymous.get("/rest/api/space", auth=BOB).json()["results"]] == []


@pytest.mark.usefixtures("users")
def test_group_grant_gives_view(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "TEAM")
    page = create_page(client, "Roadmap", space="TEAM")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "writers"})
    client.post("/rest/pressroom/1/admin/groups/writers/members", json={"username": "bob"})
    url = f"/rest/api/content/{page['id']}"
    assert make_client().get(url, auth=BOB).status_code == 404
    grant(client, "TEAM", {"groups": {"writers": ["view"]}})
    assert make_client().get(url, auth=BOB).status_code == 200
    assert refused(edit(user_client(make_client, BOB), page), "edit", "TEAM")
    grant(client, "TEAM", {"groups": {"writers": ["view", "edit"]}})
    assert edit(user_client(make_client, BOB), page).status_code == 200
    client.delete("/rest/pressroom/1/admin/groups/writers/members/bob")
    assert make_client().get(url, auth=BOB).status_code == 404


@pytest.mark.usefixtures("users")
def test_anonymous_grant_is_seen_by_everyone(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "PUB")
    page = create_page(client, "Hello", space="PUB")
    url = f"/rest/api/content/{page['id']}"
    assert make_client().get(url).status_code == 401
    grant(client, "PUB", {"anonymous": ["view"]})
    assert make_client().get(url).status_code == 200
    assert make_client().get(url, auth=BOB).status_code == 200


@pytest.mark.usefixtures("users")
def test_anonymous_viewers_must_log_in_to_change_anything(
    client: TestClient, make_client: MakeClient
) -> None:
    create_space(client, "PUB")
    page = create_page(client, "Hello", space="PUB")
    grant(client, "PUB", {"anonymous": ["view", "export"]})
    anonymous = make_client()
    assert edit(anonymous, page).status_code == 401
    assert anonymous.delete(f"/rest/api/content/{page['id']}").status_code == 401
    assert attach(anonymous, page["id"], "a.txt", b"a").status_code == 401
    export = anonymous.post(
        "/plugins/servlet/scroll-office/api/public/1/exports",
        json={"pageId": page["id"], "templateId": "com.k15t.scroll.office.default-template-1"},
    )
    assert export.status_code == 200, export.text
    current = client.get(f"/rest/api/content/{page['id']}?expand=version").json()
    assert current["version"]["number"] == 1


@pytest.mark.usefixtures("users")
def test_space_creator_gets_every_grant(client: TestClient, make_client: MakeClient) -> None:
    alice = user_client(make_client, ALICE)
    response = alice.post("/rest/api/space", json={"key": "ALI", "name": "Alice's"})
    assert response.status_code == 200, response.text
    page = create_page(alice, "Notes", space="ALI")
    assert edit(alice, page).status_code == 200
    assert alice.delete(f"/rest/api/content/{page['id']}").status_code == 204
    assert alice.delete(f"/rest/api/content/{page['id']}?status=trashed").status_code == 204
    assert make_client().get("/rest/api/space/ALI", auth=BOB).status_code == 404
    grants = alice.get(PERMISSIONS.format("ALI")).json()
    assert grants == {"anonymous": [], "users": {"alice": ALL_GRANTS}, "groups": {}}


@pytest.mark.usefixtures("users")
def test_a_grant_without_view_means_nothing(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Guide")
    grant(client, "DOC", {"users": {"bob": ["edit", "delete", "admin"]}})
    bob = user_client(make_client, BOB)
    assert bob.get(f"/rest/api/content/{page['id']}").status_code == 404
    assert edit(bob, page).status_code == 404
    assert bob.delete(f"/rest/api/content/{page['id']}").status_code == 404
    assert bob.get(PERMISSIONS.format("DOC")).status_code == 404
    assert client.get(PERMISSIONS.format("DOC")).json()["users"] == {
        "bob": ["edit", "delete", "admin"]
    }
    grant(client, "DOC", {"users": {"bob": ["view", "edit", "delete", "admin"]}})
    assert edit(bob, page).status_code == 200


@pytest.mark.usefixtures("users")
def test_can_export_needs_view_and_export(client: TestClient, db: Database) -> None:
    create_space(client, "EXP")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "exporters"})
    client.post("/rest/pressroom/1/admin/groups/exporters/members", json={"username": "bob"})
    grant(
        client,
        "EXP",
        {
            "anonymous": ["view"],
            "users": {"alice": ["view", "export"]},
            "groups": {"exporters": ["export"]},
        },
    )
    with db.read() as session:
        space_id = session.scalars(select(Space.id).where(Space.key == "EXP")).one()
        alice, bob, admin = (
            Identity.of(session.scalars(select(User).where(User.username == name)).one())
            for name in ("alice", "bob", "admin")
        )
        assert can_export_space(session, alice, space_id)
        assert can_export_space(session, bob, space_id)  # view via anonymous, export via group
        assert can_export_space(session, admin, space_id)
        assert not can_export_space(session, Identity(), space_id)
        assert can_view_space(session, Identity(), space_id)
        assert not can_export_space(session, Identity(session_key="k"), space_id)


@pytest.mark.usefixtures("users")
def test_permissions_document_round_trips_and_validates(client: TestClient) -> None:
    create_space(client, "DOC")
    client.post("/rest/pressroom/1/admin/groups", json={"name": "writers"})
    wanted = {
        "anonymous": ["view", "export"],
        "users": {"alice": ["view", "attach", "admin"]},
        "groups": {"writers": ["view", "edit", "delete", "export"]},
    }
    assert client.put(PERMISSIONS.format("DOC"), json=wanted).json() == wanted
    assert client.get(PERMISSIONS.format("DOC")).json() == wanted
    unknown_user = client.put(PERMISSIONS.format("DOC"), json={"users": {"nobody": ["view"]}})
    assert unknown_user.status_code == 400
    assert "nobody" in unknown_user.json()["message"]
    bad_permission = client.put(PERMISSIONS.format("DOC"), json={"users": {"alice": ["write"]}})
    assert bad_permission.status_code == 400
    for anonymous_grant in ("edit", "attach", "delete", "admin"):
        too_much = client.put(PERMISSIONS.format("DOC"), json={"anonymous": [anonymous_grant]})
        assert too_much.status_code == 400
        assert (
            "Anonymous users may only be granted 'view' and 'export'"
            in (too_much.json()["message"])
        )
    assert client.get(PERMISSIONS.format("DOC")).json() == wanted
    assert client.get(PERMISSIONS.format("NOPE")).status_code == 404


@pytest.mark.usefixtures("users")
def test_space_admins_manage_their_space_permissions(
    client: TestClient, make_client: MakeClient
) -> None:
    create_space(client, "DOC")
    grant(client, "DOC", {"users": {"alice": ["view", "admin"], "bob": ["view"]}})
    alice, bob = user_client(make_client, ALICE), user_client(make_client, BOB)
    assert refused(bob.get(PERMISSIONS.format("DOC")), "admin", "DOC")
    wanted = {"anonymous": [], "users": {"alice": ["view", "admin"], "bob": ["view", "edit"]}}
    changed = alice.put(PERMISSIONS.format("DOC"), json=wanted)
    assert changed.status_code == 200, changed.text
    assert bob.get(PERMISSIONS.format("DOC")).status_code == 403
    audit = client.get("/rest/pressroom/1/admin/audit").json()
    change = next(event for event in audit if event["event"] == "space.permissions.change")
    assert (change["actor"], change["subject"]) == ("alice", "space:DOC")
    create_space(client, "OTHER")
    assert alice.get(PERMISSIONS.format("OTHER")).status_code == 404
    assert make_client().get(PERMISSIONS.format("DOC")).status_code == 401


@pytest.mark.usefixtures("users")
def test_view_alone_changes_nothing(client: TestClient, make_client: MakeClient) -> None:
    """The audit's opening finding: a user granted only 'view' rewrote, trashed and purged
    pages, replaced an attachment's bytes and replaced and deleted the space template."""
    create_space(client, "DOC")
    page = create_page(client, "Guide", body="<p>original</p>")
    trashed = create_page(client, "Old")
    assert client.delete(f"/rest/api/content/{trashed['id']}").status_code == 204
    attachment = attach(client, page["id"], "plan.txt", b"original bytes").json()["results"][0]
    template = client.post(
        TEMPLATES,
        files={"file": ("look.docx", default_template_bytes())},
        data={"spaceKey": "DOC"},
        headers=XSRF,
    ).json()
    grant(client, "DOC", {"users": {"alice": ["view"]}})
    alice = user_client(make_client, ALICE)
    new_bytes = {"file": ("plan.txt", b"replaced", "text/plain")}
    a_docx = {"file": ("look.docx", default_template_bytes())}
    page_url, attachment_url = (f"/rest/api/content/{c['id']}" for c in (page, attachment))

    assert refused(edit(alice, page, body={"storage": {"value": "<p>x</p>"}}), "edit", "DOC")
    assert refused(alice.delete(page_url), "delete", "DOC")
    purge = alice.delete(f"/rest/api/content/{trashed['id']}?status=trashed")
    assert refused(purge, "delete", "DOC")
    assert refused(edit(alice, trashed, status="current"), "delete", "DOC")  # restore
    assert refused(alice.put(attachment_url, files=new_bytes, headers=XSRF), "attach", "DOC")
    data_url = f"{page_url}/child/attachment/{attachment['id']}/data"
    assert refused(alice.post(data_url, files=new_bytes, headers=XSRF), "attach", "DOC")
    replace = alice.put(f"{page_url}/child/attachment", files=new_bytes, headers=XSRF)
    assert refused(replace, "attach", "DOC")
    assert refused(alice.delete(attachment_url), "delete", "DOC")
    template_url = f"{TEMPLATES}/{template['id']}"
    assert refused(alice.put(template_url, files=a_docx, headers=XSRF), "admin", "DOC")
    assert refused(alice.delete(template_url), "admin", "DOC")

    current = client.get(f"{page_url}?expand=body.storage,version").json()
    assert (current["version"]["number"], current["body"]["storage"]["value"]) == (
        1,
        "<p>original</p>",
    )
    download = client.get(f"/download/attachments/{page['id']}/plan.txt")
    assert download.content == b"original bytes"
    assert client.get(f"/rest/api/content/{trashed['id']}?status=trashed").status_code == 200
    assert client.get(template_url).json()["modifiedDate"] == template["modifiedDate"]


@pytest.mark.usefixtures("users")
def test_trash_restore_and_purge_need_delete(client: TestClient, make_client: MakeClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Guide")
    grant(client, "DOC", {"users": {"alice": ["view", "edit"], "bob": ["view", "delete"]}})
    alice, bob = user_client(make_client, ALICE), user_client(make_client, BOB)
    url = f"/rest/api/content/{page['id']}"
    assert refused(alice.delete(url), "delete", "DOC")
    assert bob.delete(url).status_code == 204
    assert refused(edit(alice, page, status="current"), "delete", "DOC")
    assert edit(bob, page, status="current").status_code == 200
    assert bob.delete(url).status_code == 204
    assert refused(alice.delete(f"{url}?status=trashed"), "delete", "DOC")
    assert bob.delete(f"{url}?status=trashed").status_code == 204
    assert client.get(f"{url}?status=any").status_code == 404
