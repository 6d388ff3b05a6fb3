"""No owner fills the queue: per-user caps on waiting and running exports, per-session and
per-address caps and a rate limit for anonymous exports, each a 429 naming its setting."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.lifecycle import export_dir
from pressroom.jobs.models import ExportJob
from pressroom.jobs.progress import Checkpoint
from pressroom.jobs.queue import ExportQueue
from pressroom.jobs.runner import JobRunner, RenderedExport
from tests.conftest import create_page, create_space
from tests.jobs.conftest import DEFAULT_TEMPLATE, WORD_BASE, FakeClock

EXPORTS = f"{WORD_BASE}/exports"


def _export(client: TestClient, page_id: str) -> httpx.Response:
    return client.post(EXPORTS, json={"pageId": page_id, "templateId": DEFAULT_TEMPLATE})


def _visitor(app: FastAPI, address: str) -> TestClient:
    """An anonymous browser of its own (cookie jar) at ``address``."""
    return TestClient(app, client=(address, 50000))


@pytest.fixture
def public_page(job_client: TestClient) -> str:
    create_space(job_client, "PUB", anonymousAccess=True)
    return str(create_page(job_client, "Public manual", space="PUB")["id"])


def test_a_user_may_have_twenty_exports_waiting(job_client: TestClient, public_page: str) -> None:
    for _ in range(20):
        assert _export(job_client, public_page).status_code == 200
    refused = _export(job_client, public_page)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "PRESSROOM_MAX_QUEUED_JOBS_PER_USER=20" in refused.json()["message"]


def test_anonymous_exports_are_capped_per_session_and_per_address(
    job_app: FastAPI, public_page: str
) -> None:
    visitor = _visitor(job_app, "192.0.2.10")
    for _ in range(3):
        assert _export(visitor, public_page).status_code == 200
    refused = _export(visitor, public_page)
    assert refused.status_code == 429
    assert "PRESSROOM_MAX_ANONYMOUS_JOBS=3" in refused.json()["message"]
    same_address = _visitor(job_app, "192.0.2.10")  # a fresh cookie jar changes nothing
    assert _export(same_address, public_page).status_code == 429
    elsewhere = _visitor(job_app, "192.0.2.11")
    assert _export(elsewhere, public_page).status_code == 200


def test_anonymous_exports_are_rate_limited_per_address(
    job_app: FastAPI, job_client: TestClient, public_page: str, clock: FakeClock
) -> None:
    job_app.state.settings.max_anonymous_jobs = 100
    visitor = _visitor(job_app, "192.0.2.20")
    for _ in range(10):
        response = _export(visitor, public_page)
        assert response.status_code == 200
        job_id = response.json()["jobId"]
        assert visitor.delete(f"{EXPORTS}/{job_id}").status_code == 204
    clock.advance(seconds=20)
    refused = _export(visitor, public_page)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    assert "10 a minute" in refused.json()["message"]
    assert _export(job_client, public_page).status_code == 200
    clock.advance(seconds=40)
    assert _export(visitor, public_page).status_code == 200


class GatedRender:
    """A renderer that holds the jobs named in ``held`` until released; every job gets a
    small file."""

    def __init__(self, held: set[str]) -> None:
        self.held = held
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, job: ExportJob, folder: Path, _checkpoint: Checkpoint) -> RenderedExport:
        if job.id in self.held:
            self.started.set()
            assert self.release.wait(30)
        path = folder / "out.docx"
        path.write_bytes(b"PK\x03\x04 not really a document")
        return RenderedExport(path, "out.docx", "Title", 1)


def test_a_users_exports_beyond_the_running_cap_wait_their_turn(
    settings: Settings, db: Database, job_client: TestClient, public_page: str, clock: FakeClock
) -> None:
    settings.max_running_jobs_per_user = 1
    first, second = (_export(job_client, public_page).json()["jobId"] for _ in range(2))
    visitor = _visitor(job_client.app, "192.0.2.30")
    anonymous = _export(visitor, public_page).json()["jobId"]
    render = GatedRender(held={first})
    runner = JobRunner(settings, db, render, clock)
    running = threading.Thread(target=runner, args=(first,))
    running.start()
    try:
        assert render.started.wait(30)
        assert runner(second) == pytest.approx(2.0)  # deferred: admin has one running
        assert job_client.get(f"{EXPORTS}/{second}/status").json()["step"] == 0
        assert runner(anonymous) is None  # other owners are not held back
        assert job_client.get(f"{EXPORTS}/{first}/status").json()["step"] == 1
    finally:
        render.release.set()
        running.join(30)
    assert runner(second) is None
    for job_id in (first, second, anonymous):
        status = job_client.get(f"{EXPORTS}/{job_id}/status").json()  # admins see all
        assert status["status"] == "complete", status
    assert (export_dir(settings.exports_dir, second) / "out.docx").is_file()


def test_a_deferred_export_goes_to_the_queues_schedule(settings: Settings) -> None:
    queue = ExportQueue(settings, lambda _job_id: 2.0)
    queue.enqueue("some-job")
    task = queue.huey.dequeue()
    assert task is not None
    queue.huey.execute(task)
    assert queue.pending() == 0
    assert queue.huey.scheduled_count() == 1
