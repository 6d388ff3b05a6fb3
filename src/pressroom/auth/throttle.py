"""Throttling failed logins, by any method (form, Basic, URL parameters, bearer tokens).

Two rules, so that guessing stays slow while nobody can lock an account out:

* **A lock per (username, client address).** After ``PAIR_LIMIT`` failures within
  ``PAIR_WINDOW`` for one username from one address, that username from that address answers
  429 until the oldest of them ages out. Others, and that user elsewhere, are not affected.
* **A growing pause per username.** Once a username has ``USER_FREE`` failures within
  ``USER_WINDOW`` from anywhere, an address that itself failed for it within ``PAIR_WINDOW``
  must wait ``2 ** (failures - USER_FREE)`` seconds (at most ``MAX_PAUSE``) after the
  username's latest failure. An address without a recent failure is never paused: the owner
  logging in from their own machine gets in while someone guesses elsewhere.

Invalid bearer tokens are failures of no username, locked per address like a pair; a valid
token is never throttled (the caller checks it first).
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from pressroom.auth.models import LoginFailure
from pressroom.clock import as_utc
from pressroom.errors import TooManyRequests

log = logging.getLogger("pressroom.audit")

PAIR_LIMIT = 5
PAIR_WINDOW = timedelta(minutes=5)
USER_FREE = 5
USER_WINDOW = timedelta(hours=1)
MAX_PAUSE = timedelta(minutes=5)


def check_throttle(session: Session, username: str | None, address: str, now: datetime) -> None:
    """Raise ``TooManyRequests`` (with the seconds to wait) when this attempt must wait."""
    retry_after = _pair_wait(session, username, address, now)
    if retry_after == 0 and username:
        retry_after = _username_pause(session, username, address, now)
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


def _key(username: str | None) -> str | None:
    """The username as stored: at most 255 characters, ``None`` for none."""
    return username[:255] if username else None


def _pair(username: str | None, address: str) -> ColumnElement[bool]:
    key = _key(username)
    user = LoginFailure.username == key if key else LoginFailure.username.is_(None)
    return and_(user, LoginFailure.address == address)


def _pair_wait(session: Session, username: str | None, address: str, now: datetime) -> int:
    """Seconds until the pair's failures within the window fall below the limit."""
    recent = (
        select(LoginFailure.failed_at)
        .where(_pair(username, address), LoginFailure.failed_at > now - PAIR_WINDOW)
        .order_by(LoginFailure.failed_at.desc())
        .limit(PAIR_LIMIT)
    )
    failures = list(session.scalars(recent))
    if len(failures) < PAIR_LIMIT:
        return 0
    return _seconds_until(as_utc(failures[-1]) + PAIR_WINDOW, now)


def _username_pause(session: Session, username: str, address: str, now: datetime) -> int:
    """Seconds this address must still wait for ``username``; 0 for an address that has
    not failed for it recently."""
    own = select(func.count()).where(
        _pair(username, address), LoginFailure.failed_at > now - PAIR_WINDOW
    )
    if not session.scalar(own):
        return 0
    count, latest = session.execute(
        select(func.count(), func.max(LoginFailure.failed_at)).where(
            LoginFailure.username == _key(username), LoginFailure.failed_at > now - USER_WINDOW
        )
    ).one()
    if count < USER_FREE or latest is None:
        return 0
    pause = min(timedelta(seconds=2 ** min(count - USER_FREE, 20)), MAX_PAUSE)
    return _seconds_until(as_utc(latest) + pause, now)


def _seconds_until(moment: datetime, now: datetime) -> int:
    remaining = (moment - now).total_seconds()
    return max(1, math.ceil(remaining)) if remaining > 0 else 0


def record_failure(session: Session, username: str | None, address: str, now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - USER_WINDOW))
    session.add(LoginFailure(username=_key(username), address=address, failed_at=now))


def clear_failures(session: Session, username: str, address: str) -> None:
    """A correct password ends the streak of that user at that address; failures elsewhere
    (someone else guessing) keep counting."""
    session.execute(delete(LoginFailure).where(_pair(username, address)))
