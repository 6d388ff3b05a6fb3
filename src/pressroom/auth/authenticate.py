"""Turning a request's credentials into an ``Identity``.

Order: the ``Authorization`` header (Bearer token or Basic), then the ``os_username`` /
``os_password`` URL parameters, then the session cookie; none of them means anonymous.
Wrong credentials are a 401 (never silently anonymous); every failure counts towards the
login throttle (``throttle.py``), which applies to every password, remembered or not; a
valid token is never throttled. Every password login is audited; one the credential cache
answers, once per user, address and method every ten minutes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pressroom.auth.audit import record_event
from pressroom.auth.credential_cache import CredentialCache
from pressroom.auth.identity import ANONYMOUS, Identity
from pressroom.auth.models import User
from pressroom.auth.passwords import verify_password
from pressroom.auth.server_settings import ServerSettings, load_settings
from pressroom.auth.sessions import find_session, needs_touch, session_user, touch_session
from pressroom.auth.throttle import check_throttle, clear_failures, record_failure
from pressroom.auth.tokens import LAST_USED_INTERVAL, find_token, mark_used
from pressroom.clock import as_utc
from pressroom.db import Database
from pressroom.errors import NotAuthenticated, PermissionDenied
from pressroom.metrics import LOGIN_FAILURES

BAD_CREDENTIALS = "The username or password is wrong."


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request offers; ``address`` is the client, after trusted proxies."""

    address: str
    authorization: str | None = None
    url_username: str | None = None
    url_password: str | None = None
    session_token: str | None = None


def parse_basic(value: str) -> tuple[str, str]:
    """The (user, password) of a Basic header's base64 part."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise NotAuthenticated(
            "The Basic credentials are not valid base64 of user:password."
        ) from exc
    username, sep, password = decoded.partition(":")
    if "\x00" in decoded:  # no user has one, and PostgreSQL cannot even compare it
        raise NotAuthenticated("The Basic credentials must not contain NUL characters.")
    if not sep:
        raise NotAuthenticated("The Basic credentials must have the form user:password.")
    return username, password


def _remembered(user: User, stamp: str | None) -> bool:
    """The cache remembers which hash a password matched; a password changed anywhere in
    the cluster changes the hash, and so ends the cache entry."""
    if not user.active or not stamp or not user.password_hash:
        return False
    return hmac.compare_digest(stamp, user.password_hash)


class Authenticator:
    """One request's authentication against the database at time ``now``."""

    def __init__(self, db: Database, cache: CredentialCache, now: datetime) -> None:
        self.db = db
        self.cache = cache
        self.now = now

    def load_settings(self) -> ServerSettings:
        with self.db.read() as session:
            return load_settings(session)

    def identify(self, credentials: Credentials, settings: ServerSettings) -> Identity:
        if credentials.authorization:
            scheme, _, value = credentials.authorization.strip().partition(" ")
            if scheme.lower() == "bearer":
                return self.by_token(value.strip(), credentials.address)
            if scheme.lower() == "basic":
                if not settings.basicAuthEnabled:
                    raise PermissionDenied(
                        "Basic authentication is disabled on this server. Send a personal "
                        "access token instead: 'Authorization: Bearer <token>'."
                    )
                username, password = parse_basic(value)
                return self.by_password(username, password, "basic", credentials.address)
        if credentials.url_password is not None:
            if not settings.urlParamAuthEnabled:
                raise PermissionDenied(
                    "Authentication with the os_username/os_password URL parameters is "
                    "disabled on this server. Use a personal access token instead."
                )
            username = credentials.url_username or ""
            return self.by_password(username, credentials.url_password, "url", credentials.address)
        if credentials.session_token:
            return self.by_session(credentials.session_token)
        return ANONYMOUS

    def by_password(self, username: str, password: str, method: str, address: str) -> Identity:
        with self.cache.one_check_at_a_time(username, password):
            return self._by_password(username, password, method, address)

    def _by_password(self, username: str, password: str, method: str, address: str) -> Identity:
        with self.db.read() as session:
            # Before the cache: a locked pair must not tell a right password from a wrong one.
            check_throttle(session, username, address, self.now)
            user = session.scalar(select(User).where(User.username == username))
            remembered = user is not None and _remembered(user, self.cache.get(username, password))
            password_hash = user.password_hash if user else None
            active = user is not None and user.active
        if remembered and user is not None:
            if self.cache.audit_due(username, address, method, self.now):
                self._succeeded(username, method, address, cached=True)
            return Identity.of(user, method)
        if verify_password(password_hash, password) and active and user is not None:
            assert password_hash is not None
            self.cache.put(username, password, password_hash)
            self._succeeded(username, method, address)
            return Identity.of(user, method)
        self._failed(username, method, address)
        raise NotAuthenticated(BAD_CREDENTIALS)

    def by_token(self, raw: str, address: str) -> Identity:
        with self.db.read() as session:
            found = find_token(session, raw, self.now)
            if found is None:
                check_throttle(session, None, address, self.now)
        if found is None:
            self._failed(None, "token", address)
            raise NotAuthenticated(
                "The personal access token is not valid: it is wrong, revoked or expired."
            )
        token, user = found
        last_used = token.last_used_at
        if last_used is None or self.now - as_utc(last_used) >= LAST_USED_INTERVAL:
            with self.db.write() as session:
                mark_used(session, token.id, self.now)
        return Identity.of(user, "token")

    def by_session(self, token: str) -> Identity:
        with self.db.read() as session:
            row = find_session(session, token, self.now)
            if row is None:
                return ANONYMOUS
            user = session_user(session, row)
            key, anonymous, touch = row.token_hash, row.user_id is None, needs_touch(row, self.now)
        if touch:
            with self.db.write() as session:
                touch_session(session, key, self.now)
        if anonymous:
            return Identity(session_key=key, method="session")
        return Identity.of(user, "session") if user is not None else ANONYMOUS

    def _succeeded(self, username: str, method: str, address: str, cached: bool = False) -> None:
        self.cache.audited(username, address, method, self.now)
        with self.db.write() as session:
            clear_failures(session, username, address)
            record_event(
                session,
                "login.success",
                at=self.now,
                actor=username,
                method=method,
                address=address,
                detail={"cached": True} if cached else None,
            )

    def _failed(self, username: str | None, method: str, address: str) -> None:
        LOGIN_FAILURES.labels(method).inc()
        with self.db.write() as session:
            record_failure(session, username, address, self.now)
            record_event(
                session,
                "login.failure",
                at=self.now,
                actor=username,
                method=method,
                address=address,
            )
