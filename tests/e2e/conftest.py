"""End-to-end tests: a live server (uvicorn on an open socket, export workers in threads)
driven by Debian's chromium through Playwright. Browsers are never downloaded: without
/usr/bin/chromium the tests skip, and in CI (CI=true) they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pressroom.app import create_app
from pressroom.jobs.progress import Checkpoint
from pressroom.web import AXE_CORE_FILE
from tests.conftest import ADMIN, make_settings, serving
from tests.jobs.conftest import JobGate, ThreadWorkers

CHROMIUM = os.environ.get("PRESSROOM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
IMPACTS_REFUSED = {"serious", "critical"}


def _chromium_path() -> str:
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).is_file() else None)
    if found is None:
        message = f"chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Server:
    url: str
    api: httpx.Client  # the administrator, by Basic authentication

    def page_id(self, title: str, space: str, body: str, parent: str | None = None) -> str:
        payload: dict[str, object] = {
            "type": "page",
            "title": title,
            "space": {"key": space},
            "body": {"storage": {"value": body, "representation": "storage"}},
        }
        if parent:
            payload["ancestors"] = [{"id": parent}]
        answer = self.api.post("/rest/api/content", json=payload)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["id"])

    def space(self, key: str, anonymous: list[str] | None = None) -> None:
        answer = self.api.post("/rest/api/space", json={"key": key, "name": f"{key} handbook"})
        assert answer.status_code == 200, answer.text
        if anonymous:
            grants = {"anonymous": anonymous, "users": {}, "groups": {}}
            answer = self.api.put(f"/rest/pressroom/1/space/{key}/permissions", json=grants)
            assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("e2e")
    settings = make_settings(f"sqlite:///{folder / 'e2e.db'}", folder / "home")
    app = create_app(settings, sweep_interval=3600)
    with serving(app) as url:
        workers = ThreadWorkers(app.state.queue.huey, 1).start()
        try:
            with httpx.Client(base_url=url, auth=ADMIN, timeout=60) as api:
                yield Server(url, api)
        finally:
            workers.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, server: Server):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) and page."""
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def log_in(page, username: str = ADMIN[0], password: str = ADMIN[1]) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Serious and critical accessibility violations of the page (axe-core, vendored).
    Evaluated through the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(AXE_CORE_FILE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return [v for v in found if v["impact"] in IMPACTS_REFUSED]


@pytest.fixture
def job_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[JobGate]:
    """Holds the first export that reports progress until released: an export known to be
    running, for as long as the test needs, without racing a sleep against it."""
    gate = JobGate()
    progress = Checkpoint.progress

    def gated(checkpoint: Checkpoint, done: int, total: int) -> None:
        gate.hold_first()
        progress(checkpoint, done, total)

    monkeypatch.setattr(Checkpoint, "progress", gated)
    yield gate
    gate.release()
