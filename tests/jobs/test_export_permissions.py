"""An export shows other pages (include, excerpt-include, children, $scroll.includepage)
only from spaces where the exporter holds both 'view' and 'export'; any other include
leaves a placeholder and a warning."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import WORD_BASE, ThreadWorkers, finished, wait_for_status

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
