"""Scroll Versions and Scroll Translations REST: the read shapes clients use, and
Pressroom's own writes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space

VERSIONS = "/rest/scroll-versions/1.0"
TRANSLATIONS = "/rest/scroll-translations/1.0"


def ok(response, status: int = 200):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def test_versions_list_in_the_shape_shell_clients_read(client: TestClient) -> None:
    create_space(client, "DOC")
    first = ok(client.post(f"{VERSIONS}/versions/DOC", json={"name": "3.1"}), 201)
    body = {
        "name": "3.2",
        "description": "Spring release",
        "releaseDate": "2026-03-01",
        "precedingVersionId": first["id"],
        "color": "#336699",
    }
    second = ok(client.post(f"{VERSIONS}/versions/DOC", json=body), 201)
    listed = ok(client.get(f"{VERSIONS}/versions/DOC"))
    assert [v["name"] for v in listed] == ["3.1", "3.2"]
    assert [v["id"] for v in listed if v["name"] == "3.2"] == [second["id"]]  # jq select
    shown = listed[1]
    assert isinstance(shown["id"], str)
    assert shown["precedingVersionId"] == first["id"]
    assert shown["releaseDate"] == "2026-03-01"
    assert shown["releaseDateMillis"] == 1772323200000
    assert shown["archived"] is False and shown["runtimeAccessible"] is True
    assert shown["color"] == "#336699" and shown["description"] == "Spring release"
    assert ok(client.get("/rest/scroll-versions/latest/versions/DOC")) == listed


def test_versions_refuse_duplicates_cycles_and_strangers(client: TestClient) -> None:
    create_space(client, "DOC")
    one = ok(client.post(f"{VERSIONS}/versions/DOC", json={"name": "1"}), 201)["id"]
    two = ok(
        client.post(f"{VERSIONS}/versions/DOC", json={"name": "2", "precedingVersionId": one}),
        201,
    )["id"]
    assert client.post(f"{VERSIONS}/versions/DOC", json={"name": "1"}).status_code == 409
    looped = client.put(f"{VERSIONS}/versions/DOC/{one}", json={"precedingVersionId": two})
    assert looped.status_code == 400 and "precede itself" in looped.json()["message"]
    unknown = client.post(
        f"{VERSIONS}/versions/DOC", json={"name": "3", "precedingVersionId": "77"}
    )
    assert unknown.status_code == 404 and "77" in unknown.json()["message"]
    assert client.get(f"{VERSIONS}/versions/NOPE").status_code == 404


def test_archiving_the_current_version_leaves_the_space_without_one(client: TestClient) -> None:
    create_space(client, "DOC")
    one = ok(client.post(f"{VERSIONS}/versions/DOC", json={"name": "1"}), 201)["id"]
    config = ok(client.put(f"{VERSIONS}/config/DOC", json={"currentVersionId": one}))
    assert config["currentVersionId"] == one
    archived = ok(client.put(f"{VERSIONS}/versions/DOC/{one}", json={"archived": True}))
    assert archived["archived"] is True
    assert ok(client.get(f"{VERSIONS}/config/DOC"))["currentVersionId"] is None
    refused = client.put(f"{VERSIONS}/config/DOC", json={"currentVersionId": one})
    assert refused.status_code == 400


def test_config_switches_features(client: TestClient) -> None:
    create_space(client, "DOC")
    assert ok(client.get(f"{VERSIONS}/config/DOC")) == {
        "spaceKey": "DOC",
        "enableVersionManagement": False,
        "enableVariants": False,
        "enableTranslation": False,
        "workflowType": "none",
        "currentVersionId": None,
        "defaultLanguage": "en",
    }
    body = {"enableVersionManagement": True, "enableTranslation": True, "defaultLanguage": "en-gb"}
    changed = ok(client.put(f"{VERSIONS}/config/DOC", json=body))
    assert changed["enableVersionManagement"] and changed["enableTranslation"]
    assert changed["defaultLanguage"] == "en_GB"


def test_page_in_version_says_when_it_is_inherited(client: TestClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Guide", "<p>own</p>")["id"]
    one = ok(client.post(f"{VERSIONS}/versions/DOC", json={"name": "1"}), 201)["id"]
    two = ok(
        client.post(f"{VERSIONS}/versions/DOC", json={"name": "2", "precedingVersionId": one}),
        201,
    )["id"]
    edited = ok(client.put(f"{VERSIONS}/page/DOC/{page}/{one}", json={"body": "<p>one</p>"}))
    assert edited["state"] == "changed" and edited["fallback"] is False
    inherited = ok(client.get(f"{VERSIONS}/page/DOC/{page}/{two}"))
    assert inherited["fallback"] is True and inherited["state"] == "inherited"
    assert inherited["sourceVersionId"] == one and inherited["sourceVersionName"] == "1"
    assert inherited["body"]["storage"]["value"] == "<p>one</p>"
    removed = ok(client.put(f"{VERSIONS}/page/DOC/{page}/{two}", json={"state": "removed"}))
    assert removed["exists"] is False and removed["state"] == "absent"
    bad = client.put(f"{VERSIONS}/page/DOC/{page}/{two}", json={"state": "gone"})
    assert bad.status_code == 400 and "state" in bad.json()["message"]
    broken = client.put(f"{VERSIONS}/page/DOC/{page}/{two}", json={"body": "<p>open"})
    assert broken.status_code == 400
    untranslatable = client.put(
        f"{VERSIONS}/translation/{page}/en", json={"title": "T", "body": "<p>ok</p>"}
    )
    assert untranslatable.status_code == 400
    # The Confluence content API still reads the page's own content.
    own = ok(client.get(f"/rest/api/content/{page}", params={"expand": "body.storage"}))
    assert own["body"]["storage"]["value"] == "<p>own</p>"


def test_attributes_and_variants(client: TestClient) -> None:
    create_space(client, "DOC")
    attribute = ok(
        client.post(
            f"{VERSIONS}/attribute/DOC", json={"name": "Edition", "values": ["Cloud", "DC"]}
        ),
        201,
    )
    assert [v["name"] for v in attribute["values"]] == ["Cloud", "DC"]
    assert ok(client.get(f"{VERSIONS}/attribute/DOC")) == [attribute]
    cloud = attribute["values"][0]["id"]
    body = {"name": "Cloud", "attributes": [{"attributeId": attribute["id"], "valueIds": [cloud]}]}
    variant = ok(client.post(f"{VERSIONS}/variant/DOC", json=body), 201)
    assert variant == {
        "id": variant["id"],
        "name": "Cloud",
        "description": "",
        "attributes": [{"attributeId": attribute["id"], "valueIds": [cloud]}],
    }
    assert ok(client.get(f"{VERSIONS}/variant/DOC")) == [variant]
    wrong = {"name": "X", "attributes": [{"attributeId": attribute["id"], "valueIds": ["999"]}]}
    assert client.post(f"{VERSIONS}/variant/DOC", json=wrong).status_code == 400
    page = create_page(client, "P")["id"]
    assert (
        client.put(f"{VERSIONS}/page-attributes/{page}", json={"valueIds": [999]}).status_code
        == 400
    )
    ok(client.put(f"{VERSIONS}/page-attributes/{page}", json={"valueIds": [cloud]}))


def test_languages_and_translations(client: TestClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Manual")["id"]
    assert ok(client.get(f"{TRANSLATIONS}/languages/DOC")) == [
        {"key": "en", "displayName": "English", "default": True}
    ]
    ok(client.post(f"{TRANSLATIONS}/languages/DOC", json={"key": "ko-kr"}), 201)
    assert client.post(f"{TRANSLATIONS}/languages/DOC", json={"key": "ko_KR"}).status_code == 409
    assert client.post(f"{TRANSLATIONS}/languages/DOC", json={"key": "!!"}).status_code == 400
    missing = client.put(f"{VERSIONS}/translation/{page}/fr", json={"title": "Manuel"})
    assert missing.status_code == 400 and "add it first" in missing.json()["message"]
    ok(
        client.put(
            f"{VERSIONS}/translation/{page}/ko_KR", json={"title": "설명서", "body": "<p>한</p>"}
        )
    )
    listed = ok(client.get(f"{VERSIONS}/translation/{page}"))
    assert [(t["language"]["key"], t["title"]) for t in listed] == [
        ("en", "Manual"),
        ("ko_KR", "설명서"),
    ]
    assert listed[1]["language"]["displayName"] == "Korean (South Korea)"
    assert ok(client.get("/rest/scroll-translations/latest/languages/DOC"))[1]["key"] == "ko_KR"


def test_writes_need_the_space_grant(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    page = create_page(client, "P")["id"]
    user = {"username": "reader", "password": "reader-password-1", "fullName": "Reader"}
    ok(client.post("/rest/pressroom/1/admin/users", json=user), 201)
    grants = {"anonymous": [], "users": {"reader": ["view"]}, "groups": {}}
    ok(client.put("/rest/pressroom/1/space/DOC/permissions", json=grants))
    with TestClient(app) as reader:
        reader.auth = ("reader", "reader-password-1")
        assert reader.get(f"{VERSIONS}/versions/DOC").status_code == 200
        refused = reader.post(f"{VERSIONS}/versions/DOC", json={"name": "1"})
        assert refused.status_code == 403 and "'admin' permission" in refused.json()["message"]
        edit = reader.put(f"{VERSIONS}/translation/{page}/de", json={"title": "T"})
        assert edit.status_code == 403 and "'edit' permission" in edit.json()["message"]


def test_the_content_api_reads_a_page_in_a_version_or_language(client: TestClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Guide", "<p>own</p>")["id"]
    one = ok(client.post(f"{VERSIONS}/versions/DOC", json={"name": "1"}), 201)["id"]
    ok(client.put(f"{VERSIONS}/page/DOC/{page}/{one}", json={"body": "<p>one</p>"}))
    ok(client.post(f"{TRANSLATIONS}/languages/DOC", json={"key": "de"}), 201)
    ok(
        client.put(
            f"{VERSIONS}/translation/{page}/de", json={"title": "Leitfaden", "body": "<p>de</p>"}
        )
    )
    url = f"/rest/api/content/{page}"

    def read(**params: str) -> tuple[str, str]:
        body = ok(client.get(url, params={"expand": "body.storage", **params}))
        return body["title"], body["body"]["storage"]["value"]

    assert read() == ("Guide", "<p>own</p>")
    assert read(versionId=one) == ("Guide", "<p>one</p>")
    assert read(languageKey="de") == ("Leitfaden", "<p>de</p>")
    unknown = client.get(url, params={"versionId": "404"})
    assert unknown.status_code == 400 and "versionId" in unknown.json()["message"]
