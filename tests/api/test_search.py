"""CQL search over HTTP: /rest/api/content/search and /rest/api/search."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space


@dataclass
class Tree:
    """DOC: Guide > Install > Linux > Debian, Guide > Upgrade, a blog post;
    OTHER: Other home; PUB (anonymous may view): Public page."""

    ids: dict[str, str]

    def __getitem__(self, title: str) -> str:
        return self.ids[title]


def add_labels(client: TestClient, page_id: str, *names: str) -> None:
    response = client.post(f"/rest/api/content/{page_id}/label", json=[{"name": n} for n in names])
    assert response.status_code == 200, response.text


@pytest.fixture
def tree(client: TestClient) -> Tree:
    create_space(client, "DOC")
    create_space(client, "OTHER")
    create_space(client, "PUB", anonymousAccess=True)
    ids: dict[str, str] = {}

    def page(title: str, parent: str | None = None, body: str = "<p>text</p>", **kw: str) -> None:
        parent_id = ids[parent] if parent else None
        ids[title] = create_page(client, title, body, parent=parent_id, **kw)["id"]

    page("Guide", body="<p>Start here.</p>")
    page("Install", "Guide", "<p>Run the INSTALLER with <strong>pip</strong>.</p>")
    page("Linux", "Install", "<p>Packages for Linux.</p>")
    page("Debian", "Linux", "<p>apt install pressroom</p>")
    page("Upgrade", "Guide", "<p>Upgrade in place.</p>")
    page("Release notes", body="<p>A new exporter.</p>", content_type="blogpost")
    page("Other home", body="<p>The installer lives elsewhere.</p>", space="OTHER")
    page("Public page", body="<p>Everyone may read this.</p>", space="PUB")
    add_labels(client, ids["Guide"], "manual")
    add_labels(client, ids["Install"], "manual", "install")
    add_labels(client, ids["Linux"], "os")
    add_labels(client, ids["Public page"], "manual")
    return Tree(ids)


def search(client: TestClient, cql: str, **params: object) -> dict:
    response = client.get("/rest/api/content/search", params={"cql": cql, **params})
    assert response.status_code == 200, response.text
    return response.json()


def titles(client: TestClient, cql: str) -> set[str]:
    return {item["title"] for item in search(client, cql, limit=200)["results"]}


ALL_DOC_PAGES = {"Guide", "Install", "Linux", "Debian", "Upgrade"}


FIELD_CASES: list[tuple[str, set[str]]] = [
    ("type = blogpost", {"Release notes"}),
    ("type = page AND space = DOC", ALL_DOC_PAGES),
    ("type != page", {"Release notes"}),
    ("type IN (page, blogpost) AND space = DOC", ALL_DOC_PAGES | {"Release notes"}),
    ("type NOT IN (page)", {"Release notes"}),
    ("space = OTHER", {"Other home"}),
    ("space.key = 'other'", {"Other home"}),
    ("space != DOC", {"Other home", "Public page"}),
    ("space IN (OTHER, PUB)", {"Other home", "Public page"}),
    ("space NOT IN (DOC, PUB)", {"Other home"}),
    ('title = "Release notes"', {"Release notes"}),
    ("title = install", set()),
    ("title != Guide AND space = DOC AND type = page", ALL_DOC_PAGES - {"Guide"}),
    ("title IN (Guide, Linux)", {"Guide", "Linux"}),
    ("title ~ in", {"Install", "Linux"}),
    ("title ~ 'RELEASE'", {"Release notes"}),
    ("title ~ 'up*de'", {"Upgrade"}),
    ("title !~ e AND space = DOC", {"Install", "Linux"}),
    ("label = manual", {"Guide", "Install", "Public page"}),
    ("label = MANUAL AND space = DOC", {"Guide", "Install"}),
    ("label != manual AND space = DOC", {"Linux", "Debian", "Upgrade", "Release notes"}),
    ("label IN (install, os)", {"Install", "Linux"}),
    ("label NOT IN (manual, os) AND type = page AND space = DOC", {"Debian", "Upgrade"}),
    ("label = nothing", set()),
    ("text ~ installer", {"Install", "Other home"}),
    ("text ~ 'pip installer'", {"Install"}),
    ("text ~ linux", {"Linux"}),
    ("text !~ installer AND space = DOC AND type = page", ALL_DOC_PAGES - {"Install"}),
    ("creator = admin AND space = OTHER", {"Other home"}),
    ("creator = nobody", set()),
    ("creator != admin", set()),
]


def test_fields_and_operators(client: TestClient, tree: Tree) -> None:
    wrong = {
        cql: found for cql, expected in FIELD_CASES if (found := titles(client, cql)) != expected
    }

    assert wrong == {}


def test_parent_and_id(client: TestClient, tree: Tree) -> None:
    guide, linux = tree["Guide"], tree["Linux"]

    assert titles(client, f"parent = {guide}") == {"Install", "Upgrade"}
    assert titles(client, f"parent IN ({guide}, {linux})") == {"Install", "Upgrade", "Debian"}
    no_parent = titles(client, f"parent != {guide} AND space = DOC AND type = page")
    assert no_parent == {"Guide", "Linux", "Debian"}
    assert titles(client, f"id = {linux}") == {"Linux"}
    assert titles(client, f"id IN ({guide}, '{linux}')") == {"Guide", "Linux"}
    assert titles(client, f"id != {guide} AND space = DOC AND type = page") == ALL_DOC_PAGES - {
        "Guide"
    }


def test_ancestor_finds_descendants_at_any_depth(client: TestClient, tree: Tree) -> None:
    assert titles(client, f"ancestor = {tree['Guide']}") == {
        "Install",
        "Linux",
        "Debian",
        "Upgrade",
    }
    assert titles(client, f"ancestor = {tree['Install']}") == {"Linux", "Debian"}
    assert titles(client, f"ancestor = {tree['Debian']}") == set()
    both = f"ancestor = {tree['Guide']} AND ancestor != {tree['Linux']}"
    assert titles(client, both) == {"Install", "Linux", "Upgrade"}
    assert titles(client, f"ancestor IN ({tree['Linux']}, {tree['Upgrade']})") == {"Debian"}


def test_ancestor_follows_moves(client: TestClient, tree: Tree) -> None:
    debian = client.get(f"/rest/api/content/{tree['Debian']}").json()
    response = client.put(
        f"/rest/api/content/{tree['Debian']}",
        json={
            "version": {"number": 2},
            "title": debian["title"],
            "ancestors": [{"id": tree["Upgrade"]}],
        },
    )
    assert response.status_code == 200, response.text

    assert titles(client, f"ancestor = {tree['Install']}") == {"Linux"}
    assert titles(client, f"ancestor = {tree['Upgrade']}") == {"Debian"}


LOGIC_CASES: list[tuple[str, set[str]]] = [
    ("space = DOC AND (title = Linux OR title = Debian)", {"Linux", "Debian"}),
    ("space = DOC AND title = Linux OR title = Debian", {"Linux", "Debian"}),
    ("title = Linux OR title = Debian AND space = OTHER", {"Linux"}),
    ("(title = Linux OR title = Debian) AND space = OTHER", set()),
    ("NOT label = manual AND space = DOC AND type = page", {"Linux", "Debian", "Upgrade"}),
    (
        "NOT (label = manual OR label = os) AND type = page AND space = DOC",
        {"Debian", "Upgrade"},
    ),
    ("space = DOC AND NOT NOT title = Guide", {"Guide"}),
]


def test_and_or_not_parentheses(client: TestClient, tree: Tree) -> None:
    wrong = {
        cql: found for cql, expected in LOGIC_CASES if (found := titles(client, cql)) != expected
    }

    assert wrong == {}


def test_order_by(client: TestClient, tree: Tree) -> None:
    ordered = search(client, "space = DOC AND type = page ORDER BY title DESC")["results"]
    assert [item["title"] for item in ordered] == ["Upgrade", "Linux", "Install", "Guide", "Debian"]

    newest_first = search(client, "space = DOC AND type = page ORDER BY created DESC, id DESC")
    assert newest_first["results"][0]["title"] == "Upgrade"
    by_id = search(client, "space = DOC AND type = page order by id")["results"]
    assert [int(item["id"]) for item in by_id] == sorted(int(item["id"]) for item in by_id)


def test_trashed_content_is_not_found(client: TestClient, tree: Tree) -> None:
    assert client.delete(f"/rest/api/content/{tree['Upgrade']}").status_code == 204

    assert titles(client, "title = Upgrade") == set()


def test_like_wildcards_in_user_text_are_literal(client: TestClient, tree: Tree) -> None:
    for title in ("50% off", "500 things", "a_b", "axb"):
        create_page(client, title, space="OTHER")

    assert titles(client, 'title ~ "50%"') == {"50% off"}
    assert titles(client, "title ~ a_b") == {"a_b"}
    assert titles(client, "text ~ '%'") == {"50% off"}


def test_content_search_items_are_content_json_with_expand(client: TestClient, tree: Tree) -> None:
    data = search(client, "title = Install", expand="body.storage,version,space,ancestors")

    item = data["results"][0]
    assert item["id"] == tree["Install"]
    assert item["type"] == "page"
    assert item["body"]["storage"]["value"].startswith("<p>Run the INSTALLER")
    assert item["version"]["number"] == 1
    assert item["space"]["key"] == "DOC"
    assert [a["title"] for a in item["ancestors"]] == ["Guide"]
    assert data["size"] == 1
    assert "next" not in data["_links"]


def follow(client: TestClient, url: str) -> tuple[list[dict], list[str]]:
    """Every result, following ``_links.next`` until it is absent; and the links seen."""
    results: list[dict] = []
    links: list[str] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        data = response.json()
        assert len(results) < 1000
        results += data["results"]
        next_url = data["_links"].get("next")
        if next_url:
            links.append(next_url)
    return results, links


def test_content_search_pages_through_next_links(client: TestClient) -> None:
    create_space(client, "MANY")
    created = [create_page(client, f"Page {n:02d}", space="MANY")["id"] for n in range(11)]

    results, links = follow(client, "/rest/api/content/search?cql=space%3DMANY&limit=4")

    assert [item["id"] for item in results] == created
    assert len(links) == 2
    assert links[0].startswith("/rest/api/content/search?cql=space%3DMANY&")
    assert "start=4" in links[0]
    assert "limit=4" in links[0]
    assert "start=8" in links[1]


def test_search_pages_through_next_links(client: TestClient) -> None:
    create_space(client, "MANY")
    for n in range(7):
        create_page(client, f"Page {n:02d}", space="MANY")

    results, links = follow(
        client, "/rest/api/search?cql=space%20%3D%20MANY%20order%20by%20title&limit=3"
    )

    assert [r["title"] for r in results] == [f"Page {n:02d}" for n in range(7)]
    assert len(links) == 2
    assert all(link.startswith("/rest/api/search?cql=") for link in links)


def test_search_result_items_wrap_content(client: TestClient, tree: Tree) -> None:
    response = client.get("/rest/api/search", params={"cql": "title = Install"})

    assert response.status_code == 200, response.text
    data = response.json()
    assert data["totalSize"] == 1
    assert data["cqlQuery"] == "title = Install"
    assert isinstance(data["searchDuration"], int)
    assert data["start"] == 0
    assert data["size"] == 1
    result = data["results"][0]
    assert result["content"]["id"] == tree["Install"]
    assert result["content"]["type"] == "page"
    assert result["title"] == "Install"
    assert result["excerpt"] == "Run the INSTALLER with pip."
    assert result["url"] == f"/pages/viewpage.action?pageId={tree['Install']}"
    assert result["resultGlobalContainer"] == {"title": "DOC space", "displayUrl": "/display/DOC"}
    assert result["entityType"] == "content"
    assert result["iconCssClass"] == "aui-icon content-type-page"
    assert result["lastModified"].endswith("Z")
    assert result["friendlyLastModified"]


def test_search_takes_content_expansions(client: TestClient, tree: Tree) -> None:
    response = client.get(
        "/rest/api/search", params={"cql": "title = Install", "expand": "content.space"}
    )

    assert response.json()["results"][0]["content"]["space"]["key"] == "DOC"


def test_anonymous_sees_only_anonymous_viewable_spaces(anonymous: TestClient, tree: Tree) -> None:
    for path in ("/rest/api/content/search", "/rest/api/search"):
        response = anonymous.get(path, params={"cql": "label = manual"})
        assert response.status_code == 200, response.text
        assert [r["title"] for r in response.json()["results"]] == ["Public page"]

    everything = anonymous.get("/rest/api/search", params={"cql": "type IN (page, blogpost)"})
    assert everything.json()["totalSize"] == 1


@pytest.mark.parametrize("path", ["/rest/api/content/search", "/rest/api/search"])
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "cql parameter is required"),
        ({"cql": " "}, "cql parameter is required"),
        ({"cql": "foo = bar"}, "unknown field 'foo' at position 1. Supported fields:"),
        ({"cql": "(type = page"}, "unbalanced parentheses: unclosed '(' at position 1"),
        ({"cql": "type = page)"}, "unbalanced parentheses: unmatched ')' at position 12"),
        ({"cql": "title ="}, "missing value for 'title' at position 8"),
        ({"cql": "space ~ DEV"}, "operator '~' is not allowed for 'space' at position 7"),
        ({"cql": "id = 99999999999999999999999"}, "'id' takes a numeric content id"),
        ({"cql": "title = " + "x" * 2000}, "the limit is 2000"),
        ({"cql": "(" * 60 + "id = 1" + ")" * 60}, "nests deeper than 50 levels"),
        ({"cql": "type = page", "expand": "bogus"}, "Unknown expand value"),
        ({"cql": "type = page", "limit": "0"}, "limit"),
    ],
)
def test_errors_are_400_json_with_a_message(
    client: TestClient, path: str, params: dict, fragment: str
) -> None:
    response = client.get(path, params=params)

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusCode"] == 400
    assert fragment in body["message"]


def test_content_ids_in_other_routes_still_work(client: TestClient, tree: Tree) -> None:
    assert client.get(f"/rest/api/content/{tree['Guide']}").status_code == 200
    assert client.get("/rest/api/content/search", params={"cql": "id = 1"}).status_code == 200
