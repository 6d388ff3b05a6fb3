"""The export task: claim a queued job, render it in three steps, record the outcome."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pressroom.auth.models import User
from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.errors import InvalidInput, PressroomError, kind_of
from pressroom.jobs.lifecycle import export_dir
from pressroom.jobs.models import ExportJob
from pressroom.jobs.progress import Checkpoint, Heartbeat, JobCancelled
from pressroom.metrics import EXPORT_PAGES, JOB_DURATION, JOBS_FINISHED, JOBS_STARTED

log = logging.getLogger("pressroom.jobs")

TOTAL_STEPS = 3  # 1 collect pages and attachments, 2 render, 3 write the file
DEFER_SECONDS = 2.0


class _Deferred:
    """The claim's answer when the job must wait for one of its owner's exports to end."""


DEFERRED = _Deferred()


@dataclass(slots=True)
class RenderedExport:
    """What a renderer produced: the file (inside the job's folder) and its metadata."""

    path: Path
    file_name: str
    page_title: str
    page_version: int
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


Renderer = Callable[[ExportJob, Path, Checkpoint], RenderedExport]


class ExporterRenderers:
    """The renderer of each exporter (``word``, ``pdf``), chosen by the job."""

    def __init__(self, renderers: dict[str, Renderer]) -> None:
        self.renderers = renderers

    def __call__(self, job: ExportJob, folder: Path, checkpoint: Checkpoint) -> RenderedExport:
        renderer = self.renderers.get(job.exporter)
        if renderer is None:
            raise InvalidInput(f"No exporter {job.exporter!r} on this server.")
        return renderer(job, folder, checkpoint)


class JobRunner:
    """Runs one job id. Safe to call for a job that was cancelled meanwhile: it does nothing."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        render: Renderer,
        clock: Clock = utcnow,
        heartbeat_interval: float = 5.0,
    ) -> None:
        self.settings = settings
        self.db = db
        self.render = render
        self.clock = clock
        self.heartbeat_interval = heartbeat_interval

    def __call__(self, job_id: str) -> float | None:
        """Run the job; answers the seconds to wait before trying again when its owner
        already has ``max_running_jobs_per_user`` exports rendering (it stays queued)."""
        job = self._claim(job_id)
        if isinstance(job, _Deferred):
            log.info("job deferred job=%s (its owner's running exports are at the cap)", job_id)
            return DEFER_SECONDS
        if job is None:
            return None
        log.info("job state=running job=%s page=%s scope=%s", job.id, job.page_id, job.scope)
        JOBS_STARTED.labels(job.exporter).inc()
        started = time.monotonic()
        outcome = self._run(job)
        JOBS_FINISHED.labels(job.exporter, outcome).inc()
        JOB_DURATION.labels(job.exporter, outcome).observe(time.monotonic() - started)
        return None

    def _run(self, job: ExportJob) -> str:
        """Render the claimed job; answers how it ended."""
        folder = export_dir(self.settings.exports_dir, job.id)
        folder.mkdir(parents=True, exist_ok=True)
        checkpoint = Checkpoint(self.db, job.id, self.clock)
        try:
            with Heartbeat(self.db, job.id, self.clock, self.heartbeat_interval):
                result = self.render(job, folder, checkpoint)
            if self._complete(job, result, folder):
                EXPORT_PAGES.labels(job.exporter).observe(result.pages)
                return "complete"
            return "cancelled"
        except JobCancelled:
            shutil.rmtree(folder, ignore_errors=True)
            log.info("job state=cancelled job=%s (stopped at a checkpoint)", job.id)
            return "cancelled"
        except PressroomError as exc:
            self._fail(job, exc.message, folder, kind_of(exc))
        except KeyboardInterrupt:
            # The worker is stopping and the grace period (PRESSROOM_DRAIN_SECONDS) is over.
            self._requeue(job, folder)
            JOBS_FINISHED.labels(job.exporter, "requeued").inc()
            raise
        except Exception as exc:
            if _interrupted(exc):  # the interrupt surfaced as a driver error
                self._requeue(job, folder)
                JOBS_FINISHED.labels(job.exporter, "requeued").inc()
                raise KeyboardInterrupt from exc
            log.exception("job failed job=%s", job.id)
            self._fail(
                job, "The export failed because of an internal error; see the server log.", folder
            )
        return "error"

    def _claim(self, job_id: str) -> ExportJob | _Deferred | None:
        """queued → running, atomically; None when the job is gone or no longer queued,
        ``DEFERRED`` when its owner has as many running exports as allowed."""
        now = self.clock()
        worker = f"{socket.gethostname()}:{os.getpid()}"
        with self.db.write() as session:
            found = session.execute(
                select(ExportJob.owner_user_id, ExportJob.state).where(ExportJob.id == job_id)
            ).one_or_none()
            if found is None or found.state != "queued":
                return None
            if found.owner_user_id is not None and self._at_running_cap(
                session, found.owner_user_id
            ):
                return DEFERRED
            claimed = session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.state == "queued")
                .values(
                    state="running",
                    started_at=now,
                    heartbeat_at=now,
                    worker=worker,
                    step=1,
                    step_progress=0,
                    total_steps=TOTAL_STEPS,
                )
            ).rowcount  # type: ignore[attr-defined]
            if not claimed:
                return None
            return session.get(ExportJob, job_id)

    def _at_running_cap(self, session: Session, owner: int) -> bool:
        # The owner's row is locked (PostgreSQL; SQLite writers are serial anyway) so that
        # two workers cannot both take the last free slot.
        session.execute(select(User.id).where(User.id == owner).with_for_update())
        running = session.scalar(
            select(func.count())
            .select_from(ExportJob)
            .where(ExportJob.owner_user_id == owner, ExportJob.state == "running")
        )
        return (running or 0) >= self.settings.max_running_jobs_per_user

    def _complete(self, job: ExportJob, result: RenderedExport, folder: Path) -> bool:
        with self.db.write() as session:
            done = session.execute(
                update(ExportJob)
                .where(ExportJob.id == job.id, ExportJob.state == "running")
                .values(
                    state="complete",
                    step=TOTAL_STEPS,
                    step_progress=100,
                    finished_at=self.clock(),
                    file_name=result.file_name,
                    file_key=result.path.name,
                    file_size=result.path.stat().st_size,
                    page_title=result.page_title,
                    page_version=result.page_version,
                    log=json.dumps(result.warnings[:1000]),
                )
            ).rowcount  # type: ignore[attr-defined]
        if not done:
            shutil.rmtree(folder, ignore_errors=True)
            log.info("job state=cancelled job=%s (finished after cancel)", job.id)
            return False
        log.info(
            "job state=complete job=%s bytes=%s warnings=%s",
            job.id,
            result.path.stat().st_size,
            len(result.warnings),
        )
        return True

    def _fail(
        self, job: ExportJob, message: str, folder: Path, error_kind: str | None = None
    ) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        with self.db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == job.id, ExportJob.state == "running")
                .values(
                    state="error", message=message, error_kind=error_kind, finished_at=self.clock()
                )
            )
        log.info("job state=error job=%s message=%s", job.id, message)

    def _requeue(self, job: ExportJob, folder: Path) -> None:
        """Put a job its stopping worker did not finish back in the queue state; the queue
        task then enqueues it again (see ``ExportQueue``). What it wrote is removed first,
        so no half-written file is ever served."""
        shutil.rmtree(folder, ignore_errors=True)
        # The interrupt may have hit a connection mid-query: start from fresh ones.
        self.db.engine.dispose(close=False)
        with self.db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == job.id, ExportJob.state == "running")
                .values(
                    state="queued",
                    worker=None,
                    started_at=None,
                    heartbeat_at=None,
                    step=0,
                    step_progress=0,
                )
            )
        log.info("job state=queued job=%s (its worker stopped; queued again)", job.id)


def _interrupted(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
