"""Real ``pressroom worker`` processes: restarts with queued jobs, a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from pressroom.app import create_app
from pressroom.clock import as_utc
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from pressroom.jobs.sweeper import sweep_once
from tests.conftest import ADMIN, create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    FakeClock,
    finished,
    running_job_held,
    wait_for_status,
)

PAGE_BODY = (
    "<h2>Part</h2><p>"
    + "Words that fill a page. " * 40
    + "</p>"
    + ("<ul><li>item<ul><li>nested</li></ul></li></ul>" * 5)
)


@contextmanager
def worker_process(
    settings: Settings, workers: int = 1, log: Path | None = None, **extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PRESSROOM_HOME": str(settings.home),
        "PRESSROOM_DATABASE_URL": settings.resolved_database_url,
        "PRESSROOM_ADMIN_PASSWORD": ADMIN[1],
        "PRESSROOM_METRICS_DIR": str(settings.home / "metrics"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    output = log.open("ab") if log else None
    process = subprocess.Popen(
        [sys.executable, "-m", "pressroom.cli", "worker", "--workers", str(workers)],
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=output,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if output:
            output.close()


def _start(client: TestClient, page_id: str, scope: str = "current") -> str:
    response = client.post(
        f"{WORD_BASE}/exports",
        json={"pageId": page_id, "scope": scope, "templateId": DEFAULT_TEMPLATE},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def test_jobs_queued_before_a_restart_run_after_it(settings: Settings, db: Database) -> None:
    first = create_app(settings, db)
    with TestClient(first) as client:
        client.auth = ADMIN
        create_space(client)
        page = create_page(client, "Survivor", PAGE_BODY)
        jobs = [_start(client, page["id"]) for _ in range(3)]
    # The API is gone; a new one and a worker process start on the same home.
    second = create_app(settings, db)
    with TestClient(second) as client, worker_process(settings):
        client.auth = ADMIN
        states = [wait_for_status(client, job, finished, timeout=90)["status"] for job in jobs]
    assert states == ["complete"] * 3


def test_a_worker_killed_mid_job_leaves_an_error_not_incomplete(
    settings: Settings, db: Database
) -> None:
    clock = FakeClock()
    app = create_app(settings, db, clock=clock, sweep_interval=3600)
    with TestClient(app) as client:
        client.auth = ADMIN
        create_space(client)
        root = create_page(client, "Big Manual", PAGE_BODY)
        for index in range(60):
            create_page(client, f"Chapter {index}", PAGE_BODY, parent=root["id"])
        job_id = _start(client, root["id"], scope="descendants")
        with worker_process(settings) as process, running_job_held(db, job_id):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        assert client.get(f"{WORD_BASE}/exports/{job_id}/status").json()["status"] == "incomplete"
        with db.read() as session:
            heartbeat = as_utc(session.get(ExportJob, job_id).heartbeat_at)
        # The worker wrote its heartbeat with its own (real) clock; the sweeper's clock is
        # set from that record, never from how long this test took.
        stale = timedelta(seconds=settings.job_stale_seconds)
        clock.now = heartbeat + stale - timedelta(seconds=1)
        assert sweep_once(settings, db, clock) == (0, 0)
        clock.now = heartbeat + stale + timedelta(seconds=1)
        assert sweep_once(settings, db, clock) == (1, 0)
        status = client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert status["status"] == "error"
    assert "worker stopped" in status["message"]
    assert not any(Path(settings.exports_dir / job_id).glob("*.docx"))


def _big_manual(client: TestClient, chapters: int = 40) -> str:
    create_space(client)
    root = create_page(client, "Big Manual", PAGE_BODY)
    for index in range(chapters):
        create_page(client, f"Chapter {index}", PAGE_BODY, parent=root["id"])
    return str(root["id"])


def _wait_for_line(log: Path, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in the worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def test_sigterm_lets_a_running_export_finish_within_the_drain_period(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    app = create_app(settings, db, sweep_interval=3600)
    with TestClient(app) as client:
        client.auth = ADMIN
        job_id = _start(client, _big_manual(client), scope="descendants")
        with worker_process(settings, log=log, PRESSROOM_DRAIN_SECONDS="300") as process:
            with running_job_held(db, job_id):
                process.send_signal(signal.SIGTERM)
                _wait_for_line(log, "Shutting down gracefully")
            assert process.wait(timeout=300) == 0
        status = client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert status["status"] == "complete"


def test_sigterm_past_the_drain_period_queues_the_job_again_for_the_next_worker(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    app = create_app(settings, db, sweep_interval=3600)
    with TestClient(app) as client:
        client.auth = ADMIN
        job_id = _start(client, _big_manual(client), scope="descendants")
        with worker_process(settings, log=log, PRESSROOM_DRAIN_SECONDS="0") as process:
            with running_job_held(db, job_id):
                process.send_signal(signal.SIGTERM)
                _wait_for_line(log, "interrupting workers")
            process.wait(timeout=120)
        with db.read() as session:
            job = session.get(ExportJob, job_id)
            assert job is not None
            assert (job.state, job.worker, job.step) == ("queued", None, 0)
        assert not (settings.exports_dir / job_id).exists()  # nothing half-written is left
        assert client.get(f"{WORD_BASE}/exports/{job_id}/status").json()["status"] == "incomplete"
        with worker_process(settings):
            status = wait_for_status(client, job_id, finished, timeout=300)
    assert status["status"] == "complete"
    assert f"job state=queued job={job_id}" in log.read_text()
