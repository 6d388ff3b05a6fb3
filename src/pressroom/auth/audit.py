"""The audit log: logins, failures, tokens, users, groups, permissions and settings.

Each event is a row (``audit_events``) and a ``pressroom.audit`` log line. Callers pass
names and ids only; no password, token or cookie ever reaches an event.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.auth.models import AuditEvent

log = logging.getLogger("pressroom.audit")


def record_event(
    session: Session,
    event: str,
    *,
    at: datetime,
    actor: str | None = None,
    subject: str | None = None,
    method: str | None = None,
    address: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=at,
            event=event,
            actor=actor[:255] if actor else None,
            subject=subject[:255] if subject else None,
            method=method,
            address=address[:64],
            detail=json.dumps(detail or {}, sort_keys=True),
        )
    )
    log.info(
        "audit event=%s actor=%s subject=%s method=%s address=%s",
        event,
        actor or "-",
        subject or "-",
        method or "-",
        address or "-",
    )


def recent_events(session: Session, start: int, limit: int) -> list[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).offset(start).limit(limit)
    return list(session.scalars(statement))
