"""Webhooks: when a job with a ``webhookUrl`` ends, its final status JSON is POSTed there.

Deliveries are rows, not memory: a dispatcher claims due ones with a lease, retries
failures with exponential backoff, and picks up where it stopped after a restart.
Addresses are checked before every attempt: loopback, private, link-local and other
special ranges are refused unless the ``webhook_allow`` setting names them.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import or_, select, update

from pressroom.clock import Clock
from pressroom.db import Database
from pressroom.errors import InvalidInput
from pressroom.jobs.lifecycle import status_payload
from pressroom.jobs.models import FINAL_STATES, ExportJob

log = logging.getLogger("pressroom.webhooks")

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=5)
LEASE = timedelta(seconds=60)

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class WebhookPolicy:
    """Which webhook URLs may be called: http(s) only, public addresses, plus the
    hosts and networks of the allow-list."""

    def __init__(self, allow: list[str], resolver: Resolver = system_resolver) -> None:
        self._hosts = {entry.lower() for entry in allow if not _is_network(entry)}
        self._networks = [
            ipaddress.ip_network(entry, strict=False) for entry in allow if _is_network(entry)
        ]
        self._resolve = resolver

    def check_syntax(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("webhookUrl must be an absolute http:// or https:// URL.")
        if parts.username or parts.password:
            raise InvalidInput("webhookUrl must not contain credentials.")
        literal = _literal_address(parts.hostname)
        if literal is not None and not self._allowed(parts.hostname, literal):
            raise InvalidInput(
                f"webhookUrl points to {literal}, a private or special address; an "
                "administrator can allow it with PRESSROOM_WEBHOOK_ALLOW."
            )
        return url

    def check_destination(self, url: str) -> None:
        """Resolve the host and refuse it if any address is not allowed."""
        parts = urlsplit(self.check_syntax(url))
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = self._resolve(host, port)
        if not addresses:
            raise InvalidInput(f"The webhook host {host} does not resolve.")
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if not self._allowed(host, address):
                raise InvalidInput(
                    f"The webhook host {host} resolves to {address}, which is not allowed."
                )

    def _allowed(self, host: str, address: IpAddress) -> bool:
        if host.lower() in self._hosts or any(address in net for net in self._networks):
            return True
        return address.is_global and not address.is_multicast


def _is_network(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return True


def _literal_address(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class WebhookDispatcher:
    """Delivers due webhooks from a daemon thread every ``interval`` seconds."""

    def __init__(
        self,
        db: Database,
        policy: WebhookPolicy,
        clock: Clock,
        interval: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._db = db
        self._policy = policy
        self._clock = clock
        self._interval = interval
        self._client = httpx.Client(timeout=10.0, follow_redirects=False, transport=transport)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery round failed")

    def deliver_due(self) -> int:
        """Deliver every due webhook once; returns how many were attempted."""
        attempted = 0
        for job_id in self._due():
            claimed = self._claim(job_id)
            if claimed is not None:
                self._deliver(*claimed)
                attempted += 1
        return attempted

    def _due(self) -> list[str]:
        now = self._clock()
        statement = (
            select(ExportJob.id)
            .where(
                ExportJob.webhook_state == "pending",
                ExportJob.state.in_(FINAL_STATES),
                or_(ExportJob.webhook_next_at.is_(None), ExportJob.webhook_next_at <= now),
            )
            .limit(50)
        )
        with self._db.read() as session:
            return list(session.scalars(statement))

    def _claim(self, job_id: str) -> tuple[str, str, str, int] | None:
        """Lease one delivery so that no other dispatcher sends it at the same time."""
        now = self._clock()
        with self._db.write() as session:
            job = session.get(ExportJob, job_id)
            if job is None or job.webhook_state != "pending" or not job.webhook_url:
                return None
            url, attempt = job.webhook_url, job.webhook_attempts + 1
            leased = session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.webhook_attempts == attempt - 1)
                .values(webhook_next_at=now + LEASE, webhook_attempts=attempt)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if not leased:
                return None
            origin = json.loads(job.parameters or "{}").get("baseUrl") or ""
            body = json.dumps({"jobId": job.id, **status_payload(job, origin)})
            return job_id, url, body, attempt

    def _deliver(self, job_id: str, url: str, body: str, attempt: int) -> None:
        try:
            self._policy.check_destination(url)
        except InvalidInput as refused:
            self._finish(job_id, "failed", attempt, refused.message)
            return
        try:
            response = self._client.post(
                url, content=body, headers={"Content-Type": "application/json"}
            )
            ok = 200 <= response.status_code < 300
            reason = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            ok, reason = False, type(exc).__name__
        if ok:
            self._finish(job_id, "delivered", attempt, reason)
        elif attempt >= MAX_ATTEMPTS:
            self._finish(job_id, "failed", attempt, reason)
        else:
            self._retry_later(job_id, attempt, reason)

    def _finish(self, job_id: str, state: str, attempt: int, reason: str) -> None:
        with self._db.write() as session:
            session.execute(
                update(ExportJob).where(ExportJob.id == job_id).values(webhook_state=state)
            )
        log.info("webhook state=%s job=%s attempt=%s result=%s", state, job_id, attempt, reason)

    def _retry_later(self, job_id: str, attempt: int, reason: str) -> None:
        delay = FIRST_RETRY * (2 ** (attempt - 1))
        with self._db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id)
                .values(webhook_next_at=self._clock() + delay)
            )
        log.info(
            "webhook retry job=%s attempt=%s result=%s in=%ss",
            job_id,
            attempt,
            reason,
            int(delay.total_seconds()),
        )
