"""Two ``pressroom serve`` nodes, each with its worker process, on the real PostgreSQL and
Redis of this machine and one home: jobs cross nodes, a killed worker's job ends in
``error``, a stopped node's job is queued again and finished by the other node, and the
sweeper removes each expired job once.

A job is caught mid-export by holding its row (``SELECT … FOR UPDATE``): its worker can
then record neither progress nor completion until the test lets go."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from pressroom.clock import utcnow
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from tests.cluster import Cluster, Node, cluster, postgres_reachable, wait_until
from tests.jobs.conftest import DEFAULT_TEMPLATE, WORD_BASE, running_job_held

STALE_SECONDS = 15
SWEEP_SECONDS = 1
PAGE_BODY = "<h2>Part</h2><p>" + "Words that fill a page. " * 40 + "</p>"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, Node, Node]]:
    if not postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("the cluster test needs PostgreSQL on 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable")
    folder = tmp_path_factory.mktemp("cluster")
    settings = {
        "PRESSROOM_JOB_STALE_SECONDS": str(STALE_SECONDS),
        "PRESSROOM_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "PRESSROOM_DRAIN_SECONDS": "1",
    }
    with cluster(folder, **settings) as running:
        a = running.start_node("node-a")
        b = running.start_node("node-b")
        yield running, a, b


@pytest.fixture(scope="module")
def manual(nodes: tuple[Cluster, Node, Node]) -> str:
    """A page with 40 children on node A: an export long enough to be caught mid-way."""
    _, a, _ = nodes
    with a.client() as http:
        assert http.post("/rest/api/space", json={"key": "OPS", "name": "Ops"}).status_code == 200
        root = _page(http, "Operations Manual")
        for index in range(40):
            _page(http, f"Chapter {index}", parent=root)
    return root


@pytest.fixture(scope="module")
def cluster_db(nodes: tuple[Cluster, Node, Node]) -> Iterator[Database]:
    database = Database(nodes[0].database_url)
    yield database
    database.dispose()


def _page(http: httpx.Client, title: str, parent: str | None = None) -> str:
    body: dict[str, object] = {
        "type": "page",
        "title": title,
        "space": {"key": "OPS"},
        "body": {"storage": {"value": PAGE_BODY, "representation": "storage"}},
    }
    if parent:
        body["ancestors"] = [{"id": parent}]
    response = http.post("/rest/api/content", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def _start_export(node: Node, page: str) -> str:
    with node.client() as http:
        response = http.post(
            f"{WORD_BASE}/exports",
            json={"pageId": page, "scope": "descendants", "templateId": DEFAULT_TEMPLATE},
        )
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def _wait_finished(node: Node, job: str, timeout: float) -> dict:
    with node.client() as http:

        def status() -> dict | None:
            body = http.get(f"{WORD_BASE}/exports/{job}/status").json()
            return None if body["status"] == "incomplete" else body

        return wait_until(status, timeout, f"job {job} to end")  # type: ignore[return-value]


def _worker_pid(job: ExportJob) -> int:
    assert job.worker
    return int(job.worker.rsplit(":", 1)[1])


def test_an_export_started_on_one_node_is_polled_and_downloaded_on_the_other(
    nodes: tuple[Cluster, Node, Node], manual: str
) -> None:
    _, a, b = nodes
    job = _start_export(a, manual)
    status = _wait_finished(b, job, timeout=300)
    assert status["status"] == "complete", status
    with b.client() as http:
        download = http.get(status["downloadUrl"].replace(a.url, b.url))
    assert download.status_code == 200
    assert download.content[:2] == b"PK"


def test_a_worker_killed_mid_export_leaves_an_error_within_the_stale_window(
    nodes: tuple[Cluster, Node, Node], manual: str, cluster_db: Database
) -> None:
    _, a, b = nodes
    job = _start_export(b, manual)
    with running_job_held(cluster_db, job, timeout=120) as held:
        os.kill(_worker_pid(held), signal.SIGKILL)
        killed_at = time.monotonic()
    status = _wait_finished(a, job, timeout=STALE_SECONDS + 120)
    assert status["status"] == "error"
    assert "worker stopped unexpectedly" in status["message"]
    # Within the stale window, the sweep interval and this machine's slowness.
    assert time.monotonic() - killed_at < STALE_SECONDS + 90
    with cluster_db.read() as session:
        assert session.get(ExportJob, job).state == "error"  # type: ignore[union-attr]


def test_the_sweeper_of_the_cluster_removes_each_expired_job_once(
    nodes: tuple[Cluster, Node, Node], cluster_db: Database
) -> None:
    cluster_, a, b = nodes
    ended = utcnow() - timedelta(minutes=11)
    with cluster_db.write() as session:
        jobs = [
            ExportJob(
                exporter="word",
                state="complete",
                page_id=1,
                template_id=DEFAULT_TEMPLATE,
                created_at=ended,
                finished_at=ended,
            )
            for _ in range(12)
        ]
        session.add_all(jobs)
        session.flush()
        ids = [job.id for job in jobs]
    for job_id in ids:
        folder = cluster_.home / "exports" / job_id
        folder.mkdir(parents=True)
        (folder / "export.docx").write_bytes(b"old")

    def all_removed() -> bool:
        with cluster_db.read() as session:
            return not session.scalars(select(ExportJob.id).where(ExportJob.id.in_(ids))).all()

    wait_until(all_removed, 120, "the sweeper to remove the expired jobs")
    logs = a.log_text() + b.log_text()
    removals = re.findall(r"job removed job=([0-9a-f-]{36})", logs)
    assert sorted(job for job in removals if job in ids) == sorted(ids)
    assert not any((cluster_.home / "exports" / job_id).exists() for job_id in ids)


def test_a_node_stopped_mid_export_hands_its_job_back_and_the_other_node_finishes_it(
    nodes: tuple[Cluster, Node, Node], manual: str, cluster_db: Database
) -> None:
    _, a, b = nodes
    job = _start_export(a, manual)
    with running_job_held(cluster_db, job, timeout=120) as held:
        stopping = a if a.owns(_worker_pid(held)) else b
        other = b if stopping is a else a
        stopping.process.send_signal(signal.SIGTERM)
        # The grace period (1 s) is over: the worker is told to stop its job.
        wait_until(lambda: "interrupting workers" in stopping.log_text(), 120, "the drain to end")
    assert stopping.process.wait(timeout=120) is not None
    status = _wait_finished(other, job, timeout=300)
    assert status["status"] == "complete", status
    assert f"job state=queued job={job}" in stopping.log_text()
    with cluster_db.read() as session:
        finished_by = session.get(ExportJob, job).worker  # type: ignore[union-attr]
    assert finished_by is not None and other.owns(int(finished_by.rsplit(":", 1)[1]))
    # The surviving node counts what its worker process did.
    with other.client() as http:
        scraped = http.get("/metrics").text
    finished = {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "pressroom_jobs_finished_total"
    }
    assert finished.get((("exporter", "word"), ("outcome", "complete")), 0) >= 1
