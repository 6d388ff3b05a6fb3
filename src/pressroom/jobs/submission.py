"""What must hold before an export job is queued: the page, the template, the permission,
and the caller's share of the queue."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, can_export_space
from pressroom.clock import as_utc
from pressroom.config import Settings
from pressroom.content.documents import get_content
from pressroom.content.export_selection import PageResolver, choose
from pressroom.content.models import Content
from pressroom.errors import (
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from pressroom.jobs.lifecycle import ExportRequest
from pressroom.jobs.models import ACTIVE_STATES, ExportJob
from pressroom.jobs.templates import resolve_job_template
from pressroom.jobs.webhooks import WebhookPolicy


def check_exportable(
    session: Session, settings: Settings, identity: Identity, export: ExportRequest
) -> None:
    try:
        content = get_content(session, identity, export.page_id)
    except NotAuthenticated as exc:
        raise NotAuthenticated(
            "Log in to export this page, or ask for anonymous access to its space."
        ) from exc
    except NotFound as exc:
        raise NotFound(f"No page with id {export.page_id} exists or you may not view it.") from exc
    if content.type not in ("page", "blogpost"):
        raise InvalidInput("pageId must be the id of a page or blog post, not an attachment.")
    if not can_export_space(session, identity, content.space_id):
        raise PermissionDenied(
            f"You need the 'export' permission on space {content.space.key} to export its "
            "pages; ask a space administrator for it."
        )
    resolve_job_template(session, settings, identity, export.template_id, export.exporter)
    check_selection(session, content, export)
    if export.webhook_url is not None:
        WebhookPolicy(settings.webhook_allow).check_syntax(export.webhook_url)
    if export.scope == "descendants" and content.type == "blogpost":
        export.scope = "current"


def check_selection(session: Session, content: Content, export: ExportRequest) -> None:
    """``versionId``, ``variantId`` and ``languageKey`` name what the page's space has,
    and the page is in that version and variant."""
    selection = choose(
        session, content.space, export.version_id, export.variant_id, export.language_key
    )
    resolved = PageResolver(session, selection).resolve([content])[content.id]
    if resolved is None:
        where = f"version {selection.version.name}" if selection.version else "the export"
        variant = f" and variant {selection.variant.name}" if selection.variant else ""
        raise InvalidInput(
            f"Page {content.id} is not in {where}{variant} (versionId, variantId): it is new "
            "in a later version, removed, or its attributes exclude the variant."
        )


RATE_WINDOW = timedelta(minutes=1)
# A queued job usually starts within seconds: a client told to wait may come back soon.
QUEUE_RETRY_SECONDS = 10


def check_job_caps(
    session: Session, settings: Settings, identity: Identity, address: str, now: datetime
) -> None:
    """One owner never fills the queue. A user may have ``max_queued_jobs_per_user``
    waiting exports; anonymous callers ``max_anonymous_jobs`` unfinished ones per session
    and per client address, and ``anonymous_exports_per_minute`` new ones per address."""
    if identity.user_id is not None:
        queued = _count(session, ("queued",), ExportJob.owner_user_id == identity.user_id)
        cap = settings.max_queued_jobs_per_user
        if queued >= cap:
            raise TooManyRequests(
                f"You have {queued} exports waiting, the most one user may have "
                f"(PRESSROOM_MAX_QUEUED_JOBS_PER_USER={cap}); wait until one has started, "
                "or cancel one.",
                QUEUE_RETRY_SECONDS,
            )
        return
    unfinished = _count(session, ACTIVE_STATES, *_anonymous_from(address))
    if identity.session_key:
        in_session = _count(session, ACTIVE_STATES, ExportJob.owner_session == identity.session_key)
        unfinished = max(unfinished, in_session)
    cap = settings.max_anonymous_jobs
    if unfinished >= cap:
        raise TooManyRequests(
            f"Your session or address has {unfinished} unfinished anonymous exports, the most "
            f"allowed (PRESSROOM_MAX_ANONYMOUS_JOBS={cap}); wait until one has finished, or "
            "log in.",
            QUEUE_RETRY_SECONDS,
        )
    _check_anonymous_rate(session, settings.anonymous_exports_per_minute, address, now)


def _check_anonymous_rate(session: Session, per_minute: int, address: str, now: datetime) -> None:
    recent = (
        select(ExportJob.created_at)
        .where(*_anonymous_from(address), ExportJob.created_at > now - RATE_WINDOW)
        .order_by(ExportJob.created_at.desc())
        .limit(max(per_minute, 1))
    )
    started = list(session.scalars(recent))
    if len(started) < per_minute:
        return
    oldest = as_utc(started[-1]) if started else now
    retry_after = max(1, math.ceil((oldest + RATE_WINDOW - now).total_seconds()))
    raise TooManyRequests(
        f"Anonymous exports from your address are limited to {per_minute} a minute "
        f"(PRESSROOM_ANONYMOUS_EXPORTS_PER_MINUTE); try again in {retry_after} seconds, "
        "or log in.",
        retry_after,
    )


def _anonymous_from(address: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return ExportJob.owner_user_id.is_(None), ExportJob.owner_address == address


def _count(session: Session, states: tuple[str, ...], *where: ColumnElement[bool]) -> int:
    statement = (
        select(func.count()).select_from(ExportJob).where(ExportJob.state.in_(states), *where)
    )
    return session.scalar(statement) or 0
