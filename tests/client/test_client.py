"""``ExportClient`` against a live server over real HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import httpx
import pytest

from pressroom.client import (
    ExportClient,
    ExportError,
    ExportFailed,
    ExportStatus,
    ExportTimeout,
)
from tests.client.conftest import LiveServer
from tests.conftest import ADMIN, create_page, create_space
from tests.jobs.conftest import DEFAULT_TEMPLATE

FAST_POLL = 0.05
WAIT_LIMIT = 60.0


def _guide(admin_http: httpx.Client) -> dict:
    create_space(admin_http)  # type: ignore[arg-type]
    root = create_page(admin_http, "Operator Guide", "<h1>Overview</h1><p>Ship it.</p>")  # type: ignore[arg-type]
    create_page(admin_http, "Chapter 1", "<p>one</p>", parent=root["id"])  # type: ignore[arg-type]
    return root


def test_async_export_lands_in_a_directory_under_the_servers_name(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    root = _guide(admin_http)
    live_server.start_workers()
    seen: list[ExportStatus] = []
    with ExportClient(live_server.url, auth=ADMIN) as client:
        job_id = client.start_export(root["id"], DEFAULT_TEMPLATE, scope="descendants")
        status = client.wait(job_id, FAST_POLL, on_progress=seen.append, timeout=WAIT_LIMIT)
        path = client.download(status, downloads)
    assert status.status == "complete"
    assert (status.step, status.total_steps, status.step_progress) == (3, 3, 100)
    assert seen[-1] == status
    assert [s.fraction_done for s in seen] == sorted(s.fraction_done for s in seen)
    assert path.parent == downloads
    assert re.fullmatch(r"Operator Guide-v1-\d{8}_\d{6}\.docx", path.name)
    texts = [paragraph.text for paragraph in docx.Document(str(path)).paragraphs]
    assert "Operator Guide" in texts and "Chapter 1" in texts
    assert not [p for p in downloads.iterdir() if p.name.endswith(".part")]


def test_download_to_a_chosen_file(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    root = _guide(admin_http)
    live_server.start_workers()
    target = downloads / "out" / "guide.docx"
    with ExportClient(live_server.url, auth=ADMIN) as client:
        status = client.wait(
            client.start_export(root["id"], DEFAULT_TEMPLATE), FAST_POLL, timeout=WAIT_LIMIT
        )
        assert client.download(status, target) == target
    docx.Document(str(target))


def test_refusals_carry_the_servers_message(live_server: LiveServer) -> None:
    with ExportClient(live_server.url, auth=ADMIN) as client:
        with pytest.raises(ExportError) as refused:
            client.start_export("999999", DEFAULT_TEMPLATE)
        with pytest.raises(ExportError) as unknown_job:
            client.status("00000000-0000-0000-0000-000000000000")
    assert refused.value.status_code == 404
    assert "999999" in refused.value.message
    assert unknown_job.value.status_code == 404
    assert "10 minutes" in unknown_job.value.message


def test_wrong_password_is_401(live_server: LiveServer) -> None:
    with (
        ExportClient(live_server.url, auth=("admin", "wrong")) as client,
        pytest.raises(ExportError) as refused,
    ):
        client.start_export("1", DEFAULT_TEMPLATE)
    assert refused.value.status_code == 401


def test_cancelled_job_reports_cancelled_and_has_nothing_to_download(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    root = _guide(admin_http)  # no workers: the job stays queued
    with ExportClient(live_server.url, auth=ADMIN) as client:
        job_id = client.start_export(root["id"], DEFAULT_TEMPLATE)
        with pytest.raises(ExportTimeout):
            client.wait(job_id, FAST_POLL, timeout=0.3)
        client.cancel(job_id)
        status = client.wait(job_id, FAST_POLL, timeout=WAIT_LIMIT)
        with pytest.raises(ExportFailed) as failed:
            client.download(status, downloads)
    assert status.status == "cancelled"
    assert failed.value.message == status.message == "The export was cancelled."
    assert list(downloads.iterdir()) == []


def test_anonymous_export_rides_on_the_session_cookie(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    create_space(admin_http, "PUB", anonymousAccess=True)  # type: ignore[arg-type]
    page = create_page(admin_http, "Public Notes", space="PUB")  # type: ignore[arg-type]
    live_server.start_workers()
    with ExportClient(live_server.url) as anonymous:
        job_id = anonymous.start_export(page["id"], DEFAULT_TEMPLATE)
        assert {"PRESSROOM_SESSION", "PRESSROOM_NODE"} <= set(anonymous.cookies.keys())
        status = anonymous.wait(job_id, FAST_POLL, timeout=WAIT_LIMIT)
        path = anonymous.download(status, downloads)
    assert path.name.startswith("Public Notes-v1-")
    with ExportClient(live_server.url) as stranger, pytest.raises(ExportError) as hidden:
        stranger.status(job_id)
    assert hidden.value.status_code == 404


def test_personal_access_token_is_sent_as_bearer(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    root = _guide(admin_http)
    created = admin_http.post("/rest/pat/latest/tokens", json={"name": "nightly export"})
    assert created.status_code == 201, created.text
    live_server.start_workers()
    with ExportClient(live_server.url, token=created.json()["rawToken"]) as client:
        status = client.wait(
            client.start_export(root["id"], DEFAULT_TEMPLATE), FAST_POLL, timeout=WAIT_LIMIT
        )
        assert client.download(status, downloads).suffix == ".docx"
        templates = client.list_templates("DOC")
    assert DEFAULT_TEMPLATE in [template.id for template in templates]


def test_sync_export_as_bytes_and_to_a_directory(
    live_server: LiveServer, admin_http: httpx.Client, downloads: Path
) -> None:
    create_space(admin_http)  # type: ignore[arg-type]
    page = create_page(admin_http, "Release Notes \u2013 \u00dcberblick")  # type: ignore[arg-type]
    live_server.start_workers()
    with ExportClient(live_server.url, auth=ADMIN) as client:
        content = client.export_sync(page["id"], DEFAULT_TEMPLATE)
        path = client.export_sync(page["id"], DEFAULT_TEMPLATE, target=downloads)
    assert content[:2] == b"PK"
    assert path.parent == downloads
    assert path.name.startswith("Release Notes \u2013 \u00dcberblick")
    assert path.suffix == ".docx"
