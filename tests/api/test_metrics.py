"""``/metrics``, scraped as Prometheus does and read with prometheus-client's own parser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from pressroom import metrics
from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from tests.conftest import ADMIN, create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def admin_scrape(client: TestClient) -> Samples:
    response = client.get("/metrics", auth=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return scrape(response.text)


def test_metrics_count_jobs_pages_requests_and_login_failures(
    settings: Settings, db: Database
) -> None:
    app = create_app(settings, db, sweep_interval=3600, webhook_interval=3600)
    with TestClient(app) as client:
        client.auth = ADMIN
        create_space(client)
        root = create_page(client, "Manual")
        create_page(client, "Chapter", parent=root["id"])
        before = admin_scrape(client)
        assert client.get("/rest/api/space", auth=("admin", "wrong")).status_code == 401
        client.get(f"/rest/api/content/{root['id']}")
        client.get("/rest/api/content/999999")
        response = client.post(
            f"{WORD_BASE}/exports",
            json={"pageId": root["id"], "scope": "descendants", "templateId": DEFAULT_TEMPLATE},
        )
        job = response.json()["jobId"]
        queued = admin_scrape(client)
        workers = ThreadWorkers(app.state.queue.huey, 1).start()
        try:
            assert wait_for_status(client, job, finished)["status"] == "complete"
        finally:
            workers.stop()
        after = admin_scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("pressroom_login_failures_total", method="basic") == 1
    assert grew("pressroom_jobs_started_total", exporter="word") == 1
    assert grew("pressroom_jobs_finished_total", exporter="word", outcome="complete") == 1
    assert grew("pressroom_job_duration_seconds_count", exporter="word", outcome="complete") == 1
    assert grew("pressroom_export_pages_count", exporter="word") == 1
    assert grew("pressroom_export_pages_sum", exporter="word") == 2
    content = {"method": "GET", "route": "/rest/api/content/{content_id:int}"}
    assert grew("pressroom_http_requests_total", **content, status="200") == 1
    assert grew("pressroom_http_requests_total", **content, status="404") == 1
    assert grew("pressroom_http_request_duration_seconds_count", **content) == 2
    assert not any("999999" in dict(labels).get("route", "") for _, labels in after)
    assert value(queued, "pressroom_jobs", state="queued") == 1
    assert value(queued, "pressroom_queue_depth") == 1
    assert value(after, "pressroom_jobs", state="queued") == 0
    assert value(after, "pressroom_queue_depth") == 0


def test_only_administrators_read_metrics(client: TestClient) -> None:
    client.post("/rest/pressroom/1/admin/users", json={"username": "ann", "password": "ann-pw-123"})
    assert client.get("/metrics", auth=("ann", "ann-pw-123")).status_code == 403
    anonymous = client.get("/metrics", auth=None)
    assert anonymous.status_code == 401
    assert anonymous.json()["message"]


def test_a_metrics_address_serves_metrics_without_login_and_only_there(
    settings: Settings, db: Database
) -> None:
    settings.metrics_address = "127.0.0.1:0"
    app = create_app(settings, db, sweep_interval=3600, webhook_interval=3600)
    with TestClient(app) as client:
        port = app.state.metrics_listener.port
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
        on_main_port = client.get("/metrics", auth=ADMIN)
    assert scraped.status_code == 200
    names = {family.name for family in text_string_to_metric_families(scraped.text)}
    assert {"pressroom_jobs", "pressroom_queue_depth", "pressroom_http_requests"} <= names
    assert on_main_port.status_code == 404
    assert "PRESSROOM_METRICS_ADDRESS" in on_main_port.json()["message"]


def test_a_process_file_not_yet_sized_or_damaged_costs_only_its_own_values(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that is starting has created its file but not sized it yet; one killed
    then leaves it so. The scrape still answers, with every other process's values."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    counting = "from pressroom import metrics; metrics.JOBS_STARTED.labels('word').inc()"
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    subprocess.run([sys.executable, "-c", counting], env=environment, check=True, timeout=120)
    (folder / "counter_4242424.db").write_bytes(b"")
    (folder / "histogram_4242425.db").write_bytes(b"\xff" * 64)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    text = metrics.scrape(metrics.cluster_gauges(db, lambda: 0)).decode()
    assert value(scrape(text), "pressroom_jobs_started_total", exporter="word") == 1
