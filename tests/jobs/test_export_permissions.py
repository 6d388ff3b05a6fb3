"""An export shows other pages (include, excerpt-include, children, $scroll.includepage)
only from spaces where the exporter holds both 'view' and 'export'; any other include
leaves a placeholder and a warning."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)

TEMPLATES = "/plugins/servlet/scroll-office/api/templates"
XSRF = {"X-Atlassian-Token": "no-check"}
ALICE = ("alice", "alice-password-123")


def page_link(space: str, title: str) -> str:
    return f'<ac:link><ri:page ri:space-key="{space}" ri:content-title="{title}" /></ac:link>'


def macro(name: str, parameter: str, space: str, title: str) -> str:
    return (
        f'<ac:structured-macro ac:name="{name}"><ac:parameter ac:name="{parameter}">'
        f"{page_link(space, title)}</ac:parameter></ac:structured-macro>"
    )


def including_template() -> bytes:
    document = docx.Document()
    document.add_paragraph("$scroll.includepage.(LIB:Shelf)")
    document.add_paragraph("$scroll.includepage.(PUB:Open)")
    document.add_paragraph("$scroll.content")
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def set_up(admin: TestClient) -> tuple[str, str]:
    """DOC and PUB: alice may view and export; LIB: view only. Returns the page to
    export and the space template that includes a page of LIB and one of PUB."""
    user = {"username": ALICE[0], "password": ALICE[1], "fullName": "Alice"}
    assert admin.post("/rest/pressroom/1/admin/users", json=user).status_code == 201
    for key, grants in (
        ("DOC", ["view", "export"]),
        ("LIB", ["view"]),
        ("PUB", ["view", "export"]),
    ):
        create_space(admin, key)
        body = {"users": {"alice": grants}}
        assert admin.put(f"/rest/pressroom/1/space/{key}/permissions", json=body).status_code == 200
    shelf = create_page(admin, "Shelf", "<p>library text</p>", space="LIB")
    create_page(admin, "Secret child", space="LIB", parent=shelf["id"])
    create_page(admin, "Open", "<p>open text</p>", space="PUB")
    body = (
        "<p>guide text</p>"
        + macro("include", "", "LIB", "Shelf")
        + macro("excerpt-include", "", "LIB", "Shelf")
        + macro("include", "", "PUB", "Open")
        + macro("children", "page", "LIB", "Shelf")
    )
    guide = create_page(admin, "Guide", body, space="DOC")
    template = admin.post(
        TEMPLATES,
        files={"file": ("includes.docx", including_template())},
        data={"spaceKey": "DOC"},
        headers=XSRF,
    )
    assert template.status_code == 201, template.text
    return guide["id"], template.json()["id"]


def test_includes_come_only_from_spaces_the_exporter_may_export(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    start_workers()
    page_id, template_id = set_up(job_client)
    alice = TestClient(job_client.app)
    alice.auth = ALICE
    started = alice.post(
        f"{WORD_BASE}/exports", json={"pageId": page_id, "templateId": template_id}
    )
    assert started.status_code == 200, started.text
    status = wait_for_status(alice, started.json()["jobId"], finished)
    assert status["status"] == "complete", status
    text = "\n".join(
        p.text
        for p in docx.Document(io.BytesIO(alice.get(status["downloadUrl"]).content)).paragraphs
    )

    assert "guide text" in text
    assert text.count("open text") == 2  # the include macro and $scroll.includepage
    assert "library text" not in text
    assert "Secret child" not in text
    assert "[included page 'Shelf' not found, or not in a space you may export]" in text
    assert "[included excerpt of 'Shelf' not found, or not in a space you may export]" in text
    placeholder = "Included page not found, or not in a space you may export: LIB:Shelf"
    assert f"[{placeholder}]" in text
    assert placeholder in status["log"]

    as_admin = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": page_id, "templateId": template_id}
    )
    done = wait_for_status(job_client, as_admin.json()["jobId"], finished)
    admin_text = "\n".join(
        p.text
        for p in docx.Document(io.BytesIO(job_client.get(done["downloadUrl"]).content)).paragraphs
    )
    assert admin_text.count("library text") == 2
    assert "Secret child" in admin_text


def report_macro(name: str, labels: str, spaces: str) -> str:
    return (
        f'<ac:structured-macro ac:name="{name}">'
        f'<ac:parameter ac:name="labels">{labels}</ac:parameter>'
        f'<ac:parameter ac:name="spaces">{spaces}</ac:parameter></ac:structured-macro>'
    )


def test_reports_list_only_pages_the_exporter_may_export(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    """contentbylabel and recently-updated over every space, in a real export job: the
    view-only space's pages are not listed for alice; the administrator sees them all."""
    start_workers()
    set_up(job_client)
    for space, title in (("LIB", "Library runbook"), ("PUB", "Public runbook")):
        page = create_page(job_client, title, space=space)
        labelled = job_client.post(f"/rest/api/content/{page['id']}/label", json={"name": "ops"})
        assert labelled.status_code == 200, labelled.text
    body = report_macro("contentbylabel", "ops", "@all") + report_macro(
        "recently-updated", "ops", "LIB,PUB"
    )
    report = create_page(job_client, "Runbooks", body, space="DOC")

    def exported(client: TestClient) -> str:
        started = client.post(
            f"{WORD_BASE}/exports",
            json={"pageId": report["id"], "templateId": DEFAULT_TEMPLATE},
        )
        assert started.status_code == 200, started.text
        status = wait_for_status(client, started.json()["jobId"], finished)
        assert status["status"] == "complete", status
        document = docx.Document(io.BytesIO(client.get(status["downloadUrl"]).content))
        return "\n".join(p.text for p in document.paragraphs)

    alice = TestClient(job_client.app)
    alice.auth = ALICE
    text = exported(alice)
    assert text.count("Public runbook") == 2  # listed by both macros
    assert "Library runbook" not in text
    admin_text = exported(job_client)
    assert admin_text.count("Library runbook") == 2
    assert admin_text.count("Public runbook") == 2


def test_mentions_print_the_persons_name(
    job_client: TestClient, start_workers: Callable[[], ThreadWorkers]
) -> None:
    """Server storage names people by user key or username; the export prints their name."""
    start_workers()
    set_up(job_client)
    key = job_client.get("/rest/api/user", params={"username": "alice"}).json()["userKey"]
    body = (
        f'<p>Owner: <ac:link><ri:user ri:userkey="{key}" /></ac:link>, '
        '<ac:link><ri:user ri:username="alice" /></ac:link>, '
        '<ac:link><ri:user ri:userkey="0000ffff" /></ac:link>.</p>'
    )
    page = create_page(job_client, "Owners", body, space="DOC")
    started = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
    )
    status = wait_for_status(job_client, started.json()["jobId"], finished)
    document = docx.Document(io.BytesIO(job_client.get(status["downloadUrl"]).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Owner: Alice, Alice, 0000ffff." in text
    assert "Owners: mention of an unknown user (0000ffff)" in status["log"]
