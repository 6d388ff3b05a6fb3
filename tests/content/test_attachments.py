"""Attachments through the Confluence REST API: upload, list, download, versions, bad input."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from pressroom.auth.identity import Identity
from pressroom.bootstrap import bootstrap
from pressroom.config import Settings
from pressroom.content.attachments import (
    add_attachment,
    find_attachment_file,
    receive_file,
    update_attachment_data,
)
from pressroom.db import Database
from pressroom.errors import Conflict
from tests.conftest import create_page, create_space

XSRF = {"X-Atlassian-Token": "no-check"}
JSON_CLIENT = {"Accept": "application/json"}


def image_bytes(kind: str, size: tuple[int, int] = (40, 30), color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG", (64, 48), "orange")


def attachments_url(page_id: str) -> str:
    return f"/rest/api/content/{page_id}/child/attachment"


def upload(
    client: TestClient,
    page_id: str,
    *files: tuple[str, bytes, str],
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    url: str | None = None,
) -> object:
    return client.request(
        method,
        url or attachments_url(page_id),
        files=[("file", file) for file in files],
        data=data or {},
        headers={**XSRF, **JSON_CLIENT, **(headers or {})},
    )


def raw_upload(client: TestClient, page_id: str, disposition: bytes, data: bytes) -> object:
    """A hand-made multipart body, for file names an HTTP library would refuse to send."""
    boundary = b"pressroom-test-boundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; '
        + disposition
        + b"\r\nContent-Type: text/plain\r\n\r\n"
        + data
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    headers = {**XSRF, "Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}
    return client.post(attachments_url(page_id), content=body, headers=headers)


def files_under(directory: Path) -> set[Path]:
    return {path for path in directory.rglob("*") if path.is_file()}


@pytest.fixture
def page(client: TestClient) -> dict:
    create_space(client)
    return create_page(client, "Diagrams")


def test_upload_images_and_text_then_list_with_download_links(
    client: TestClient, page: dict
) -> None:
    response = upload(
        client,
        page["id"],
        ("diagram.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("notes.txt", b"plain words\n", "text/plain"),
        data={"comment": "first upload"},
    )
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["size"] == 3
    first = created["results"][0]
    assert first["type"] == "attachment"
    assert first["title"] == "diagram.png"
    assert first["version"]["number"] == 1
    assert first["container"]["id"] == page["id"]
    assert first["extensions"] == {
        "mediaType": "image/png",
        "fileSize": len(PNG),
        "comment": "first upload",
    }
    listed = client.get(attachments_url(page["id"]), params={"expand": "version,container"})
    assert listed.status_code == 200
    items = {item["title"]: item for item in listed.json()["results"]}
    assert set(items) == {"diagram.png", "photo.jpg", "notes.txt"}
    assert items["photo.jpg"]["metadata"]["mediaType"] == "image/jpeg"
    assert items["photo.jpg"]["container"]["id"] == page["id"]
    assert items["notes.txt"]["_links"]["download"] == (
        f"/download/attachments/{page['id']}/notes.txt?version=1&api=v2"
    )


def test_list_filters_by_file_name(client: TestClient, page: dict) -> None:
    upload(client, page["id"], ("a.txt", b"a", "text/plain"), ("b.txt", b"b", "text/plain"))
    listed = client.get(attachments_url(page["id"]), params={"filename": "b.txt"}).json()
    assert [item["title"] for item in listed["results"]] == ["b.txt"]


def test_download_returns_the_bytes_whatever_the_client_accepts(
    client: TestClient, page: dict
) -> None:
    item = upload(client, page["id"], ("Schéma 1.png", PNG, "image/png")).json()["results"][0]
    response = client.get(item["_links"]["download"], headers=JSON_CLIENT)
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline; ")
    assert "filename*=UTF-8''Sch%C3%A9ma%201.png" in disposition
    assert response.headers["x-content-type-options"] == "nosniff"
    cached = client.get(
        item["_links"]["download"], headers={"If-None-Match": response.headers["etag"]}
    )
    assert cached.status_code == 304
    assert cached.content == b""
    head = client.head(item["_links"]["download"])
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(PNG))


def test_media_type_comes_from_the_bytes_or_the_name_when_the_client_is_vague(
    client: TestClient, page: dict
) -> None:
    results = upload(
        client,
        page["id"],
        ("scan.bin", JPEG, "application/octet-stream"),
        ("report.pdf", b"%PDF-1.4 not really", "application/octet-stream"),
    ).json()["results"]
    assert [r["extensions"]["mediaType"] for r in results] == ["image/jpeg", "application/pdf"]
    download = client.get(results[1]["_links"]["download"])
    assert download.headers["content-disposition"].startswith("attachment; ")


def test_versions_by_data_endpoint_and_multipart_put(client: TestClient, page: dict) -> None:
    item = upload(client, page["id"], ("chart.png", PNG, "image/png")).json()["results"][0]
    second = image_bytes("PNG", (80, 60), "red")
    third = image_bytes("PNG", (20, 20), "blue")
    response = upload(
        client,
        page["id"],
        ("chart.png", second, "image/png"),
        data={"comment": "redder", "minorEdit": "true"},
        url=f"{attachments_url(page['id'])}/{item['id']}/data",
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"]["number"] == 2
    assert response.json()["extensions"]["comment"] == "redder"
    response = upload(
        client,
        page["id"],
        ("chart.png", third, "image/png"),
        method="PUT",
        url=f"/rest/api/content/{item['id']}",
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["version"]["number"] == 3
    assert updated["extensions"]["fileSize"] == len(third)
    assert updated["_links"]["download"].endswith("?version=3&api=v2")
    path = f"/download/attachments/{page['id']}/chart.png"
    assert client.get(path, params={"version": 1}).content == PNG
    assert client.get(path, params={"version": 2}).content == second
    assert client.get(path).content == third
    assert client.get(path, params={"version": 9}).status_code == 404
    history = client.get(f"/rest/api/content/{item['id']}/history").json()
    assert history["lastUpdated"]["number"] == 3


def test_put_child_attachment_creates_then_adds_a_version(client: TestClient, page: dict) -> None:
    first = upload(client, page["id"], ("log.txt", b"one", "text/plain"), method="PUT")
    assert first.status_code == 200, first.text
    again = upload(client, page["id"], ("log.txt", b"two", "text/plain"), method="PUT")
    assert again.status_code == 200, again.text
    assert again.json()["results"][0]["id"] == first.json()["results"][0]["id"]
    assert again.json()["results"][0]["version"]["number"] == 2
    assert client.get(f"/download/attachments/{page['id']}/log.txt").content == b"two"


def test_same_name_twice_is_refused_unless_duplicates_are_allowed(
    client: TestClient, page: dict
) -> None:
    upload(client, page["id"], ("a.txt", b"one", "text/plain"))
    response = upload(client, page["id"], ("a.txt", b"two", "text/plain"))
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "Cannot add a new attachment with same file name as an existing attachment: a.txt"
    )
    allowed = client.post(
        attachments_url(page["id"]),
        params={"allowDuplicated": "true"},
        files={"file": ("a.txt", b"two", "text/plain")},
        headers=XSRF,
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["results"][0]["version"]["number"] == 2


def test_upload_without_xsrf_token_is_forbidden(
    client: TestClient, page: dict, settings: Settings
) -> None:
    response = client.post(attachments_url(page["id"]), files={"file": ("a.txt", b"x")})
    assert response.status_code == 403
    assert response.json()["message"].startswith("XSRF check failed")
    assert files_under(settings.attachments_dir) == set()


@pytest.mark.parametrize("excess", [1, 2 * 1024 * 1024])
def test_oversize_upload_is_refused_and_nothing_is_kept(
    client: TestClient, page: dict, settings: Settings, excess: int
) -> None:
    before = files_under(settings.home)
    big = b"x" * (settings.max_upload_bytes + excess)
    response = upload(client, page["id"], ("big.bin", big, "application/octet-stream"))
    assert response.status_code == 413
    assert "limit" in response.json()["message"]
    assert client.get(attachments_url(page["id"])).json()["size"] == 0
    assert files_under(settings.home) == before


@pytest.mark.parametrize(
    "disposition",
    [
        b'filename=""',
        b'filename="../evil.txt"',
        b'filename="dir/evil.txt"',
        b'filename=".."',
        b'filename="bad\x01name.txt"',
        b'filename="' + b"x" * 256 + b'"',
    ],
)
def test_unsafe_file_names_are_refused(
    client: TestClient, page: dict, settings: Settings, disposition: bytes
) -> None:
    response = raw_upload(client, page["id"], disposition, b"data")
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    assert files_under(settings.attachments_dir) == set()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage without end"),
        ("application/json", b'{"file": "x"}'),
    ],
)
def test_malformed_uploads_are_client_errors(
    client: TestClient, page: dict, content_type: str, body: bytes
) -> None:
    response = client.post(
        attachments_url(page["id"]),
        content=body,
        headers={**XSRF, "Content-Type": content_type},
    )
    assert 400 <= response.status_code < 500
    assert response.json()["message"]


def test_form_fields_are_validated(client: TestClient, page: dict) -> None:
    no_file = client.post(attachments_url(page["id"]), files={"comment": (None, "x")}, headers=XSRF)
    assert no_file.status_code == 400
    bad_flag = upload(client, page["id"], ("a.txt", b"a", "text/plain"), data={"minorEdit": "x"})
    assert bad_flag.status_code == 400
    two_files = upload(
        client,
        page["id"],
        ("a.txt", b"a", "text/plain"),
        ("b.txt", b"b", "text/plain"),
        url=f"{attachments_url(page['id'])}/{page['id']}/data",
    )
    assert two_files.status_code == 400


def test_unknown_page_is_404_and_nothing_is_kept(client: TestClient, settings: Settings) -> None:
    response = upload(client, "987654", ("a.txt", b"a", "text/plain"))
    assert response.status_code == 404
    assert files_under(settings.attachments_dir) == set()
    missing = client.get("/download/attachments/987654/a.txt")
    assert missing.status_code == 404


def test_attachment_of_another_page_is_404_on_the_data_endpoint(
    client: TestClient, page: dict
) -> None:
    other = create_page(client, "Other")
    item = upload(client, page["id"], ("a.txt", b"a", "text/plain")).json()["results"][0]
    response = upload(
        client,
        other["id"],
        ("a.txt", b"b", "text/plain"),
        url=f"{attachments_url(other['id'])}/{item['id']}/data",
    )
    assert response.status_code == 404


def test_anonymous_callers_must_log_in(
    client: TestClient, anonymous: TestClient, page: dict
) -> None:
    upload(client, page["id"], ("a.txt", b"a", "text/plain"))
    refused = upload(anonymous, page["id"], ("b.txt", b"b", "text/plain"))
    assert refused.status_code == 401
    assert anonymous.get(f"/download/attachments/{page['id']}/a.txt").status_code == 401


def test_anonymous_can_download_from_a_public_space(
    client: TestClient, anonymous: TestClient
) -> None:
    create_space(client, "PUB", anonymousAccess=True)
    public = create_page(client, "Open", space="PUB")
    upload(client, public["id"], ("open.txt", b"for everyone", "text/plain"))
    response = anonymous.get(f"/download/attachments/{public['id']}/open.txt")
    assert response.status_code == 200
    assert response.content == b"for everyone"


def test_a_failed_upload_transaction_leaves_no_file(
    client: TestClient, page: dict, settings: Settings
) -> None:
    upload(client, page["id"], ("taken.txt", b"old", "text/plain"))
    before = files_under(settings.home)
    # The first file is saved, the second is a duplicate: the whole request rolls back.
    response = upload(
        client,
        page["id"],
        ("fresh.txt", b"new", "text/plain"),
        ("taken.txt", b"dup", "text/plain"),
    )
    assert response.status_code == 400
    assert files_under(settings.home) == before
    titles = [r["title"] for r in client.get(attachments_url(page["id"])).json()["results"]]
    assert titles == ["taken.txt"]


def test_files_moved_into_place_go_away_when_the_transaction_rolls_back(
    settings: Settings, db: Database, client: TestClient, page: dict
) -> None:
    bootstrap(settings, db)
    admin = Identity(user_id=1, username="admin", is_admin=True)
    incoming = receive_file(settings, "late.txt", io.BytesIO(b"bytes"), "text/plain")
    placed: list[set[Path]] = []

    def add_then_fail() -> None:
        with db.write() as session:
            add_attachment(session, admin, settings, int(page["id"]), incoming)
            placed.append(files_under(settings.attachments_dir))
            raise RuntimeError("the commit never happens")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert len(placed[0]) == 1
    assert files_under(settings.attachments_dir) == set()


def test_purging_an_attachment_removes_its_files(
    client: TestClient, page: dict, settings: Settings
) -> None:
    item = upload(client, page["id"], ("gone.txt", b"one", "text/plain")).json()["results"][0]
    upload(
        client,
        page["id"],
        ("gone.txt", b"two", "text/plain"),
        url=f"{attachments_url(page['id'])}/{item['id']}/data",
    )
    assert len(files_under(settings.attachments_dir)) == 2
    assert client.delete(f"/rest/api/content/{item['id']}").status_code == 204
    assert len(files_under(settings.attachments_dir)) == 2
    purged = client.delete(f"/rest/api/content/{item['id']}", params={"status": "trashed"})
    assert purged.status_code == 204
    assert files_under(settings.attachments_dir) == set()


def test_concurrent_new_versions_each_keep_their_own_bytes(
    settings: Settings, db: Database, client: TestClient, page: dict
) -> None:
    item = upload(client, page["id"], ("race.txt", b"v1", "text/plain")).json()["results"][0]
    admin = Identity(user_id=1, username="admin", is_admin=True)
    saved: dict[int, bytes] = {}
    conflicts: list[Conflict] = []
    start = threading.Barrier(6)

    def new_version(writer: int) -> None:
        payload = f"writer {writer}".encode()
        incoming = receive_file(settings, "race.txt", io.BytesIO(payload), "text/plain")
        start.wait()
        try:
            with db.write() as session:
                attachment = update_attachment_data(
                    session, admin, settings, int(item["id"]), incoming
                )
                number = attachment.version
            saved[number] = payload
        except Conflict as exc:
            conflicts.append(exc)
        finally:
            incoming.discard()

    threads = [threading.Thread(target=new_version, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(saved) + len(conflicts) == 6
    assert sorted(saved) == list(range(2, 2 + len(saved)))
    with db.read() as session:
        for number, payload in saved.items():
            stored = find_attachment_file(
                session, admin, settings, int(page["id"]), "race.txt", number
            )
            assert stored.path.read_bytes() == payload
    assert len(files_under(settings.attachments_dir)) == 1 + len(saved)
