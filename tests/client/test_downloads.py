"""Server-chosen file names and download URLs are untrusted (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pressroom.client import ExportClient, ExportError, ExportStatus
from pressroom.client.exporter import ServerAuth
from pressroom.client.files import name_from_disposition, name_from_download_url

SERVER = "http://pressroom.test"
ARTIFACTS = f"{SERVER}/plugins/servlet/scroll-office/api/artifacts/job-1"


def _complete(download_url: str) -> ExportStatus:
    return ExportStatus("job-1", "complete", 3, 3, 100, download_url)


def _client(seen: list[httpx.Request], **auth: object) -> ExportClient:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"PK\x03\x04 document")

    return ExportClient(SERVER, transport=httpx.MockTransport(answer), **auth)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("segment", "name"),
    [
        ("Operator%20Guide-v1-20260101_120000.docx", "Operator Guide-v1-20260101_120000.docx"),
        ("..%2F..%2Fetc%2Fpasswd", ".._.._etc_passwd"),
        ("..%5Cwindows.docx", ".._windows.docx"),
        ("a%00b%0A.docx", "ab.docx"),
    ],
)
def test_server_names_stay_plain_file_names(segment: str, name: str) -> None:
    assert name_from_download_url(f"{ARTIFACTS}/{segment}") == name


@pytest.mark.parametrize("segment", ["..", "%2E%2E", ".", "%20", ""])
def test_names_that_leave_the_directory_are_refused(segment: str) -> None:
    with pytest.raises(ExportError, match="unusable file name"):
        name_from_download_url(f"{ARTIFACTS}/{segment}")


def test_overlong_names_are_shortened_keeping_the_suffix() -> None:
    long_stem = "\u00e4" * 300
    name = name_from_download_url(f"{ARTIFACTS}/{long_stem}.docx")
    assert name.endswith(".docx") and len(name.encode()) <= 255


def test_disposition_prefers_the_utf8_name() -> None:
    header = (
        'attachment; filename="Notes - Uberblick.docx"; '
        "filename*=UTF-8''Notes%20%E2%80%93%20%C3%9Cberblick.docx"
    )
    assert name_from_disposition(header, "x.docx") == "Notes \u2013 \u00dcberblick.docx"
    assert name_from_disposition(None, "557060.docx") == "557060.docx"


def test_download_never_writes_outside_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "exports"
    target.mkdir()
    with _client([]) as client:
        path = client.download(_complete(f"{ARTIFACTS}/..%2F..%2Fescape.docx"), target)
    assert path == target / ".._.._escape.docx"
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]


def test_a_trailing_separator_names_a_new_directory(tmp_path: Path) -> None:
    with _client([]) as client:
        path = client.download(_complete(f"{ARTIFACTS}/a.docx"), f"{tmp_path}/new/")
    assert path == tmp_path / "new" / "a.docx"
    assert path.read_bytes().startswith(b"PK")


def test_downloads_stay_on_the_clients_server(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    public = "https://docs.example.com/wiki/plugins/servlet/scroll-office/api/artifacts"
    with _client(seen, token="secret-token") as client:
        client.download(_complete(f"{ARTIFACTS}/a.docx"), tmp_path)
        client.download(_complete(f"{public}/job-1/b%20c.docx"), tmp_path)
        with pytest.raises(ExportError, match="not an artifact URL"):
            client.download(_complete("https://elsewhere.test/job-1/d.docx"), tmp_path)
    assert [str(request.url) for request in seen] == [
        f"{ARTIFACTS}/a.docx",
        f"{ARTIFACTS}/b%20c.docx",
    ]
    assert {request.headers["authorization"] for request in seen} == {"Bearer secret-token"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b c.docx"]


def test_credentials_are_not_sent_to_other_origins() -> None:
    seen: list[httpx.Request] = []
    auth = ServerAuth(httpx.URL(SERVER), None, "secret-token")
    for url in (f"{SERVER}/x", "http://elsewhere.test/x", "https://pressroom.test/x"):
        seen.append(next(auth.auth_flow(httpx.Request("GET", url))))
    assert ["authorization" in request.headers for request in seen] == [True, False, False]


def test_basic_credentials_use_httpx_basic_auth(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    with _client(seen, auth=("writer", "pw")) as client:
        client.download(_complete(f"{ARTIFACTS}/a.docx"), tmp_path)
    assert seen[0].headers["authorization"] == "Basic d3JpdGVyOnB3"  # writer:pw


def test_unreachable_server_is_an_export_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        ExportClient(SERVER, transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(ExportError, match="Cannot talk to the server") as error,
    ):
        client.status("job-1")
    assert error.value.status_code is None


def test_non_json_refusal_keeps_the_status_code() -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad Gateway</html>", headers={"Retry-After": "5"})

    with (
        ExportClient(SERVER, transport=httpx.MockTransport(gateway)) as client,
        pytest.raises(ExportError) as error,
    ):
        client.start_export("1", "t")
    assert (error.value.status_code, error.value.message) == (502, "Bad Gateway")
    assert error.value.retry_after == 5


def test_base_url_may_carry_a_context_path() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"jobId": "job-1"})

    transport = httpx.MockTransport(answer)
    with ExportClient(f"{SERVER}/confluence/", transport=transport) as client:
        assert client.start_export(557060, "t", locale="de-CH", versionId=None) == "job-1"
    assert seen[0].url.path == "/confluence/plugins/servlet/scroll-office/api/public/1/exports"
    assert json.loads(seen[0].content) == {
        "pageId": "557060",
        "templateId": "t",
        "scope": "current",
        "locale": "de-CH",
    }
