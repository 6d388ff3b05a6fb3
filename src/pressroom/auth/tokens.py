"""Personal access tokens: created for a user, shown once, stored as SHA-256 hashes, sent
as ``Authorization: Bearer <token>``."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.auth.models import AccessToken, User
from pressroom.errors import InvalidInput, NotFound

MAX_DAYS = 3650
LAST_USED_INTERVAL = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    session: Session, user: User, name: str, days: int | None, now: datetime
) -> tuple[AccessToken, str]:
    """A new token and its raw value (which is not kept anywhere)."""
    name = name.strip()
    if not name or len(name) > 255:
        raise InvalidInput("Give the token a 'name' of 1 to 255 characters.")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"'expirationDuration' is a number of days from 1 to {MAX_DAYS}.")
    raw = secrets.token_urlsafe(33)
    token = AccessToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    return token, raw


def list_tokens(session: Session, user_id: int) -> list[AccessToken]:
    statement = select(AccessToken).where(AccessToken.user_id == user_id)
    return list(session.scalars(statement.order_by(AccessToken.id)))


def revoke_token(session: Session, user_id: int, token_id: int) -> AccessToken:
    token = session.get(AccessToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(f"You have no personal access token with id {token_id}.")
    session.delete(token)
    return token


def find_token(session: Session, raw: str, now: datetime) -> tuple[AccessToken, User] | None:
    """The unexpired token ``raw`` and its active user, or None."""
    if not raw or len(raw) > 256:
        return None
    row = session.execute(
        select(AccessToken, User)
        .join(User, User.id == AccessToken.user_id)
        .where(AccessToken.token_hash == token_hash(raw), User.active.is_(True))
        .where((AccessToken.expires_at.is_(None)) | (AccessToken.expires_at > now))
    ).first()
    return (row[0], row[1]) if row else None


def mark_used(session: Session, token_id: int, now: datetime) -> None:
    token = session.get(AccessToken, token_id)
    if token is not None:
        token.last_used_at = now
