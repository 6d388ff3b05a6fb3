"""/rest/api/content: create, read with expansions, update with versions, move, delete."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space


def _update(client: TestClient, page_id: str, number: int, **fields: object):  # type: ignore[no-untyped-def]
    return client.put(
        f"/rest/api/content/{page_id}",
        json={"version": {"number": number}, "type": "page", **fields},
    )


def test_create_page_returns_string_id_version_and_body(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "Install", "<p>Run&nbsp;it &rarr; done</p>")
    assert isinstance(page["id"], str) and page["id"].isdigit()
    assert page["version"]["number"] == 1
    assert page["body"]["storage"]["value"] == "<p>Run&nbsp;it &rarr; done</p>"
    assert page["space"]["key"] == "DOC"
    assert page["_links"]["webui"] == f"/pages/viewpage.action?pageId={page['id']}"


def test_expand_ancestors_is_ordered_root_first(client: TestClient) -> None:
    create_space(client)
    root = create_page(client, "Root")
    middle = create_page(client, "Middle", parent=root["id"])
    leaf = create_page(client, "Leaf", parent=middle["id"])
    body = client.get(f"/rest/api/content/{leaf['id']}?expand=ancestors").json()
    assert [a["title"] for a in body["ancestors"]] == ["Root", "Middle"]


def test_expansions_are_honoured(client: TestClient) -> None:
    create_space(client)
    root = create_page(client, "Root")
    create_page(client, "Child 1", parent=root["id"])
    create_page(client, "Child 2", parent=root["id"])
    plain = client.get(f"/rest/api/content/{root['id']}").json()
    assert "body" not in plain and "version" not in plain and "space" not in plain
    assert {"body", "version", "space", "history"} <= set(plain["_expandable"])
    full = client.get(
        f"/rest/api/content/{root['id']}",
        params={"expand": "body.storage,version,space,children.page,history,container"},
    ).json()
    assert full["body"]["storage"]["representation"] == "storage"
    assert full["version"]["by"]["username"] == "admin"
    assert full["space"]["key"] == "DOC"
    assert [c["title"] for c in full["children"]["page"]["results"]] == ["Child 1", "Child 2"]
    assert full["history"]["createdBy"]["username"] == "admin"
    assert full["container"]["key"] == "DOC"


def test_unknown_expand_is_400(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "P")
    response = client.get(f"/rest/api/content/{page['id']}?expand=body.storage,bogus")
    assert response.status_code == 400
    assert "bogus" in response.json()["message"]


def test_update_requires_next_version_number(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "P", "<p>one</p>")
    stale = _update(client, page["id"], 1, title="P", body=_storage("<p>x</p>"))
    assert stale.status_code == 409
    assert "Current version is: 1" in stale.json()["message"]
    skipped = _update(client, page["id"], 3, title="P", body=_storage("<p>x</p>"))
    assert skipped.status_code == 409

    updated = _update(client, page["id"], 2, title="P renamed", body=_storage("<p>two</p>"))
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"]["number"] == 2
    history = client.get(f"/rest/api/content/{page['id']}/history").json()
    assert history["lastUpdated"]["number"] == 2
    assert history["previousVersion"]["number"] == 1
    fetched = client.get(f"/rest/api/content/{page['id']}?expand=body.storage").json()
    assert fetched["title"] == "P renamed"
    assert fetched["body"]["storage"]["value"] == "<p>two</p>"


def _storage(value: str) -> dict:
    return {"storage": {"value": value, "representation": "storage"}}


def test_client_update_flow_reads_history_then_puts(client: TestClient) -> None:
    """The flow real clients use: history.lastUpdated.number + 1, body without 'space'."""
    create_space(client)
    page = create_page(client, "Flow")
    for _ in range(3):
        number = client.get(f"/rest/api/content/{page['id']}/history").json()["lastUpdated"][
            "number"
        ]
        response = _update(client, page["id"], number + 1, title="Flow", body=_storage("<p>n</p>"))
        assert response.status_code == 200
    assert (
        client.get(f"/rest/api/content/{page['id']}?expand=version").json()["version"]["number"]
        == 4
    )


def test_move_page_with_ancestors(client: TestClient) -> None:
    create_space(client)
    first = create_page(client, "First")
    second = create_page(client, "Second")
    child = create_page(client, "Child", parent=first["id"])
    moved = _update(client, child["id"], 2, title="Child", ancestors=[{"id": second["id"]}])
    assert moved.status_code == 200, moved.text
    assert [a["id"] for a in moved.json()["ancestors"]] == [second["id"]]
    into_itself = _update(client, second["id"], 2, title="Second", ancestors=[{"id": child["id"]}])
    assert into_itself.status_code == 400
    assert "below itself" in into_itself.json()["message"]


def test_duplicate_title_in_space_is_409(client: TestClient) -> None:
    create_space(client)
    create_page(client, "Same")
    response = client.post(
        "/rest/api/content",
        json={"type": "page", "title": "Same", "space": {"key": "DOC"}},
    )
    assert response.status_code == 409
    other = create_page(client, "Other")
    renamed = _update(client, other["id"], 2, title="Same")
    assert renamed.status_code == 409


def test_delete_moves_children_up_and_hides_page(client: TestClient) -> None:
    create_space(client)
    root = create_page(client, "Root")
    doomed = create_page(client, "Doomed", parent=root["id"])
    orphan = create_page(client, "Orphan", parent=doomed["id"])
    assert client.delete(f"/rest/api/content/{doomed['id']}").status_code == 204
    assert client.get(f"/rest/api/content/{doomed['id']}").status_code == 404
    trashed = client.get(f"/rest/api/content/{doomed['id']}?status=trashed")
    assert trashed.json()["status"] == "trashed"
    ancestors = client.get(f"/rest/api/content/{orphan['id']}?expand=ancestors").json()
    assert [a["title"] for a in ancestors["ancestors"]] == ["Root"]
    assert client.delete(f"/rest/api/content/{doomed['id']}?status=trashed").status_code == 204
    assert client.get(f"/rest/api/content/{doomed['id']}?status=trashed").status_code == 404


def test_list_filters_and_pages_through_results(client: TestClient) -> None:
    create_space(client)
    create_space(client, "OTHER")
    for index in range(12):
        create_page(client, f"Page {index:02}")
    create_page(client, "Elsewhere", space="OTHER")
    create_page(client, "Post", content_type="blogpost")

    titles: list[str] = []
    url: str | None = "/rest/api/content?spaceKey=DOC&limit=5&expand=version"
    pages_seen = 0
    while url:
        body = client.get(url).json()
        pages_seen += 1
        assert all(item["version"]["number"] == 1 for item in body["results"])
        titles += [item["title"] for item in body["results"]]
        url = body["_links"].get("next")
    assert pages_seen == 3
    assert titles == [f"Page {i:02}" for i in range(12)]

    by_title = client.get("/rest/api/content", params={"spaceKey": "DOC", "title": "Page 03"})
    assert [p["title"] for p in by_title.json()["results"]] == ["Page 03"]
    posts = client.get("/rest/api/content", params={"type": "blogpost"}).json()
    assert [p["title"] for p in posts["results"]] == ["Post"]


def test_child_pages_in_position_order(client: TestClient) -> None:
    create_space(client)
    root = create_page(client, "Root")
    for name in ("b", "a", "c"):
        create_page(client, name, parent=root["id"])
    body = client.get(f"/rest/api/content/{root['id']}/child/page").json()
    assert [c["title"] for c in body["results"]] == ["b", "a", "c"]
    paged = client.get(f"/rest/api/content/{root['id']}/child/page?limit=2").json()
    assert paged["size"] == 2 and "next" in paged["_links"]


def test_bad_input_is_4xx_and_writes_nothing(client: TestClient) -> None:
    create_space(client)
    cases = [
        b"{not json",
        b'{"type": "page", "space": {"key": "DOC"}}',
        b'{"type": "comment", "title": "x", "space": {"key": "DOC"}}',
        b'{"type": "page", "title": "x", "space": {"key": "DOC"},'
        b' "body": {"storage": {"value": 5, "representation": "storage"}}}',
        b'{"type": "page", "title": "x", "space": {"key": "DOC"},'
        b' "body": {"storage": {"value": "<p>unclosed", "representation": "storage"}}}',
        b'{"type": "page", "title": "x", "space": {"key": "DOC"}, "ancestors": [{"id": "abc"}]}',
        b'{"type": "page", "title": "x", "space": {"key": "DOC"}, "ancestors": [{"id": "999"}]}',
        b'{"type": "page", "title": "", "space": {"key": "DOC"}}',
        b'{"type": "page", "title": "x", "space": {"key": "NOPE"}}',
        b"[]",
    ]
    for raw in cases:
        response = client.post(
            "/rest/api/content", content=raw, headers={"content-type": "application/json"}
        )
        assert 400 <= response.status_code < 500, (raw, response.text)
        body = response.json()
        assert body["message"] and body["statusCode"] == response.status_code
    assert client.get("/rest/api/content?spaceKey=DOC").json()["size"] == 0


def test_entities_and_xxe_in_storage(client: TestClient) -> None:
    create_space(client)
    xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;</p>'
    response = client.post(
        "/rest/api/content",
        json={"type": "page", "title": "x", "space": {"key": "DOC"}, "body": _storage(xxe)},
    )
    assert response.status_code == 400
    unknown = client.post(
        "/rest/api/content",
        json={
            "type": "page",
            "title": "y",
            "space": {"key": "DOC"},
            "body": _storage("<p>&bogus;</p>"),
        },
    )
    assert unknown.status_code == 400
    assert "&bogus;" in unknown.json()["message"]


def test_oversize_body_is_413(client: TestClient) -> None:
    create_space(client)
    huge = "<p>" + "x" * 300_000 + "</p>"
    response = client.post(
        "/rest/api/content",
        json={"type": "page", "title": "Big", "space": {"key": "DOC"}, "body": _storage(huge)},
    )
    assert response.status_code == 413
    assert "limit" in response.json()["message"]
    assert client.get("/rest/api/content?spaceKey=DOC").json()["size"] == 0


def test_put_with_wrong_content_type_is_415(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "P")
    response = client.put(
        f"/rest/api/content/{page['id']}", content=b"x", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_blogpost_cannot_have_parent(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "P")
    response = client.post(
        "/rest/api/content",
        json={
            "type": "blogpost",
            "title": "B",
            "space": {"key": "DOC"},
            "ancestors": [{"id": page["id"]}],
        },
    )
    assert response.status_code == 400


def test_anonymous_can_read_public_space_but_not_write(
    client: TestClient, anonymous: TestClient
) -> None:
    create_space(client, "PUB", anonymousAccess=True)
    create_space(client, "PRIV")
    public = create_page(client, "Open", space="PUB")
    private = create_page(client, "Closed", space="PRIV")
    assert anonymous.get(f"/rest/api/content/{public['id']}").status_code == 200
    assert anonymous.get(f"/rest/api/content/{private['id']}").status_code == 401
    listed = anonymous.get("/rest/api/content").json()
    assert [p["title"] for p in listed["results"]] == ["Open"]
    write = anonymous.post(
        "/rest/api/content", json={"type": "page", "title": "x", "space": {"key": "PUB"}}
    )
    assert write.status_code == 401


def test_users_endpoints(client: TestClient, anonymous: TestClient) -> None:
    me = client.get("/rest/api/user/current").json()
    assert me["username"] == "admin" and me["type"] == "known"
    assert anonymous.get("/rest/api/user/current").json()["type"] == "anonymous"
    found = client.get("/rest/api/user?username=admin").json()
    assert found["userKey"] == me["userKey"]
    assert client.get("/rest/api/user?username=ghost").status_code == 404
    assert client.get("/rest/api/user").status_code == 400


def test_status_endpoint(anonymous: TestClient) -> None:
    body = anonymous.get("/status").json()
    assert body["state"] == "RUNNING"
    assert body["nodeId"] == "test-node"
    assert body["version"]


def test_unknown_path_is_json_404(anonymous: TestClient) -> None:
    response = anonymous.get("/rest/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["statusCode"] == 404


def test_page_information(client: TestClient) -> None:
    create_space(client)
    root = create_page(client, "Root")
    page = create_page(client, "Leaf", parent=root["id"])
    client.post(f"/rest/api/content/{page['id']}/label", json={"name": "draft"})
    info = client.get(f"/rest/pressroom/1/content/{page['id']}/info").json()
    assert info["id"] == page["id"]
    assert info["title"] == "Leaf"
    assert info["space"] == {"key": "DOC", "name": "DOC space"}
    assert info["version"] == 1
    assert info["createdBy"] == info["lastModifiedBy"] == "admin"
    assert info["createdDate"].endswith("Z")
    assert info["ancestors"] == [{"id": root["id"], "title": "Root"}]
    assert info["labels"] == ["draft"]
    assert client.get("/rest/pressroom/1/content/999999/info").status_code == 404
