"""Every document the DEMO space produces opens in LibreOffice and becomes a PDF:
each page and blog post alone, and the home page with all its descendants."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
from fastapi.testclient import TestClient
from pypdf import PdfReader

from pressroom.config import Settings
from pressroom.content.demo import seed_demo
from pressroom.db import Database
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)
from tests.libreoffice import LibreOffice


def _demo_content(client: TestClient) -> list[dict]:
    items: list[dict] = []
    for kind in ("page", "blogpost"):
        listed = client.get(
            "/rest/api/content", params={"spaceKey": "DEMO", "type": kind, "limit": 100}
        ).json()
        items += listed["results"]
    return items


def _export(client: TestClient, page_id: str, scope: str) -> tuple[bytes, list[str]]:
    response = client.post(
        f"{WORD_BASE}/exports",
        json={"pageId": page_id, "scope": scope, "templateId": DEFAULT_TEMPLATE},
    )
    assert response.status_code == 200, response.text
    status = wait_for_status(client, response.json()["jobId"], finished, timeout=120)
    assert status["status"] == "complete", status
    download = client.get(status["downloadUrl"].split("testserver", 1)[1])
    assert download.status_code == 200
    return download.content, status["log"]


def test_every_demo_document_opens_in_libreoffice(
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
    settings: Settings,
    db: Database,
    libreoffice: LibreOffice,
    tmp_path: Path,
) -> None:
    seed_demo(settings, db)
    start_workers()
    items = _demo_content(job_client)
    assert len(items) >= 12
    home = job_client.get("/rest/api/space/DEMO").json()["homepage"]
    files: list[Path] = []
    for item in [*items, {"id": home["id"], "title": "whole-tree", "descendants": True}]:
        scope = "descendants" if item.get("descendants") else "current"
        content, log = _export(job_client, item["id"], scope)
        assert not [entry for entry in log if "missing" in entry.lower()], (item["title"], log)
        docx.Document(io.BytesIO(content))  # python-docx reads it too
        target = tmp_path / f"{item['id']}-{scope}.docx"
        target.write_bytes(content)
        files.append(target)

    pdfs = libreoffice.convert_all(files)
    pages = {pdf.name: len(PdfReader(pdf).pages) for pdf in pdfs}
    assert all(count >= 1 for count in pages.values()), pages
    whole = pages[f"{home['id']}-descendants.pdf"]
    assert whole >= 15, f"the whole DEMO tree printed on only {whole} pages"
    text = "".join(page.extract_text() for page in PdfReader(pdfs[-1]).pages)
    for title in ("Getting Started", "Installing on Kubernetes", "Release Notes"):
        assert title in text
