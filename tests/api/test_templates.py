"""``/plugins/servlet/scroll-office/api/templates`` over HTTP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pressroom.auth.models import SpacePermission, User
from pressroom.auth.passwords import hash_password
from pressroom.config import Settings
from pressroom.content.models import Space
from pressroom.db import Database
from pressroom.export.docx import TEMPLATE_ID
from tests.conftest import create_space
from tests.content.test_templates import stored_files, template_docx, zip_bomb

TEMPLATES = "/plugins/servlet/scroll-office/api/templates"
XSRF = {"X-Atlassian-Token": "no-check"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def post_template(
    client: TestClient,
    data: bytes | None = None,
    file_name: str = "Brand.docx",
    headers: dict[str, str] | None = None,
    **fields: str,
) -> Any:
    content = template_docx() if data is None else data
    return client.post(
        TEMPLATES,
        files={"file": (file_name, content, DOCX)},
        data=fields,
        headers=XSRF if headers is None else headers,
    )


def uploaded(client: TestClient, **fields: str) -> dict[str, Any]:
    response = post_template(client, **fields)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def writer(app: Any, db: Database) -> TestClient:
    """A logged-in user who is no administrator, allowed to view space DOC."""
    with db.write() as session:
        session.add(User(username="writer", password_hash=hash_password("writer-secret")))
    client = TestClient(app)
    client.auth = ("writer", "writer-secret")
    return client


def grant(db: Database, key: str, username: str, *permissions: str) -> None:
    with db.write() as session:
        space = session.query(Space).filter_by(key=key).one()
        space.permissions += [
            SpacePermission(subject_type="user", subject_name=username, permission=permission)
            for permission in permissions
        ]


def test_upload_answers_template_information(client: TestClient) -> None:
    response = post_template(client, name="Brand", description="Our look")
    assert response.status_code == 201, response.text
    info = response.json()
    assert info["name"] == "Brand"
    assert info["description"] == "Our look"
    assert (info["spaceKey"], info["type"], info["creator"]) == (None, "global", "admin")
    assert info["warnings"] == []
    assert info["fileName"] == "Brand.docx"
    assert len(info["id"]) == 36


def test_information_has_the_export_sync_url(client: TestClient) -> None:
    template_id = uploaded(client)["id"]
    info = client.get(f"{TEMPLATES}/{template_id}").json()
    expected = (
        "http://testserver/plugins/servlet/scroll-office/api/public/1/export-sync"
        f"?templateId={template_id}&pageId=PAGE-ID&scope=current"
    )
    assert info["exportSyncUrl"] == expected
    assert info["restUrl"] == expected
    assert info["id"] == template_id


def test_builtin_template_information(client: TestClient) -> None:
    info = client.get(f"{TEMPLATES}/{TEMPLATE_ID}").json()
    assert (info["id"], info["spaceKey"], info["creator"]) == (TEMPLATE_ID, None, "system")
    assert f"templateId={TEMPLATE_ID}&pageId=PAGE-ID" in info["exportSyncUrl"]


def test_list_is_a_bare_array_with_the_default_template(client: TestClient) -> None:
    create_space(client, "DOC")
    create_space(client, "OTHER")
    uploaded(client, name="Global")
    uploaded(client, name="Doc look", spaceKey="DOC")
    uploaded(client, name="Other look", spaceKey="OTHER")
    everything = client.get(TEMPLATES).json()
    assert isinstance(everything, list)
    assert {t["name"] for t in everything} >= {"Global", "Doc look", "Other look"}
    in_doc = client.get(TEMPLATES, params={"spaceKey": "DOC"}).json()
    shape = [(t["name"], t["spaceKey"], t["type"], t["creator"]) for t in in_doc]
    assert shape == [
        ("Default Word template", None, "global", "system"),
        ("Global", None, "global", "admin"),
        ("Doc look", "DOC", "space", "admin"),
    ]
    assert set(in_doc[1]) >= {"id", "name", "description", "modifiedDate", "restUrl"}


def test_list_of_an_unknown_space(client: TestClient) -> None:
    response = client.get(TEMPLATES, params={"spaceKey": "NOPE"})
    assert response.status_code == 404
    assert "NOPE" in response.json()["message"]


def test_download_returns_the_uploaded_bytes(client: TestClient) -> None:
    data = template_docx("Über $scroll.content")
    template_id = post_template(client, data, file_name="Übersicht.docx").json()["id"]
    response = client.get(f"{TEMPLATES}/{template_id}/download")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == DOCX
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Ubersicht.docx"')
    assert "filename*=UTF-8''%C3%9Cbersicht.docx" in disposition


def test_download_the_default_template(client: TestClient) -> None:
    response = client.get(f"{TEMPLATES}/{TEMPLATE_ID}/download")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "$scroll.content" in archive.read("word/document.xml").decode()


def test_replace_keeps_the_id(client: TestClient) -> None:
    template_id = uploaded(client, name="Brand")["id"]
    new_data = template_docx("Version 2 $scroll.content")
    response = client.put(
        f"{TEMPLATES}/{template_id}",
        files={"file": ("Brand v2.docx", new_data, DOCX)},
        data={"description": "Second try"},
        headers=XSRF,
    )
    assert response.status_code == 200, response.text
    info = response.json()
    assert (info["id"], info["name"], info["description"]) == (template_id, "Brand", "Second try")
    assert client.get(f"{TEMPLATES}/{template_id}/download").content == new_data


def test_delete(client: TestClient, settings: Settings) -> None:
    template_id = uploaded(client)["id"]
    assert client.delete(f"{TEMPLATES}/{template_id}").status_code == 204
    missing = client.get(f"{TEMPLATES}/{template_id}")
    assert missing.status_code == 404
    assert missing.json()["message"] == f"No template with id {template_id} exists."
    assert stored_files(settings.home) == []
    assert client.delete(f"{TEMPLATES}/{template_id}").status_code == 404


def test_builtin_template_cannot_be_deleted_or_replaced(client: TestClient) -> None:
    response = client.delete(f"{TEMPLATES}/{TEMPLATE_ID}")
    assert response.status_code == 409
    assert "built-in" in response.json()["message"]
    replaced = client.put(
        f"{TEMPLATES}/{TEMPLATE_ID}",
        files={"file": ("x.docx", template_docx(), DOCX)},
        headers=XSRF,
    )
    assert replaced.status_code == 409


def test_anonymous_must_log_in(anonymous: TestClient) -> None:
    for path in (TEMPLATES, f"{TEMPLATES}/{TEMPLATE_ID}", f"{TEMPLATES}/{TEMPLATE_ID}/download"):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json()["statusCode"] == 401
    assert post_template(anonymous).status_code == 401
    some_id = "5f0c7a52-7d4e-4c53-9a43-0c2f4d7a1b11"
    assert anonymous.delete(f"{TEMPLATES}/{some_id}").status_code == 401


def test_uploads_need_the_xsrf_header(client: TestClient, settings: Settings) -> None:
    response = post_template(client, headers={})
    assert response.status_code == 403
    assert "X-Atlassian-Token: no-check" in response.json()["message"]
    assert stored_files(settings.home) == []


def test_plain_users_manage_space_templates_only(
    client: TestClient, writer: TestClient, db: Database
) -> None:
    create_space(client, "DOC")
    grant(db, "DOC", "writer", "view")
    refused = post_template(writer)
    assert refused.status_code == 403
    assert "administrators" in refused.json()["message"]
    viewer = post_template(writer, spaceKey="DOC")
    assert viewer.status_code == 403
    assert "'admin' permission on space DOC" in viewer.json()["message"]
    grant(db, "DOC", "writer", "admin")
    own = post_template(writer, spaceKey="DOC")
    assert own.status_code == 201, own.text
    assert own.json()["creator"] == "writer"
    global_id = uploaded(client)["id"]
    assert writer.get(f"{TEMPLATES}/{global_id}/download").status_code == 200
    assert writer.delete(f"{TEMPLATES}/{global_id}").status_code == 403
    assert writer.delete(f"{TEMPLATES}/{own.json()['id']}").status_code == 204


def test_templates_of_invisible_spaces_do_not_exist(client: TestClient, writer: TestClient) -> None:
    create_space(client, "SECRET")
    template_id = uploaded(client, spaceKey="SECRET")["id"]
    assert writer.get(f"{TEMPLATES}/{template_id}").status_code == 404
    assert writer.get(f"{TEMPLATES}/{template_id}/download").status_code == 404
    assert template_id not in {t["id"] for t in writer.get(TEMPLATES).json()}


def test_not_a_zip_is_refused(client: TestClient, settings: Settings) -> None:
    response = post_template(client, b"%PDF-1.7 this is no Word file", file_name="a.docx")
    assert response.status_code == 400
    assert "not a zip" in response.json()["message"]
    assert stored_files(settings.home) == []


def test_zip_bomb_is_refused(client: TestClient, settings: Settings) -> None:
    response = post_template(client, zip_bomb(20 * 1024 * 1024))
    assert response.status_code == 400
    assert "unpacks to more than" in response.json()["message"]
    assert stored_files(settings.home) == []


@pytest.mark.parametrize("extra", [1, 200 * 1024])
def test_oversize_upload_is_too_large(client: TestClient, settings: Settings, extra: int) -> None:
    data = template_docx() + b"\0" * (settings.max_upload_bytes + extra)
    response = post_template(client, data)
    assert response.status_code == 413
    assert "limit" in response.json()["message"]
    assert stored_files(settings.home) == []


def test_placeholder_problems_come_back_as_warnings(client: TestClient) -> None:
    data = template_docx("$scroll.content", "{{ title | }}", header="$scroll.nosuch")
    response = post_template(client, data)
    assert response.status_code == 201, response.text
    warnings = response.json()["warnings"]
    assert any("Jinja syntax error" in w for w in warnings)
    assert any("$scroll.nosuch" in w and "header" in w for w in warnings)


def test_missing_file_part(client: TestClient) -> None:
    response = client.post(TEMPLATES, data={"name": "x"}, headers=XSRF)
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_files_never_take_user_names(client: TestClient, settings: Settings) -> None:
    info = post_template(client, file_name="../../evil.docx").json()
    assert stored_files(settings.home) == [f"{info['id']}.docx"]
    assert not (settings.home.parent / "evil.docx").exists()
    assert isinstance(settings.home, Path)


def test_permission_is_checked_before_the_file(writer: TestClient, client: TestClient) -> None:
    response = post_template(writer, b"not even a zip")
    assert response.status_code == 403
