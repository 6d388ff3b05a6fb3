"""Webhooks: when a job with a ``webhookUrl`` ends, its final status JSON is POSTed there.

Deliveries are rows, not memory: a dispatcher claims due ones with a lease, retries
failures with exponential backoff up to ``MAX_ATTEMPTS``, and picks up where it stopped
after a restart. The host is resolved once per connection, every address is checked, and
the connection goes to a checked address (Host header and TLS SNI keep the name), so a
name that answers differently the second time (DNS rebinding) cannot reach anything else.
Loopback, private, link-local, site-local, IPv6 forms that embed an IPv4 address and other
special ranges are refused unless the ``webhook_allow`` setting names them.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from sqlalchemy import or_, select, update

from pressroom.clock import Clock
from pressroom.db import Database
from pressroom.errors import InvalidInput
from pressroom.jobs.lifecycle import status_payload
from pressroom.jobs.models import FINAL_STATES, ExportJob
from pressroom.metrics import WEBHOOK_DELIVERIES

log = logging.getLogger("pressroom.webhooks")

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=5)
LEASE = timedelta(seconds=60)
TIMEOUTS = {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# IPv6 ranges whose addresses stand for an IPv4 address (NAT64, 6to4, Teredo, mapped and
# compatible forms: reaching them may reach 127.0.0.1 or 10.x), and the old site-local range.
REFUSED_IPV6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "::ffff:0:0/96",
        "::/96",
        "fec0::/10",
    )
)
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$", re.IGNORECASE)


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
        """Refuse what no delivery could ever reach; no name is resolved here."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("webhookUrl must be an absolute http:// or https:// URL.")
        if parts.username or parts.password:
            raise InvalidInput("webhookUrl must not contain credentials.")
        try:
            parts.port  # noqa: B018 - parsing it is the check
        except ValueError as exc:
            raise InvalidInput(
                "webhookUrl has a port that is not a number from 0 to 65535."
            ) from exc
        literal = _literal_address(parts.hostname)
        if literal is None and not _valid_host_name(parts.hostname):
            raise InvalidInput(f"webhookUrl has an invalid host name: {parts.hostname!r}.")
        if literal is not None and not self._allowed(parts.hostname, literal):
            raise InvalidInput(
                f"webhookUrl points to {literal}, a private or special address; an "
                "administrator can allow it with PRESSROOM_WEBHOOK_ALLOW."
            )
        return url

    def check_destination(self, url: str) -> list[IpAddress]:
        """The checked addresses of the URL's host (resolved once)."""
        parts = urlsplit(self.check_syntax(url))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return self.approved_addresses(parts.hostname or "", port)

    def approved_addresses(self, host: str, port: int) -> list[IpAddress]:
        """Resolve ``host`` once; refuse it unless every address is allowed."""
        literal = _literal_address(host)
        addresses = [literal] if literal is not None else self._resolved(host, port)
        if not addresses:
            raise InvalidInput(f"The webhook host {host} does not resolve.")
        for address in addresses:
            if not self._allowed(host, address):
                raise InvalidInput(
                    f"The webhook host {host} resolves to {address}, which is not allowed."
                )
        return addresses

    def _resolved(self, host: str, port: int) -> list[IpAddress]:
        try:
            return [ipaddress.ip_address(text.split("%")[0]) for text in self._resolve(host, port)]
        except (OSError, ValueError) as exc:  # gaierror, a bad IDNA label, a strange answer
            raise InvalidInput(f"The webhook host {host!r} does not resolve: {exc}.") from exc

    def _allowed(self, host: str, address: IpAddress) -> bool:
        if host.lower() in self._hosts or any(address in net for net in self._networks):
            return True
        if any(address in network for network in REFUSED_IPV6):
            return False
        return address.is_global and not address.is_multicast


class CheckedAddressBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to addresses the policy approved, resolving the host
    once: httpcore connects here and then starts TLS with the original name, and httpx's
    URL supplies the Host header, so certificates and virtual hosts work as usual."""

    def __init__(self, policy: WebhookPolicy) -> None:
        self._policy = policy
        self._network = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self._policy.approved_addresses(host, port):
            try:
                return self._network.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # approved_addresses never answers an empty list
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Webhooks never connect to Unix sockets.")

    def sleep(self, seconds: float) -> None:
        self._network.sleep(seconds)


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


def _valid_host_name(host: str) -> bool:
    """A name DNS could hold: IDNA-encodable, labels of 1-63 letters, digits, '-' or '_'."""
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = encoded.removesuffix(".").split(".")
    return len(encoded) <= 253 and all(HOST_LABEL.match(label) for label in labels)


class WebhookDispatcher:
    """Delivers due webhooks from a daemon thread every ``interval`` seconds."""

    def __init__(
        self, db: Database, policy: WebhookPolicy, clock: Clock, interval: float = 1.0
    ) -> None:
        self._db = db
        self._policy = policy
        self._clock = clock
        self._interval = interval
        # No kept-alive connections: each delivery connects afresh, to a checked address.
        self._pool = httpcore.ConnectionPool(
            network_backend=CheckedAddressBackend(policy), max_keepalive_connections=0
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        self._pool.close()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery round failed")

    def deliver_due(self) -> int:
        """Deliver every due webhook once; returns how many were attempted. One delivery's
        failure, whatever it is, costs that delivery and never the round."""
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
        """Lease one delivery so that no other dispatcher sends it at the same time. A
        delivery whose attempts are used up (a dispatcher died holding its lease) fails."""
        now = self._clock()
        with self._db.write() as session:
            job = session.get(ExportJob, job_id)
            if job is None or job.webhook_state != "pending" or not job.webhook_url:
                return None
            url, attempt = job.webhook_url, job.webhook_attempts + 1
            if attempt > MAX_ATTEMPTS:
                session.execute(
                    update(ExportJob)
                    .where(ExportJob.id == job_id, ExportJob.webhook_state == "pending")
                    .values(webhook_state="failed")
                )
                log.info("webhook state=failed job=%s attempts=%s used up", job_id, attempt - 1)
                return None
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
            ok, reason = self._post(url, body)
        except InvalidInput as refused:
            self._finish(job_id, "failed", attempt, refused.message)
            return
        except Exception as exc:
            log.exception("webhook job=%s attempt=%s failed unexpectedly", job_id, attempt)
            ok, reason = False, type(exc).__name__
        if ok:
            self._finish(job_id, "delivered", attempt, reason)
        elif attempt >= MAX_ATTEMPTS:
            self._finish(job_id, "failed", attempt, reason)
        else:
            self._retry_later(job_id, attempt, reason)

    def _post(self, url: str, body: str) -> tuple[bool, str]:
        """POST ``body``; the status is all that is read of the answer."""
        target = str(httpx.URL(self._policy.check_syntax(url)))
        headers = [("Content-Type", "application/json")]
        extensions: dict[str, Any] = {"timeout": TIMEOUTS}
        try:
            with self._pool.stream(
                "POST", target, headers=headers, content=body.encode(), extensions=extensions
            ) as response:
                status = response.status
        except (
            httpcore.TimeoutException,
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
        ) as exc:
            return False, type(exc).__name__
        return 200 <= status < 300, f"HTTP {status}"

    def _finish(self, job_id: str, state: str, attempt: int, reason: str) -> None:
        with self._db.write() as session:
            session.execute(
                update(ExportJob).where(ExportJob.id == job_id).values(webhook_state=state)
            )
        WEBHOOK_DELIVERIES.labels(state).inc()
        log.info("webhook state=%s job=%s attempt=%s result=%s", state, job_id, attempt, reason)

    def _retry_later(self, job_id: str, attempt: int, reason: str) -> None:
        delay = FIRST_RETRY * (2 ** (attempt - 1))
        WEBHOOK_DELIVERIES.labels("retry").inc()
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
