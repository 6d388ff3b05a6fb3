"""Body limits belong to the route: a multipart body sent to a JSON route is refused
before any of it is read, and uploads keep their larger limit on upload routes only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, create_page, create_space

CHUNK = 64 * 1024
MULTIPART = b"multipart/form-data; boundary=x"


@dataclass
class StreamedUpload:
    """A chunked request body of ``total`` bytes that counts how much the server pulled."""

    total: int
    consumed: int = 0
    status: int | None = None
    body: bytearray = field(default_factory=bytearray)

    def chunks(self) -> Iterator[bytes]:
        sent = 0
        while sent < self.total:
            sent += CHUNK
            yield b"-" * CHUNK

    def send_to(self, app: FastAPI, method: str, path: str, content_type: bytes) -> None:
        asyncio.run(self._send(app, method, path, content_type))

    async def _send(self, app: FastAPI, method: str, path: str, content_type: bytes) -> None:
        chunks = self.chunks()

        async def receive() -> dict:
            chunk = next(chunks, None)
            if chunk is None:
                return {"type": "http.request", "body": b"", "more_body": False}
            self.consumed += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": True}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            elif message["type"] == "http.response.body":
                self.body += message.get("body", b"")

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"content-type", content_type),
                (b"transfer-encoding", b"chunked"),
            ],
            "client": ("192.0.2.1", 50000),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)


def test_multipart_to_a_json_route_is_refused_before_it_is_read(app: FastAPI) -> None:
    """The audit's finding: the 100 MiB upload limit, chosen from the client's Content-Type,
    let a multipart body to any JSON route be buffered."""
    upload = StreamedUpload(total=16 * 1024 * 1024)
    upload.send_to(app, "POST", "/rest/api/content", MULTIPART)
    assert upload.status == 415
    assert upload.consumed == 0
    assert "JSON" in json.loads(upload.body)["message"]


def test_a_json_body_to_an_upload_route_keeps_the_json_limit(app: FastAPI) -> None:
    upload = StreamedUpload(total=16 * 1024 * 1024)
    upload.send_to(app, "POST", "/rest/api/content/1/child/attachment", b"application/json")
    assert upload.status == 413
    assert upload.consumed <= 256 * 1024 + CHUNK  # the test settings' max_body_bytes


def test_upload_routes_still_take_uploads_over_the_json_limit(client: TestClient) -> None:
    create_space(client)
    page = create_page(client, "Files")
    data = b"\x89PNG" + b"x" * (512 * 1024)  # over max_body_bytes, under max_upload_bytes
    response = client.post(
        f"/rest/api/content/{page['id']}/child/attachment",
        files={"file": ("big.bin", data, "application/octet-stream")},
        headers={"X-Atlassian-Token": "no-check"},
        auth=ADMIN,
    )
    assert response.status_code == 200, response.text


def test_multipart_to_the_login_form_is_refused(client: TestClient) -> None:
    response = client.post("/login", files={"os_username": (None, "admin")})
    assert response.status_code == 415
