"""/rest/api/space: create, read, list with paging, space content, anonymous access."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space


def test_create_and_read_space_with_homepage(client: TestClient) -> None:
    created = create_space(client, "DOC", description={"plain": {"value": "Product docs"}})
    assert created["key"] == "DOC"
    assert created["description"]["plain"]["value"] == "Product docs"
    home = create_page(client, "Welcome")

    space = client.get("/rest/api/space/DOC").json()
    assert space["name"] == "DOC space"
    assert space["homepage"]["id"] == home["id"]
    assert space["homepage"]["title"] == "Welcome"


def test_duplicate_space_key_is_a_conflict(client: TestClient) -> None:
    create_space(client, "DOC")
    response = client.post("/rest/api/space", json={"key": "doc", "name": "again"})
    assert response.status_code == 409
    assert "already exists" in response.json()["message"]


def test_bad_space_key_and_missing_fields_are_400(client: TestClient) -> None:
    bad_key = client.post("/rest/api/space", json={"key": "no spaces!", "name": "x"})
    assert bad_key.status_code == 400
    assert "space key" in bad_key.json()["message"]
    missing = client.post("/rest/api/space", json={"key": "ABC"})
    assert missing.status_code == 400
    assert "name" in missing.json()["message"]
    wrong_type = client.post("/rest/api/space", json={"key": 5, "name": "x"})
    assert wrong_type.status_code == 400


def test_space_list_pages_through_next_links(client: TestClient) -> None:
    for index in range(7):
        create_space(client, f"S{index}")
    seen: list[str] = []
    url: str | None = "/rest/api/space?limit=3"
    while url:
        body = client.get(url).json()
        assert body["size"] == len(body["results"]) <= 3
        seen += [space["key"] for space in body["results"]]
        url = body["_links"].get("next")
        if url:
            assert url.startswith("/rest/api/space?")
    assert seen == [f"S{i}" for i in range(7)]


def test_space_content_lists_pages_and_blogposts(client: TestClient) -> None:
    create_space(client, "DOC")
    create_page(client, "Page A")
    create_page(client, "News", content_type="blogpost")
    body = client.get("/rest/api/space/DOC/content").json()
    assert [p["title"] for p in body["page"]["results"]] == ["Page A"]
    assert [b["title"] for b in body["blogpost"]["results"]] == ["News"]
    only_posts = client.get("/rest/api/space/DOC/content/blogpost").json()
    assert [b["type"] for b in only_posts["results"]] == ["blogpost"]
    assert client.get("/rest/api/space/DOC/content/comment").status_code == 400


def test_empty_list_is_not_404(client: TestClient) -> None:
    create_space(client, "DOC")
    body = client.get("/rest/api/space/DOC/content/page").json()
    assert body["results"] == [] and body["size"] == 0
    assert "next" not in body["_links"]


def test_anonymous_sees_only_public_spaces(client: TestClient, anonymous: TestClient) -> None:
    create_space(client, "PRIV")
    create_space(client, "PUB", anonymousAccess=True)
    listed = anonymous.get("/rest/api/space").json()
    assert [s["key"] for s in listed["results"]] == ["PUB"]
    assert anonymous.get("/rest/api/space/PUB").status_code == 200
    hidden = anonymous.get("/rest/api/space/PRIV")
    assert hidden.status_code == 401
    assert hidden.headers["www-authenticate"].startswith("Basic")


def test_wrong_password_is_401(client: TestClient) -> None:
    response = client.get("/rest/api/space", auth=("admin", "wrong"))
    assert response.status_code == 401
    assert response.json()["message"] == "The username or password is wrong."


def test_unknown_space_is_404_for_users(client: TestClient) -> None:
    response = client.get("/rest/api/space/NOPE")
    assert response.status_code == 404
    assert response.json()["statusCode"] == 404
    assert response.json()["reason"] == "Not Found"
