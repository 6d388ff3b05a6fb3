"""What a technical writer does in the browser, end to end: log in, find a page's id,
copy a template's REST URL and download with it, export a tree to PDF and watch it
finish, cancel an export, create a token and use it, export anonymously from a public
space; and a hostile page that must not run script."""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest

from tests.e2e.conftest import Server, log_in
from tests.jobs.conftest import JobGate

pytestmark = pytest.mark.timeout(300)


def test_the_rest_url_of_template_information_downloads_the_page(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    server.space("GUIDE")
    page_id = server.page_id("Installation", "GUIDE", "<h1>Steps</h1><p>Run the installer.</p>")
    log_in(page)
    page.get_by_role("link", name="GUIDE handbook").first.click()
    page.get_by_role("link", name="Installation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Installation"
    assert "Run the installer." in page.locator("article.content").inner_text()
    page.get_by_role("link", name="Page Information").click()
    shown_id = page.locator("[data-page-id]").inner_text()
    assert shown_id == page_id
    assert f"pageId={page_id}" in page.locator("#word-url").input_value()

    page.goto("/display/GUIDE")
    page.get_by_role("link", name=re.compile("Exporter templates")).click()
    word = page.get_by_role("region", name="Scroll Word Exporter")
    card = word.locator("li.card").filter(has_text="Built-in").first
    card.get_by_text("Template Information").click()
    rest_url = card.locator("input[readonly]").input_value()
    assert "pageId=PAGE-ID" in rest_url
    assert "/plugins/servlet/scroll-office/api/public/1/export-sync?templateId=" in rest_url

    answer = httpx.get(rest_url.replace("PAGE-ID", shown_id), auth=server.api.auth, timeout=120)
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as docx:
        assert "Run the installer." in docx.read("word/document.xml").decode()


def test_a_tree_exported_to_pdf_reaches_100_percent_and_downloads(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    server.space("TREE")
    root = server.page_id("Handbook", "TREE", "<p>Front matter.</p>")
    for number in range(1, 4):
        server.page_id(f"Chapter {number}", "TREE", f"<p>Body of chapter {number}.</p>", root)
    log_in(page)
    page.goto(f"/pages/viewpage.action?pageId={root}")
    page.get_by_role("link", name="Export").click()
    page.get_by_role("radio", name="PDF").check()
    page.get_by_label("This page and all pages below it").check()
    page.get_by_role("button", name="Start export").click()

    download_link = page.locator("a[data-download]")
    download_link.wait_for(state="visible", timeout=120_000)
    assert page.locator("[data-state]").inner_text() == "complete"
    assert page.locator("progress").evaluate("bar => bar.value") == 100
    assert page.locator("[data-progress-label]").inner_text().startswith("100 %")
    with page.expect_download() as started:
        download_link.click()
    pdf = started.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")


def test_an_export_is_cancelled_from_its_page(  # type: ignore[no-untyped-def]
    page, server: Server, job_gate: JobGate
) -> None:
    server.space("HALT")
    page_id = server.page_id("Long report", "HALT", "<p>Many words.</p>")
    log_in(page)
    page.goto(f"/pages/export.action?pageId={page_id}")
    page.get_by_role("button", name="Start export").click()
    assert job_gate.reached.wait(60), "the export never started"
    assert page.locator("[data-state]").inner_text() == "incomplete"
    page.get_by_role("button", name="Cancel export").click()
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "cancelled"
    assert page.locator("a[data-download]").is_hidden()
    job_gate.release()


def test_a_token_made_in_the_browser_authenticates_a_script(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    page.get_by_role("link", name="Access tokens").click()
    page.get_by_label("Name").fill("nightly build")
    page.get_by_role("button", name="Create token").click()
    raw = page.locator("#new-token").input_value()
    assert raw
    answer = httpx.get(
        f"{server.url}/rest/api/user/current", headers={"Authorization": f"Bearer {raw}"}
    )
    assert answer.json()["username"] == "admin"
    page.goto("/profile/tokens")
    assert page.locator("#new-token").count() == 0  # shown once
    assert page.get_by_role("cell", name="nightly build", exact=True).count() == 1


def test_a_visitor_exports_from_a_public_space(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    server.space("OPEN", anonymous=["view", "export"])
    page_id = server.page_id("Public notes", "OPEN", "<p>For everyone.</p>")
    page.goto("/")
    page.get_by_role("link", name="OPEN handbook").first.click()
    page.get_by_role("link", name="Public notes").click()
    page.get_by_role("link", name="Export").click()
    page.get_by_role("button", name="Start export").click()
    download_link = page.locator("a[data-download]")
    download_link.wait_for(state="visible", timeout=120_000)
    with page.expect_download() as started:
        download_link.click()
    with zipfile.ZipFile(started.value.path()) as docx:
        assert "For everyone." in docx.read("word/document.xml").decode()
    assert f"pageId={page_id}" in page.locator("nav.breadcrumbs a").first.get_attribute("href")


HOSTILE = (
    "<p>Visible words<script>window.__pwned = 'script'</script></p>"
    '<p><img src="x" onerror="window.__pwned = \'onerror\'"/></p>'
    "<p><a href=\"javascript:window.__pwned='link'\">harmless looking link</a></p>"
    "<p onmouseover=\"window.__pwned='hover'\">hover me</p>"
    '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=\'svg\'">'
    "<script>window.__pwned='svg script'</script></svg>"
    '<p style="background-image: url(/static/pressroom.css?leak)">styled</p>'
    '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<img src=x '
    "onerror=\"window.__pwned='html macro'\">]]></ac:plain-text-body></ac:structured-macro>"
)


def test_a_hostile_page_runs_no_script(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    server.space("EVIL")
    page_id = server.page_id("Hostile", "EVIL", HOSTILE)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page)
    page.goto(f"/pages/viewpage.action?pageId={page_id}")
    content = page.locator("article.content")
    assert "Visible words" in content.inner_text()
    content.get_by_text("hover me").hover()
    link = content.get_by_text("harmless looking link")
    link.click()
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert content.locator("script, svg, [onerror], [onload], [onmouseover]").count() == 0
    policy = httpx.get(
        f"{server.url}/pages/viewpage.action?pageId={page_id}", auth=server.api.auth
    ).headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert re.search(r"frame-ancestors 'none'", policy)


def test_a_page_is_written_with_a_live_preview_and_a_stale_save_keeps_the_text(  # type: ignore[no-untyped-def]
    page, server: Server
) -> None:
    server.space("EDIT")
    log_in(page)
    page.goto("/display/EDIT")
    page.get_by_role("link", name="Create a page").click()
    page.get_by_label("Title").fill("Release checklist")
    page.get_by_label("Content (Confluence storage format)").fill(
        '<ac:structured-macro ac:name="note"><ac:rich-text-body><p>Freeze on Monday.</p>'
        "</ac:rich-text-body></ac:structured-macro>"
    )
    page.locator("#preview aside.box-note").wait_for()
    assert "Freeze on Monday." in page.locator("#preview").inner_text()
    page.get_by_role("button", name="Create").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Release checklist"
    page_id = re.search(r"pageId=(\d+)", page.url).group(1)  # type: ignore[union-attr]

    page.get_by_role("link", name="Edit", exact=True).click()
    body = page.get_by_label("Content (Confluence storage format)")
    body.fill("<p>My careful rewrite.</p>")
    meanwhile = {
        "version": {"number": 2},
        "title": "Release checklist",
        "type": "page",
        "body": {"storage": {"value": "<p>Their change.</p>", "representation": "storage"}},
    }
    assert server.api.put(f"/rest/api/content/{page_id}", json=meanwhile).status_code == 200
    page.get_by_role("button", name="Save").click()
    assert "Someone else saved version 2" in page.locator("#problem").inner_text()
    assert body.input_value() == "<p>My careful rewrite.</p>"
    page.get_by_role("button", name="Save").click()
    assert "My careful rewrite." in page.locator("article.content").inner_text()
    stored = server.api.get(f"/rest/api/content/{page_id}?expand=version").json()
    assert stored["version"]["number"] == 3

    page.get_by_label("New label").fill("release")
    page.get_by_role("button", name="Add label").click()
    assert page.locator("ul.labels").inner_text().startswith("release")
