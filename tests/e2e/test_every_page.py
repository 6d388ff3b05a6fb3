"""Every page, as a logged-in writer and as a visitor: no serious or critical
accessibility violation (axe-core), and a screenshot of each in light and dark, at
1280 and 390 px wide, under tests/e2e/screenshots/ to look at."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import SCREENSHOTS, Server, axe_violations, log_in
from tests.jobs.conftest import DEFAULT_TEMPLATE, WORD_BASE

pytestmark = pytest.mark.timeout(600)

RICH_PAGE = (
    '<ac:structured-macro ac:name="toc"/>'
    "<h1>Overview</h1><p>Pressroom exports <strong>pages</strong> to <em>Word</em> and PDF."
    ' See <a href="https://example.com/docs">the docs</a>.</p>'
    '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">Before you start'
    "</ac:parameter><ac:rich-text-body><p>Back up the database first.</p></ac:rich-text-body>"
    "</ac:structured-macro>"
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python'
    '</ac:parameter><ac:parameter ac:name="title">export.py</ac:parameter>'
    "<ac:plain-text-body><![CDATA[import httpx\n\ndef export(page_id: str) -> bytes:\n"
    '    return httpx.get(f"/export-sync?pageId={page_id}").content]]>'
    "</ac:plain-text-body></ac:structured-macro>"
    "<h2>Status</h2><table><tbody><tr><th>Step</th><th>State</th></tr>"
    '<tr><td>Install</td><td><ac:structured-macro ac:name="status"><ac:parameter '
    'ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">Done</ac:parameter>'
    "</ac:structured-macro></td></tr></tbody></table>"
    "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>Install"
    "</ac:task-body></ac:task><ac:task><ac:task-status>incomplete</ac:task-status>"
    "<ac:task-body>Configure</ac:task-body></ac:task></ac:task-list>"
    '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Details'
    "</ac:parameter><ac:rich-text-body><p>More text.</p></ac:rich-text-body>"
    "</ac:structured-macro>"
)


@pytest.fixture(scope="module")
def pages(server: Server) -> dict[str, str]:
    """Name → address of every kind of page."""
    server.space("TOUR", anonymous=["view", "export"])
    root = server.page_id("Administrator guide", "TOUR", RICH_PAGE)
    child = server.page_id("Upgrading", "TOUR", "<p>Upgrade the leader last.</p>", root)
    server.page_id("Rollback", "TOUR", "<p>Keep the old version.</p>", child)
    trashed = server.page_id("Old notes", "TOUR", "<p>Outdated.</p>")
    assert server.api.delete(f"/rest/api/content/{trashed}").status_code == 204
    return {
        "dashboard": "/",
        "spaces": "/spaces",
        "search": "/dosearchsite.action?queryString=upgrade",
        "space": "/display/TOUR",
        "page": f"/pages/viewpage.action?pageId={root}",
        "info": f"/pages/viewinfo.action?pageId={root}",
        "export": f"/pages/export.action?pageId={root}",
        "edit": f"/pages/editpage.action?pageId={root}",
        "create": "/pages/createpage.action?spaceKey=TOUR",
        "history": f"/pages/viewpreviousversions.action?pageId={root}",
        "version": f"/pages/viewpageversion.action?pageId={root}&version=1",
        "trash": "/spaces/TOUR/trash",
        "permissions": "/spaces/TOUR/permissions",
        "password": "/profile/password",
        "admin": "/admin",
        "templates": "/spaces/TOUR/templates",
        "job": f"/exports/word/{_finished_export(server, root)}",
        "tokens": "/profile/tokens",
        "not-found": "/pages/viewpage.action?pageId=999999",
    }


def _finished_export(server: Server, page_id: str) -> str:
    body = {"pageId": page_id, "templateId": DEFAULT_TEMPLATE, "scope": "descendants"}
    job = server.api.post(f"{WORD_BASE}/exports", json=body).json()["jobId"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = server.api.get(f"{WORD_BASE}/exports/{job}/status").json()
        if status["status"] != "incomplete":
            break
        time.sleep(0.1)
    assert status["status"] == "complete", status
    return str(job)


@pytest.fixture(scope="module")
def writer_context(browser, server: Server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server.url)
    log_in(context.new_page())
    yield context
    context.close()


def _visit(context, address: str, width: int, scheme: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(address)
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_is_accessible_and_photographed(  # type: ignore[no-untyped-def]
    writer_context, pages: dict[str, str], width: int, scheme: str
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = {}
    for name, address in pages.items():
        page = _visit(writer_context, address, width, scheme)
        if name == "page":
            page.locator("details.expand summary").click()
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}-{width}.png"), full_page=True)
        if found := axe_violations(page):
            problems[name] = found
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.setdefault(name, []).append({"id": "horizontal-scroll", "by": overflow})
        page.close()
    assert problems == {}


def test_the_visitor_pages_are_accessible(browser, server: Server, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server.url)
    problems = {}
    for name in ("dashboard", "space", "page", "export"):
        page = _visit(context, pages[name], 390, "light")
        if found := axe_violations(page):
            problems[name] = found
        page.close()
    login = _visit(context, "/login", 390, "dark")
    login.screenshot(path=str(SCREENSHOTS / "login-dark-390.png"))
    assert axe_violations(login) == []
    context.close()
    assert problems == {}


def test_the_page_tree_opens_branches_on_demand(writer_context, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    page = _visit(writer_context, pages["space"], 1280, "light")
    tree = page.locator("ul.tree")
    assert tree.get_by_role("link", name="Rollback").count() == 0
    tree.get_by_role("button", name="Child pages of Administrator guide").click()
    tree.get_by_role("button", name="Child pages of Upgrading").click()
    rollback = tree.get_by_role("link", name="Rollback")
    rollback.wait_for()
    assert re.search(r"pageId=\d+$", rollback.get_attribute("href") or "")
    page.close()
