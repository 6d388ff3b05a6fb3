"""The Scroll PDF Exporter API: the Word API's contract under scroll-pdf, PDF files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import ThreadWorkers
from tests.pdf_reading import page_texts

PDF_BASE = "/plugins/servlet/scroll-pdf/api/public/1"
PDF_TEMPLATES = "/plugins/servlet/scroll-pdf/api/templates"
DOCUMENTATION = "com.k15t.scroll.pdf.default-template-documentation"
ARTICLE = "com.k15t.scroll.pdf.default-template-article"
WORD_TEMPLATES = "/plugins/servlet/scroll-office/api/templates"


def _poll(client: TestClient, job_id: str) -> dict:
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{PDF_BASE}/exports/{job_id}/status")
        assert status.status_code == 200, status.text
        if status.json()["status"] != "incomplete":
            return status.json()
        time.sleep(0.05)
    raise AssertionError("the PDF export did not finish")


def test_async_export_downloads_a_pdf_named_as_scroll_names_it(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers], tmp_path
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Install Guide", "<h1>Steps</h1><p>Run it.</p>")
    started = job_client.post(
        f"{PDF_BASE}/exports",
        json={"pageId": page["id"], "scope": "current", "templateId": DOCUMENTATION},
    )
    assert started.status_code == 200, started.text
    status = _poll(job_client, started.json()["jobId"])
    assert status["status"] == "complete", status
    url = status["downloadUrl"]
    assert "/plugins/servlet/scroll-pdf/api/artifacts/" in url
    assert url.rsplit("/", 1)[1].startswith("Install%20Guide-v1-") and url.endswith(".pdf")
    download = job_client.get(url.split("testserver", 1)[1])
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    (tmp_path / "out.pdf").write_bytes(download.content)
    assert "Run it." in "".join(page_texts(tmp_path / "out.pdf"))
    word_status = job_client.get(
        f"/plugins/servlet/scroll-office/api/public/1/exports/{started.json()['jobId']}/status"
    )
    assert word_status.status_code == 404  # a PDF job is not a Word job


def test_export_sync_answers_the_pdf(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Quick", "<p>Short.</p>")
    response = job_client.get(
        f"{PDF_BASE}/export-sync",
        params={"templateId": "com.k15t.scroll.pdf.default-template-1", "pageId": page["id"]},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="Quick.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")


def test_unknown_templates_and_word_templates_are_404(job_client: TestClient) -> None:
    create_space(job_client)
    page = create_page(job_client, "Quick", "<p>Short.</p>")
    for template in ("nope", "com.k15t.scroll.office.default-template-1"):
        response = job_client.post(
            f"{PDF_BASE}/exports", json={"pageId": page["id"], "templateId": template}
        )
        assert response.status_code == 404, response.text
        assert "template" in response.json()["message"]


def test_the_template_list_has_the_built_in_pdf_templates(job_client: TestClient) -> None:
    create_space(job_client)
    listed = job_client.get(PDF_TEMPLATES, params={"spaceKey": "DOC"})
    assert listed.status_code == 200
    by_id = {t["id"]: t for t in listed.json()}
    assert {DOCUMENTATION, ARTICLE} <= set(by_id)
    assert by_id[DOCUMENTATION]["type"] == "global"
    assert by_id[DOCUMENTATION]["format"] == "pdf"
    assert by_id[DOCUMENTATION]["creator"] == "system"
    assert by_id[DOCUMENTATION]["spaceKey"] is None
    word_ids = {t["id"] for t in job_client.get(WORD_TEMPLATES).json()}
    assert DOCUMENTATION not in word_ids
    download = job_client.get(f"{PDF_TEMPLATES}/{DOCUMENTATION}/download")
    assert download.status_code == 200
    assert "template.yaml" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _upload(client: TestClient, data: bytes, space_key: str = "DOC"):  # type: ignore[no-untyped-def]
    return client.post(
        PDF_TEMPLATES,
        files={"file": ("brand.zip", data, "application/zip")},
        data={"name": "Brand", "spaceKey": space_key},
        headers={"X-Atlassian-Token": "no-check"},
    )


def test_an_uploaded_template_shapes_the_export(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers], tmp_path
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Branded", "<p>Body text.</p>")
    knobs = 'cover: false\ntoc: false\nheader: {left: "ACME for $scroll.space.key"}\n'
    uploaded = _upload(job_client, _zip({"template.yaml": knobs}))
    assert uploaded.status_code == 201, uploaded.text
    template = uploaded.json()
    assert template["type"] == "space" and template["format"] == "pdf"
    assert template["exportSyncUrl"].startswith("http://testserver" + PDF_BASE)
    listed = {t["id"] for t in job_client.get(PDF_TEMPLATES, params={"spaceKey": "DOC"}).json()}
    assert template["id"] in listed
    assert template["id"] not in {t["id"] for t in job_client.get(WORD_TEMPLATES).json()}
    response = job_client.get(
        f"{PDF_BASE}/export-sync", params={"templateId": template["id"], "pageId": page["id"]}
    )
    assert response.status_code == 200, response.text
    (tmp_path / "b.pdf").write_bytes(response.content)
    assert "ACME for DOC" in page_texts(tmp_path / "b.pdf")[0]


def test_a_broken_template_upload_is_a_400_naming_file_and_line(job_client: TestClient) -> None:
    create_space(job_client)
    typ = "#let template(doc, body) = {\n  body\n  #undefined-thing\n}\n"
    refused = _upload(job_client, _zip({"template.typ": typ}))
    assert refused.status_code == 400, refused.text
    assert "template.typ:3" in refused.json()["message"]
    bad_yaml = _upload(job_client, _zip({"template.yaml": "paper: [a4\n"}))
    assert bad_yaml.status_code == 400
    assert "template.yaml:" in bad_yaml.json()["message"]
    nothing = _upload(job_client, b"")
    assert nothing.status_code == 400
