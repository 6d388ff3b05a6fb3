"""Browser sessions, kept in the database so that every node of a cluster honours them and
logout revokes them everywhere. The cookie carries a random token; the table only its
SHA-256 hash, which doubles as the session's public key (``Identity.session_key``)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pressroom.auth.models import LoginSession, User
from pressroom.clock import as_utc

USER_IDLE = timedelta(hours=12)
USER_MAX_AGE = timedelta(days=14)
ANONYMOUS_IDLE = timedelta(days=1)
TOUCH_INTERVAL = timedelta(minutes=1)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new session: ``token`` goes into the cookie and nowhere else."""

    token: str
    key: str
    csrf_token: str


def start_session(
    session: Session, user_id: int | None, now: datetime, address: str = ""
) -> IssuedSession:
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now - timedelta(days=1)))
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=token_key(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + (USER_IDLE if user_id is not None else ANONYMOUS_IDLE),
        last_seen_at=now,
        revoked=False,
        address=address[:64],
    )
    session.add(row)
    session.flush()
    return IssuedSession(token, row.token_hash, row.csrf_token)


def find_session(session: Session, token: str, now: datetime) -> LoginSession | None:
    """The live (unexpired, unrevoked) session of ``token``, or None."""
    if not token or len(token) > 128:
        return None
    return session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == token_key(token),
            LoginSession.revoked.is_(False),
            LoginSession.expires_at > now,
        )
    )


def session_user(session: Session, row: LoginSession) -> User | None:
    """The active user of a user session; None for anonymous sessions and disabled users."""
    if row.user_id is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def needs_touch(row: LoginSession, now: datetime) -> bool:
    return now - as_utc(row.last_seen_at) >= TOUCH_INTERVAL


def touch_session(session: Session, key: str, now: datetime) -> None:
    """Slide the expiry forward (at most once a minute, to spare the database writes)."""
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == key))
    if row is None:
        return
    row.last_seen_at = now
    if row.user_id is None:
        row.expires_at = now + ANONYMOUS_IDLE
    else:
        row.expires_at = min(now + USER_IDLE, as_utc(row.created_at) + USER_MAX_AGE)


def revoke_session(session: Session, token: str) -> LoginSession | None:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == token_key(token)))
    if row is not None:
        row.revoked = True
    return row


def revoke_user_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(LoginSession).where(LoginSession.user_id == user_id).values(revoked=True)
    )
