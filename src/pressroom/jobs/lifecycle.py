"""Submitting, finding, cancelling and expiring export jobs (the database side)."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.clock import Clock
from pressroom.errors import NotFound, TooManyRequests
from pressroom.jobs.models import ACTIVE_STATES, FINAL_STATES, ExportJob
from pressroom.metrics import JOBS_SWEPT

log = logging.getLogger("pressroom.jobs")

# As in the seed: job information and the file are removed 10 minutes after the job
# ends, and this is not configurable.
RETENTION = timedelta(minutes=10)


@dataclass(slots=True)
class ExportRequest:
    """What a client asked for, validated."""

    exporter: str
    page_id: int
    template_id: str
    scope: str = "current"
    locale: str | None = None
    version_id: str | None = None
    variant_id: str = "all"
    language_key: str | None = None
    time_zone: str | None = None
    webhook_url: str | None = None
    synchronous: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def parameters_json(self) -> str:
        return json.dumps(
            {
                "locale": self.locale,
                "versionId": self.version_id,
                "variantId": self.variant_id,
                "languageKey": self.language_key,
                "timeZone": self.time_zone,
                **self.extra,
            }
        )


def submit_job(
    session: Session,
    identity: Identity,
    request: ExportRequest,
    *,
    max_queued: int,
    clock: Clock,
    address: str = "",
) -> ExportJob:
    """A queued job row; the caller enqueues its id once the row is committed."""
    queued = session.scalar(
        select(func.count()).select_from(ExportJob).where(ExportJob.state == "queued")
    )
    if (queued or 0) >= max_queued:
        raise TooManyRequests(
            f"{queued} exports are waiting already; try again in a minute.", retry_after=30
        )
    job = ExportJob(
        exporter=request.exporter,
        page_id=request.page_id,
        scope=request.scope,
        template_id=request.template_id,
        parameters=request.parameters_json(),
        owner_user_id=identity.user_id,
        owner_session=None if identity.user_id else identity.session_key,
        owner_address=address[:64] or None,
        synchronous=request.synchronous,
        webhook_url=request.webhook_url,
        webhook_state="pending" if request.webhook_url else None,
        created_at=clock(),
    )
    session.add(job)
    session.flush()
    return job


def find_job(session: Session, identity: Identity, job_id: str, clock: Clock) -> ExportJob:
    """The caller's job; anybody else's, an expired or an unknown one is the same 404."""
    job = session.get(ExportJob, job_id)
    if job is None or not _owns(identity, job) or is_expired(job, clock()):
        raise NotFound(
            f"No export job with id {job_id} exists (jobs are removed 10 minutes after they end)."
        )
    return job


def _owns(identity: Identity, job: ExportJob) -> bool:
    if identity.is_admin:
        return True
    if job.owner_user_id is not None:
        return job.owner_user_id == identity.user_id
    return job.owner_session is not None and job.owner_session == identity.session_key


def is_expired(job: ExportJob, now: datetime) -> bool:
    return job.finished_at is not None and _aware(job.finished_at) + RETENTION <= now


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cancel_job(session: Session, job: ExportJob, clock: Clock) -> None:
    """Queued jobs never start afterwards; running ones stop at their next checkpoint.
    Both report ``cancelled`` at once."""
    if job.state in FINAL_STATES:
        return
    session.execute(
        update(ExportJob)
        .where(ExportJob.id == job.id, ExportJob.state.in_(ACTIVE_STATES))
        .values(
            state="cancelled",
            cancel_requested=True,
            finished_at=clock(),
            message="The export was cancelled.",
        )
    )
    session.refresh(job)


def wire_status(job: ExportJob) -> str:
    return "incomplete" if job.state in ACTIVE_STATES else job.state


ARTIFACTS_PATHS = {
    "word": "/plugins/servlet/scroll-office/api/artifacts",
    "pdf": "/plugins/servlet/scroll-pdf/api/artifacts",
}


def download_url(job: ExportJob, origin: str) -> str | None:
    """``{origin}/plugins/servlet/scroll-office/api/artifacts/{jobId}/{file name}``."""
    if job.state != "complete" or not job.file_name:
        return None
    return f"{origin}{ARTIFACTS_PATHS[job.exporter]}/{job.id}/{quote(job.file_name)}"


def status_payload(job: ExportJob, origin: str) -> dict[str, Any]:
    """The status JSON of the seed, plus ``message`` (error, cancelled) and ``log``."""
    return {
        "status": wire_status(job),
        "step": job.step,
        "totalSteps": job.total_steps,
        "stepProgress": job.step_progress,
        "downloadUrl": download_url(job, origin),
        "message": job.message if job.state in ("error", "cancelled") else None,
        "log": job_log(job),
    }


def job_log(job: ExportJob) -> list[str]:
    try:
        entries = json.loads(job.log or "[]")
    except ValueError:
        return []
    return [str(entry) for entry in entries] if isinstance(entries, list) else []


def export_dir(exports_root: Path, job_id: str) -> Path:
    # job ids are UUIDs we generated, never user strings
    return exports_root / job_id


def sweep_expired(session: Session, exports_root: Path, clock: Clock) -> int:
    """Delete jobs (rows and files) that ended more than 10 minutes ago."""
    cutoff = clock() - RETENTION
    expired = list(
        session.scalars(select(ExportJob.id).where(ExportJob.finished_at <= cutoff).limit(1000))
    )
    for job_id in expired:
        shutil.rmtree(export_dir(exports_root, job_id), ignore_errors=True)
    if expired:
        session.execute(delete(ExportJob).where(ExportJob.id.in_(expired)))
    for job_id in expired:
        log.info("job removed job=%s (ended more than 10 minutes ago)", job_id)
    JOBS_SWEPT.labels("expired").inc(len(expired))
    return len(expired)


def fail_stale_jobs(
    session: Session,
    exports_root: Path,
    stale_after: timedelta,
    timeout: timedelta,
    clock: Clock,
) -> int:
    """Mark running jobs whose worker died (no heartbeat) or that ran too long as errors,
    and remove what they had written."""
    now = clock()
    died = _fail_running(
        session,
        ExportJob.heartbeat_at < now - stale_after,
        "The export worker stopped unexpectedly; start the export again.",
        now,
    )
    too_long = _fail_running(
        session,
        ExportJob.started_at < now - timeout,
        f"The export took longer than {int(timeout.total_seconds())} s and was stopped.",
        now,
    )
    for job_id in died + too_long:
        shutil.rmtree(export_dir(exports_root, job_id), ignore_errors=True)
        log.info("job state=error job=%s (no heartbeat or over the time limit)", job_id)
    JOBS_SWEPT.labels("stale").inc(len(died))
    JOBS_SWEPT.labels("timeout").inc(len(too_long))
    return len(died) + len(too_long)


def _fail_running(
    session: Session, condition: ColumnElement[bool], message: str, now: datetime
) -> list[str]:
    candidates = list(
        session.scalars(select(ExportJob.id).where(ExportJob.state == "running", condition))
    )
    failed = []
    for job_id in candidates:
        changed = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.state == "running")
            .values(state="error", finished_at=now, cancel_requested=True, message=message)
        ).rowcount  # type: ignore[attr-defined]
        if changed:
            failed.append(job_id)
    return failed
