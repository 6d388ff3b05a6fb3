"""Throttling failed logins: after ``LIMIT`` failures within ``WINDOW`` for one username or
one client address, further attempts are refused (429) until the oldest failure ages out."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from pressroom.auth.models import LoginFailure
from pressroom.clock import as_utc
from pressroom.errors import TooManyRequests

log = logging.getLogger("pressroom.audit")

LIMIT = 5
WINDOW = timedelta(minutes=5)


def check_throttle(session: Session, username: str | None, address: str, now: datetime) -> None:
    """Raise ``TooManyRequests`` (with the seconds to wait) when either key is over the limit."""
    waits = [_wait(session, LoginFailure.address == address, now)]
    if username:
        waits.append(_wait(session, LoginFailure.username == username, now))
    retry_after = max(waits)
    if retry_after > 0:
        log.warning(
            "login throttled user=%s address=%s retry_after=%s",
            username or "-",
            address,
            retry_after,
        )
        raise TooManyRequests(
            f"Too many failed logins; try again in {retry_after} seconds.", retry_after
        )


def _wait(session: Session, key: ColumnElement[bool], now: datetime) -> int:
    since = now - WINDOW
    recent = select(LoginFailure.failed_at).where(key, LoginFailure.failed_at > since)
    count = session.scalar(select(func.count()).select_from(recent.subquery())) or 0
    if count < LIMIT:
        return 0
    # Waiting until the newest failures leave the window brings the count below the limit.
    ordered = recent.order_by(LoginFailure.failed_at.desc()).offset(LIMIT - 1).limit(1)
    pivot = session.scalar(ordered)
    if pivot is None:
        return 0
    return max(1, math.ceil((as_utc(pivot) + WINDOW - now).total_seconds()))


def record_failure(session: Session, username: str | None, address: str, now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW))
    session.add(
        LoginFailure(username=username[:255] if username else None, address=address, failed_at=now)
    )


def clear_failures(session: Session, username: str) -> None:
    """A correct password ends that user's streak (the address keeps its count)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
