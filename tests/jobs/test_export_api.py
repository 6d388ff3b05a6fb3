"""The Word exporter REST API through HTTP, with workers consuming the real queue."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from urllib.parse import unquote, urlparse

import docx
from fastapi.testclient import TestClient

from pressroom.jobs.models import ExportJob
from pressroom.jobs.sweeper import sweep_once
from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    FakeClock,
    JobGate,
    ThreadWorkers,
    finished,
    wait_for_status,
)

BODY = (
    "<h1>Overview</h1><p>Harbor keeps <strong>images</strong> close.</p>"
    "<ul><li>one<ul><li>nested</li></ul></li></ul>"
    "<table><tbody><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>b</td></tr></tbody></table>"
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter>'
    "<ac:plain-text-body><![CDATA[print('hi')]]></ac:plain-text-body></ac:structured-macro>"
)


def _tree(client: TestClient, children: int = 3) -> dict:
    create_space(client)
    root = create_page(client, "Operator Guide", BODY)
    for index in range(children):
        child = create_page(client, f"Chapter {index}", BODY, parent=root["id"])
        create_page(client, f"Section {index}.1", BODY, parent=child["id"])
    return root


def _start(client: TestClient, page_id: str, **extra: object) -> str:
    body = {"pageId": page_id, "scope": "current", "templateId": DEFAULT_TEMPLATE, **extra}
    response = client.post(f"{WORD_BASE}/exports", json=body)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"jobId"}
    return response.json()["jobId"]


def test_async_export_runs_in_three_steps_and_downloads(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    root = _tree(job_client)
    job_id = _start(job_client, root["id"], scope="descendants")
    queued = job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert queued["status"] == "incomplete"
    assert queued["downloadUrl"] is None
    assert isinstance(queued["step"], int) and queued["totalSteps"] == 3

    start_workers()
    done = wait_for_status(job_client, job_id, finished)
    assert done["status"] == "complete", done
    assert done["step"] == 3 and done["totalSteps"] == 3 and done["stepProgress"] == 100
    url = urlparse(done["downloadUrl"])
    assert url.scheme == "http" and url.netloc == "testserver"
    assert url.path.startswith(f"/plugins/servlet/scroll-office/api/artifacts/{job_id}/")
    file_name = unquote(url.path.rsplit("/", 1)[1])
    assert re.fullmatch(r"Operator Guide-v1-\d{8}_\d{6}\.docx", file_name)

    download = job_client.get(url.path)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "filename*=UTF-8''Operator%20Guide-v1-" in download.headers["content-disposition"]
    document = docx.Document(io.BytesIO(download.content))
    texts = [p.text for p in document.paragraphs]
    for title in ("Operator Guide", "Chapter 0", "Section 2.1"):
        assert title in texts


def test_sync_export_answers_with_the_file(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Release Notes 2.0 \u2013 \u00dcberblick", BODY)
    response = job_client.get(
        f"{WORD_BASE}/export-sync",
        params={"templateId": DEFAULT_TEMPLATE, "pageId": page["id"], "scope": "current"},
    )
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Release Notes 2.0')
    assert disposition.endswith(
        "filename*=UTF-8''Release%20Notes%202.0%20%E2%80%93%20%C3%9Cberblick.docx"
    )
    document = docx.Document(io.BytesIO(response.content))
    assert any(p.text == "Overview" for p in document.paragraphs)


def test_sync_export_past_timeout_is_504_and_cancels(
    job_client: TestClient,
    job_app,  # type: ignore[no-untyped-def]
) -> None:
    job_app.state.settings.sync_timeout_seconds = 0.3
    create_space(job_client)
    page = create_page(job_client, "Slow", BODY)
    response = job_client.get(
        f"{WORD_BASE}/export-sync", params={"templateId": DEFAULT_TEMPLATE, "pageId": page["id"]}
    )
    assert response.status_code == 504
    assert f"{WORD_BASE}/exports" in response.json()["message"]


def test_bad_parameters_are_400_with_the_field_named(job_client: TestClient) -> None:
    create_space(job_client)
    page = create_page(job_client, "P")
    cases = {
        "templateId": {"pageId": page["id"]},
        "scope": {"pageId": page["id"], "templateId": DEFAULT_TEMPLATE, "scope": "everything"},
        "pageId": {"pageId": "abc", "templateId": DEFAULT_TEMPLATE},
        "locale": {"pageId": page["id"], "templateId": DEFAULT_TEMPLATE, "locale": "!!"},
    }
    for field_name, body in cases.items():
        response = job_client.post(f"{WORD_BASE}/exports", json=body)
        assert response.status_code == 400, (field_name, response.text)
        assert field_name in response.json()["message"]
    not_json = job_client.post(
        f"{WORD_BASE}/exports", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    sync = job_client.get(f"{WORD_BASE}/export-sync", params={"pageId": page["id"]})
    assert sync.status_code == 400
    assert "templateId" in sync.json()["message"]


def test_numeric_ids_are_accepted(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Numeric")
    job_id = _start(job_client, int(page["id"]))  # type: ignore[arg-type]
    assert wait_for_status(job_client, job_id, finished)["status"] == "complete"


def test_unknown_page_and_template_are_404(job_client: TestClient) -> None:
    create_space(job_client)
    page = create_page(job_client, "P")
    missing_page = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": "999999", "templateId": DEFAULT_TEMPLATE}
    )
    assert missing_page.status_code == 404
    assert "999999" in missing_page.json()["message"]
    missing_template = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": "nope"}
    )
    assert missing_template.status_code == 404
    assert "template" in missing_template.json()["message"]
    unknown_job = job_client.get(f"{WORD_BASE}/exports/00000000-0000-0000-0000-000000000000/status")
    assert unknown_job.status_code == 404


def test_cancel_while_queued_never_runs(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    create_space(job_client)
    page = create_page(job_client, "Queued")
    job_id = _start(job_client, page["id"])
    assert job_client.delete(f"{WORD_BASE}/exports/{job_id}").status_code == 204
    status = job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert status["status"] == "cancelled"
    start_workers()
    later = _start(job_client, page["id"])  # runs after the cancelled one was dequeued
    assert wait_for_status(job_client, later, finished)["status"] == "complete"
    again = job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert again["status"] == "cancelled"
    assert again["downloadUrl"] is None


def test_cancel_while_running_stops_at_a_checkpoint(
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
    job_gate: JobGate,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    root = _tree(job_client)
    job_id = _start(job_client, root["id"], scope="descendants")
    start_workers(1)  # one worker: the follow-up job runs once the cancelled one has stopped
    assert job_gate.reached.wait(60)  # the job runs, held at its first progress checkpoint
    assert job_client.delete(f"{WORD_BASE}/exports/{job_id}").status_code == 204
    assert job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()["status"] == "cancelled"
    job_gate.release()
    follow_up = _start(job_client, root["id"])
    wait_for_status(job_client, follow_up, finished)
    final = job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert final["status"] == "cancelled"
    assert final["downloadUrl"] is None
    assert not (settings.exports_dir / job_id).exists()


def test_jobs_disappear_ten_minutes_after_they_end(
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
    clock: FakeClock,
    settings,  # type: ignore[no-untyped-def]
    db,  # type: ignore[no-untyped-def]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Kept")
    job_id = _start(job_client, page["id"])
    done = wait_for_status(job_client, job_id, finished)
    download_path = urlparse(done["downloadUrl"]).path
    clock.advance(minutes=9, seconds=59)
    assert job_client.get(f"{WORD_BASE}/exports/{job_id}/status").status_code == 200
    assert job_client.get(download_path).status_code == 200
    clock.advance(seconds=1)
    assert job_client.get(f"{WORD_BASE}/exports/{job_id}/status").status_code == 404
    assert job_client.get(download_path).status_code == 404
    assert job_client.delete(f"{WORD_BASE}/exports/{job_id}").status_code == 404
    assert (settings.exports_dir / job_id).exists()
    assert sweep_once(settings, db, clock) == (0, 1)
    assert not (settings.exports_dir / job_id).exists()


def test_queue_limit_answers_429_with_retry_after(job_client: TestClient, job_app) -> None:  # type: ignore[no-untyped-def]
    job_app.state.settings.max_queued_jobs = 2
    create_space(job_client)
    page = create_page(job_client, "P")
    _start(job_client, page["id"])
    _start(job_client, page["id"])
    response = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "try again" in response.json()["message"]


def test_export_log_reports_engine_warnings(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    create_space(job_client)
    body = '<p>a</p><ac:structured-macro ac:name="mystery-gadget"/>'
    page = create_page(job_client, "Odd", body)
    done = wait_for_status(job_client, _start(job_client, page["id"]), finished)
    assert done["status"] == "complete"
    assert any("mystery-gadget" in entry for entry in done["log"])


def test_many_concurrent_jobs_all_complete(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    root = _tree(job_client, children=2)
    start_workers()
    jobs = [_start(job_client, root["id"], scope="descendants") for _ in range(12)]
    outcomes = [wait_for_status(job_client, job, finished)["status"] for job in jobs]
    assert outcomes == ["complete"] * 12


def _brand_template() -> bytes:
    """A user template: the title in the header, a split placeholder in the body."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Brand header: $scroll.title"
    intro = document.add_paragraph()
    for piece in ("Space: $scroll.", "space", ".name"):  # split as Word splits runs
        intro.add_run(piece)
    document.add_paragraph("$scroll.content")
    document.add_paragraph("The end ({{ title }})")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_export_with_an_uploaded_template(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Branded Guide", BODY)
    upload = job_client.post(
        "/plugins/servlet/scroll-office/api/templates",
        files={"file": ("brand.docx", _brand_template(), "application/octet-stream")},
        data={"name": "Brand", "spaceKey": "DOC"},
        headers={"X-Atlassian-Token": "no-check"},
    )
    assert upload.status_code == 201, upload.text
    template_id = upload.json()["id"]
    response = job_client.get(
        f"{WORD_BASE}/export-sync", params={"templateId": template_id, "pageId": page["id"]}
    )
    assert response.status_code == 200, response.text
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Space: DOC space"
    assert "Overview" in texts
    assert texts.index("Overview") < texts.index("The end (Branded Guide)")
    header = document.sections[0].header.paragraphs[0].text
    assert header == "Brand header: Branded Guide"


def _over_page_limit(job_client: TestClient, job_app) -> dict:  # type: ignore[no-untyped-def]
    """A tree of 5 pages on a server that exports at most 3."""
    job_app.state.settings.max_pages_per_export = 3
    return _tree(job_client, children=2)


def test_page_limit_fails_the_job_with_a_message(
    job_client: TestClient,
    job_app,
    start_workers: Callable[[], ThreadWorkers],  # type: ignore[no-untyped-def]
) -> None:
    root = _over_page_limit(job_client, job_app)
    start_workers()
    done = wait_for_status(
        job_client, _start(job_client, root["id"], scope="descendants"), finished
    )
    assert done["status"] == "error"
    assert "more than 3 pages" in done["message"]
    alone = wait_for_status(job_client, _start(job_client, root["id"]), finished)
    assert alone["status"] == "complete"


def test_sync_export_over_the_page_limit_is_413_not_500(
    job_client: TestClient,
    job_app,
    start_workers: Callable[[], ThreadWorkers],  # type: ignore[no-untyped-def]
) -> None:
    root = _over_page_limit(job_client, job_app)
    start_workers()
    params = {"templateId": DEFAULT_TEMPLATE, "pageId": root["id"], "scope": "descendants"}
    response = job_client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 413
    assert "more than 3 pages" in response.json()["message"]


def test_jobs_running_past_the_timeout_are_stopped(
    job_client: TestClient,
    clock: FakeClock,
    settings,
    db,  # type: ignore[no-untyped-def]
) -> None:
    create_space(job_client)
    page = create_page(job_client, "Stuck")
    job_id = _start(job_client, page["id"])
    with db.write() as session:  # as a worker would have claimed it
        session.get(ExportJob, job_id).state = "running"
        session.get(ExportJob, job_id).started_at = clock()
        session.get(ExportJob, job_id).heartbeat_at = clock()
    clock.advance(seconds=settings.job_timeout_seconds + 1)
    with db.write() as session:  # the worker is alive: its heartbeat is fresh
        session.get(ExportJob, job_id).heartbeat_at = clock()
    assert sweep_once(settings, db, clock) == (1, 0)
    status = job_client.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert status["status"] == "error"
    assert "took longer than" in status["message"]


def test_files_and_private_answers_are_never_cached(
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
) -> None:
    """Export downloads, export-sync answers (also anonymous ones, which carry no
    credentials yet) and template downloads say ``Cache-Control: private, no-store``."""
    start_workers()
    create_space(job_client, "PUB", anonymousAccess=True)
    page = create_page(job_client, "Cached?", space="PUB")
    job_id = _start(job_client, page["id"])
    done = wait_for_status(job_client, job_id, finished)
    download = job_client.get(done["downloadUrl"].split("testserver", 1)[1])
    assert download.status_code == 200
    assert download.headers["cache-control"] == "private, no-store"
    sync = TestClient(job_app).get(
        f"{WORD_BASE}/export-sync", params={"templateId": DEFAULT_TEMPLATE, "pageId": page["id"]}
    )
    assert sync.status_code == 200, sync.text
    assert sync.headers["cache-control"] == "private, no-store"
    template = job_client.get(
        f"/plugins/servlet/scroll-office/api/templates/{DEFAULT_TEMPLATE}/download"
    )
    assert template.status_code == 200
    assert template.headers["cache-control"] == "private, no-store"
