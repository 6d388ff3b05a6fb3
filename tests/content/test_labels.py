"""Labels through /rest/api/content/{id}/label, and the label service under concurrency."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pressroom.auth.identity import Identity
from pressroom.auth.models import User
from pressroom.content.labels import LabelName, add_labels, checked_label_name
from pressroom.content.models import Label
from pressroom.db import Database
from pressroom.errors import InvalidInput
from tests.conftest import create_page, create_space


@pytest.fixture
def page(client: TestClient) -> str:
    create_space(client)
    return create_page(client, "Labelled")["id"]


def label_names(client: TestClient, page_id: str) -> list[str]:
    response = client.get(f"/rest/api/content/{page_id}/label")
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["results"]]


def test_a_new_page_has_an_empty_label_list(client: TestClient, page: str) -> None:
    response = client.get(f"/rest/api/content/{page}/label")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["size"] == 0


def test_post_takes_one_object_and_answers_with_every_label(client: TestClient, page: str) -> None:
    client.post(f"/rest/api/content/{page}/label", json={"prefix": "global", "name": "zeta"})

    response = client.post(
        f"/rest/api/content/{page}/label", json={"prefix": "global", "name": "alpha"}
    )

    assert response.status_code == 200, response.text
    items = response.json()["results"]
    assert [item["name"] for item in items] == ["alpha", "zeta"]
    first = items[0]
    assert set(first) == {"prefix", "name", "id", "label"}
    assert first["prefix"] == "global"
    assert first["label"] == "alpha"
    assert isinstance(first["id"], str)


def test_post_takes_an_array(client: TestClient, page: str) -> None:
    labels = [{"prefix": "global", "name": "one"}, {"prefix": "team", "name": "two"}]

    response = client.post(f"/rest/api/content/{page}/label", json=labels)

    assert response.status_code == 200, response.text
    assert [(i["prefix"], i["name"]) for i in response.json()["results"]] == [
        ("global", "one"),
        ("team", "two"),
    ]


def test_prefix_defaults_to_global(client: TestClient, page: str) -> None:
    response = client.post(f"/rest/api/content/{page}/label", json={"name": "plain"})

    assert response.json()["results"][0]["prefix"] == "global"


def test_names_are_lowercased_and_adding_twice_is_a_no_op(client: TestClient, page: str) -> None:
    client.post(f"/rest/api/content/{page}/label", json={"name": "Draft"})
    response = client.post(f"/rest/api/content/{page}/label", json=[{"name": "draft"}] * 3)

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == ["draft"]


def test_one_label_row_is_shared_by_all_content(client: TestClient, page: str) -> None:
    other = create_page(client, "Other")["id"]
    first = client.post(f"/rest/api/content/{page}/label", json={"name": "shared"}).json()
    second = client.post(f"/rest/api/content/{other}/label", json={"name": "shared"}).json()

    assert first["results"][0]["id"] == second["results"][0]["id"]


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("two words", "space"),
        ("", "empty"),
        ("x" * 256, "at most 255"),
        ("a:b", ":"),
        ("semi;colon", ";"),
        ("what?", "?"),
        ("c#", "#"),
        ("<tag>", "<"),
        ("bang!", "!"),
        ("at@home", "@"),
        ("tab\there", "space"),
    ],
)
def test_invalid_names_are_400_with_a_reason(
    client: TestClient, page: str, name: str, complaint: str
) -> None:
    response = client.post(f"/rest/api/content/{page}/label", json={"name": name})

    assert response.status_code == 400
    assert complaint in response.json()["message"]
    assert label_names(client, page) == []


def test_a_bad_label_in_an_array_adds_none_of_them(client: TestClient, page: str) -> None:
    response = client.post(
        f"/rest/api/content/{page}/label", json=[{"name": "good"}, {"name": "not good"}]
    )

    assert response.status_code == 400
    assert label_names(client, page) == []


def test_unknown_prefix_is_400(client: TestClient, page: str) -> None:
    response = client.post(
        f"/rest/api/content/{page}/label", json={"prefix": "system", "name": "x"}
    )

    assert response.status_code == 400
    assert "global, my, team" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [[], "label", {"prefix": "global"}, {"name": 5}, [{"name": "ok"}, 3], None],
)
def test_malformed_bodies_are_400(client: TestClient, page: str, body: object) -> None:
    response = client.post(f"/rest/api/content/{page}/label", json=body)

    assert response.status_code == 400
    assert response.json()["message"]


def test_labels_of_unknown_content_are_404(client: TestClient) -> None:
    assert client.get("/rest/api/content/999999/label").status_code == 404
    assert client.post("/rest/api/content/999999/label", json={"name": "x"}).status_code == 404


def test_delete_by_query_parameter(client: TestClient, page: str) -> None:
    client.post(f"/rest/api/content/{page}/label", json=[{"name": "keep"}, {"name": "drop"}])

    response = client.delete(f"/rest/api/content/{page}/label", params={"name": "drop"})

    assert response.status_code == 204
    assert label_names(client, page) == ["keep"]


def test_delete_by_path(client: TestClient, page: str) -> None:
    client.post(f"/rest/api/content/{page}/label", json=[{"name": "keep"}, {"name": "drop"}])

    response = client.delete(f"/rest/api/content/{page}/label/drop")

    assert response.status_code == 204
    assert label_names(client, page) == ["keep"]


def test_delete_with_a_prefix_removes_only_that_prefix(client: TestClient, page: str) -> None:
    client.post(
        f"/rest/api/content/{page}/label",
        json=[{"prefix": "global", "name": "both"}, {"prefix": "team", "name": "both"}],
    )

    client.delete(f"/rest/api/content/{page}/label", params={"name": "team:both"})

    labels = client.get(f"/rest/api/content/{page}/label").json()["results"]
    assert [(i["prefix"], i["name"]) for i in labels] == [("global", "both")]


def test_deleting_an_absent_label_is_404(client: TestClient, page: str) -> None:
    response = client.delete(f"/rest/api/content/{page}/label", params={"name": "never"})

    assert response.status_code == 404
    assert "never" in response.json()["message"]
    assert client.delete(f"/rest/api/content/{page}/label/never").status_code == 404


def test_delete_without_a_name_is_400(client: TestClient, page: str) -> None:
    assert client.delete(f"/rest/api/content/{page}/label").status_code == 400


def test_label_list_pages_with_next_links(client: TestClient, page: str) -> None:
    names = [f"label-{n:02d}" for n in range(7)]
    client.post(f"/rest/api/content/{page}/label", json=[{"name": n} for n in names])

    seen: list[str] = []
    url: str | None = f"/rest/api/content/{page}/label?limit=3"
    while url:
        data = client.get(url).json()
        seen += [item["name"] for item in data["results"]]
        url = data["_links"].get("next")

    assert seen == names


def test_filter_by_prefix(client: TestClient, page: str) -> None:
    client.post(
        f"/rest/api/content/{page}/label",
        json=[{"prefix": "team", "name": "ours"}, {"name": "everyones"}],
    )

    response = client.get(f"/rest/api/content/{page}/label", params={"prefix": "team"})

    assert [i["name"] for i in response.json()["results"]] == ["ours"]


def test_labels_show_in_metadata_expansion(client: TestClient, page: str) -> None:
    client.post(f"/rest/api/content/{page}/label", json={"name": "visible"})

    data = client.get(f"/rest/api/content/{page}", params={"expand": "metadata.labels"}).json()

    assert [i["name"] for i in data["metadata"]["labels"]["results"]] == ["visible"]


def test_anonymous_cannot_change_labels(
    client: TestClient, anonymous: TestClient, page: str
) -> None:
    create_space(client, "PUB", anonymousAccess=True)
    public = create_page(client, "Public page", space="PUB")["id"]
    client.post(f"/rest/api/content/{public}/label", json={"name": "seen"})

    assert anonymous.get(f"/rest/api/content/{public}/label").status_code == 200
    added = anonymous.post(f"/rest/api/content/{public}/label", json={"name": "x"})
    removed = anonymous.delete(f"/rest/api/content/{public}/label", params={"name": "seen"})

    assert added.status_code == 401
    assert removed.status_code == 401
    assert label_names(client, public) == ["seen"]


def test_anonymous_cannot_read_labels_of_private_content(anonymous: TestClient, page: str) -> None:
    assert anonymous.get(f"/rest/api/content/{page}/label").status_code == 401


def test_label_name_rules_match_confluence() -> None:
    assert checked_label_name("  MiXed-Case_1 ") == "mixed-case_1"
    assert checked_label_name("ünïcödé") == "ünïcödé"
    for bad in ("a\x00b", "a b", "a.b", "a,b", "a&b", "a[b]", "(a)", "a^b", "a*b"):
        with pytest.raises(InvalidInput):
            checked_label_name(bad)


def test_concurrent_adds_of_one_new_label_both_succeed(
    client: TestClient, db: Database, page: str
) -> None:
    """The second writer waits on the first one's uncommitted label row (PostgreSQL) or
    on its write lock (SQLite); either way it ends up using that row, without a 500."""
    with db.read() as session:
        admin = Identity.of(session.scalars(select(User).where(User.username == "admin")).one())
    wanted = [LabelName.checked("global", "race")]
    first_flushed = threading.Event()
    release_first = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with db.write() as session:
                add_labels(session, admin, int(page), wanted)
                first_flushed.set()
                release_first.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_flushed.set()

    def second() -> None:
        try:
            with db.write() as session:
                add_labels(session, admin, int(page), wanted)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_flushed.wait(10)
    threads[1].start()
    threads[1].join(0.3)  # let the second writer reach the row the first one holds
    release_first.set()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert label_names(client, page) == ["race"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Label)) == 1


def test_many_threads_adding_labels_never_fail(client: TestClient, page: str) -> None:
    other = create_page(client, "Second")["id"]
    statuses: list[int] = []

    def add(page_id: str) -> None:
        response = client.post(
            f"/rest/api/content/{page_id}/label", json=[{"name": "hot"}, {"name": "new"}]
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=add, args=(p,)) for p in (page, other) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [200] * 8
    assert label_names(client, page) == ["hot", "new"]
    assert label_names(client, other) == ["hot", "new"]
