"""Webhooks: the final status is POSTed to webhookUrl, with retries and an address policy."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from pressroom.config import Settings
from pressroom.db import Database
from pressroom.errors import InvalidInput
from pressroom.jobs.models import ExportJob
from pressroom.jobs.webhooks import MAX_ATTEMPTS, WebhookDispatcher, WebhookPolicy
from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    FakeClock,
    ThreadWorkers,
    finished,
    wait_for_status,
)


class Receiver:
    """A webhook endpoint on loopback that fails the first ``failures`` calls."""

    def __init__(self, failures: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        self.bodies: list[dict] = []
        self.hosts: list[str] = []
        self.failures = failures
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["content-length"])
                body = json.loads(self.rfile.read(length))
                receiver.hosts.append(self.headers["host"])
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(503)
                else:
                    receiver.bodies.append(body)
                    receiver.received.set()
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = HTTPServer((host, port), Handler)
        self.port = self.server.server_port
        self.url = f"http://{host}:{self.port}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_loopback(settings: Settings) -> None:
    """Before the app is made: its webhook policy lets loopback through."""
    settings.webhook_allow = ["127.0.0.1"]


def _start(client: TestClient, page_id: str, url: str) -> str:
    response = client.post(
        f"{WORD_BASE}/exports",
        json={"pageId": page_id, "templateId": DEFAULT_TEMPLATE, "webhookUrl": url},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def test_final_status_is_posted_to_the_webhook(
    allow_loopback: None,
    job_client: TestClient,
    job_app,
    start_workers: Callable[[], ThreadWorkers],  # type: ignore[no-untyped-def]
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Hooked")
    with Receiver() as receiver:
        job_id = _start(job_client, page["id"], receiver.url)
        wait_for_status(job_client, job_id, finished)
        assert job_app.state.webhooks.deliver_due() == 1
        assert receiver.received.wait(10)
    [body] = receiver.bodies
    assert body["jobId"] == job_id
    assert body["status"] == "complete"
    assert body["downloadUrl"].startswith("http://testserver/plugins/servlet/scroll-office/")


def test_failed_deliveries_are_retried_with_backoff(
    allow_loopback: None,
    job_client: TestClient,
    job_app,  # type: ignore[no-untyped-def]
    clock: FakeClock,
) -> None:
    create_space(job_client)
    page = create_page(job_client, "Flaky")
    with Receiver(failures=2) as receiver:
        job_id = _start(job_client, page["id"], receiver.url)
        assert job_client.delete(f"{WORD_BASE}/exports/{job_id}").status_code == 204
        dispatcher = job_app.state.webhooks
        assert dispatcher.deliver_due() == 1  # 503
        assert dispatcher.deliver_due() == 0  # not due before the backoff
        clock.advance(seconds=5)
        assert dispatcher.deliver_due() == 1  # 503 again
        clock.advance(seconds=9)
        assert dispatcher.deliver_due() == 0
        clock.advance(seconds=1)
        assert dispatcher.deliver_due() == 1
        assert receiver.received.wait(10)
        assert dispatcher.deliver_due() == 0
    assert [b["status"] for b in receiver.bodies] == ["cancelled"]


def test_private_and_loopback_webhooks_are_refused_by_default(job_client: TestClient) -> None:
    create_space(job_client)
    page = create_page(job_client, "P")
    for url in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "ftp://a.example/x",
        "http://user:pw@example.com/x",
    ):
        response = job_client.post(
            f"{WORD_BASE}/exports",
            json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE, "webhookUrl": url},
        )
        assert response.status_code == 400, url
        assert "webhookUrl" in response.json()["message"]


def test_names_resolving_to_private_addresses_are_refused() -> None:
    policy = WebhookPolicy([], resolver=lambda _host, _port: ["192.168.1.5"])
    with pytest.raises(InvalidInput, match=r"resolves to 192\.168\.1\.5"):
        policy.check_destination("https://hooks.example.com/x")
    allowed = WebhookPolicy(["192.168.0.0/16"], resolver=lambda _host, _port: ["192.168.1.5"])
    allowed.check_destination("https://hooks.example.com/x")
    public = WebhookPolicy([], resolver=lambda _host, _port: ["93.184.216.34"])
    public.check_destination("https://hooks.example.com/x")


class RebindingResolver:
    """A name server stub whose first answer differs from every later one."""

    def __init__(self, first: str, later: str) -> None:
        self.answers = [first, later]
        self.calls = 0

    def __call__(self, _host: str, _port: int) -> list[str]:
        answer = self.answers[min(self.calls, 1)]
        self.calls += 1
        return [answer]


def _unresolvable(host: str, _port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, f"{host}: Name or service not known")


def _ended_job(client: TestClient, page_id: str, url: str) -> str:
    job_id = _start(client, page_id, url)
    assert client.delete(f"{WORD_BASE}/exports/{job_id}").status_code == 204
    return job_id


def test_a_name_answering_differently_later_reaches_only_the_checked_address(
    job_client: TestClient, db: Database, clock: FakeClock
) -> None:
    """DNS rebinding: the name is checked once and the connection goes to the checked
    address, with the name kept in the Host header; the system's own answer for the name
    (127.0.0.1, not allowed) is never used."""
    create_space(job_client)
    page = create_page(job_client, "Rebound")
    with (
        Receiver(host="127.0.0.1") as internal,
        Receiver(host="127.0.0.2", port=internal.port) as hook,
    ):
        job_id = _ended_job(job_client, page["id"], f"http://localhost:{hook.port}/hook")
        resolver = RebindingResolver(first="127.0.0.2", later="127.0.0.1")
        dispatcher = WebhookDispatcher(db, WebhookPolicy(["127.0.0.2"], resolver), clock)
        try:
            assert dispatcher.deliver_due() == 1
        finally:
            dispatcher.stop()
        assert hook.received.wait(10)
    assert [body["jobId"] for body in hook.bodies] == [job_id]
    assert hook.hosts == [f"localhost:{hook.port}"]
    assert internal.bodies == []


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",
        "64:ff9b:1::a00:1",
        "2002:7f00:1::1",
        "::ffff:127.0.0.1",
        "::10.0.0.1",
        "fec0::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_ipv6_forms_embedding_ipv4_and_site_local_are_refused(
    job_client: TestClient, address: str
) -> None:
    create_space(job_client)
    page = create_page(job_client, "P")
    response = job_client.post(
        f"{WORD_BASE}/exports",
        json={
            "pageId": page["id"],
            "templateId": DEFAULT_TEMPLATE,
            "webhookUrl": f"http://[{address}]/x",
        },
    )
    assert response.status_code == 400
    assert "webhookUrl" in response.json()["message"]
    policy = WebhookPolicy([], resolver=lambda _host, _port: [address])
    with pytest.raises(InvalidInput, match="not allowed"):
        policy.check_destination("https://hooks.example.com/x")


@pytest.mark.parametrize(
    "url",
    ["http://a..b/hook", "http://exa mple.com/", "http://x.example:99999/", "http://-x-.example/"],
)
def test_malformed_webhook_urls_are_refused_at_submit(job_client: TestClient, url: str) -> None:
    create_space(job_client)
    page = create_page(job_client, "P")
    response = job_client.post(
        f"{WORD_BASE}/exports",
        json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE, "webhookUrl": url},
    )
    assert response.status_code == 400, response.text
    assert "webhookUrl" in response.json()["message"]


def test_bad_hosts_cost_only_their_own_delivery(
    allow_loopback: None,
    job_client: TestClient,
    db: Database,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unresolvable name and a malformed one stored before submit-time checks existed
    fail at once, without retries, and the other deliveries of the round go out."""
    caplog.set_level(logging.INFO, logger="pressroom.webhooks")
    create_space(job_client)
    page = create_page(job_client, "Poison")
    with Receiver() as receiver:
        unresolvable = _ended_job(job_client, page["id"], "http://nowhere.invalid/hook")
        malformed = _ended_job(job_client, page["id"], "http://placeholder.example/hook")
        good = _ended_job(job_client, page["id"], receiver.url)
        with db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == malformed)
                .values(webhook_url="http://a..b/hook")
            )
        dispatcher = WebhookDispatcher(db, WebhookPolicy(["127.0.0.1"], _unresolvable), clock)
        try:
            assert dispatcher.deliver_due() == 3
            clock.advance(hours=1)
            assert dispatcher.deliver_due() == 0
        finally:
            dispatcher.stop()
        assert receiver.received.wait(10)
    assert [body["jobId"] for body in receiver.bodies] == [good]
    failed = {
        r.args[1] for r in caplog.records if r.getMessage().startswith("webhook state=failed")
    }  # type: ignore[index]
    assert failed == {unresolvable, malformed}


def test_attempts_are_capped_when_a_delivery_is_claimed(
    allow_loopback: None, job_client: TestClient, db: Database, clock: FakeClock
) -> None:
    """A delivery whose dispatchers died holding its lease every time is not sent again."""
    create_space(job_client)
    page = create_page(job_client, "Crashy")
    with Receiver() as receiver:
        job_id = _ended_job(job_client, page["id"], receiver.url)
        with db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id)
                .values(webhook_attempts=MAX_ATTEMPTS)
            )
        dispatcher = WebhookDispatcher(db, WebhookPolicy(["127.0.0.1"]), clock)
        try:
            assert dispatcher.deliver_due() == 0
            clock.advance(hours=1)
            assert dispatcher.deliver_due() == 0
        finally:
            dispatcher.stop()
    assert receiver.bodies == []
