"""Webhooks: the final status is POSTed to webhookUrl, with retries and an address policy."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient

from pressroom.config import Settings
from pressroom.errors import InvalidInput
from pressroom.jobs.webhooks import WebhookPolicy
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

    def __init__(self, failures: int = 0) -> None:
        self.bodies: list[dict] = []
        self.failures = failures
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["content-length"])
                body = json.loads(self.rfile.read(length))
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

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
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
