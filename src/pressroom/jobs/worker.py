"""Export workers: the Huey consumer (``pressroom worker``) and the copy of it that
``pressroom serve`` runs beside the API, so that rendering never happens in the API
process and one big export cannot stall other requests."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from sqlalchemy import select

from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from pressroom.jobs.queue import ExportQueue
from pressroom.jobs.render import WordRenderer
from pressroom.jobs.render_pdf import PdfRenderer
from pressroom.jobs.runner import ExporterRenderers, JobRunner
from pressroom.metrics import MetricsListener, cluster_gauges

log = logging.getLogger("pressroom.jobs")
# Set for the workers ``pressroom serve`` starts: they share its metrics listener.
EMBEDDED_ENV = "PRESSROOM_EMBEDDED_WORKERS"


def build_export_queue(settings: Settings, db: Database, clock: Clock = utcnow) -> ExportQueue:
    renderers = ExporterRenderers(
        {
            "word": WordRenderer(settings, db, clock),
            "pdf": PdfRenderer(settings, db, clock),
        }
    )
    runner = JobRunner(settings, db, renderers, clock)
    return ExportQueue(settings, runner)


def run_worker(settings: Settings, workers: int) -> None:
    """Consume export jobs with ``workers`` processes until SIGINT/SIGTERM."""
    settings.workers = workers  # the render budget shares the cores among these
    db = Database(settings.resolved_database_url)
    db.migrate()
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    # Exports are batch work: status polls and downloads on the same machine go first.
    os.nice(settings.worker_nice)
    # Connections must not cross fork(): each worker process opens its own.
    os.register_at_fork(after_in_child=lambda: db.engine.dispose(close=False))
    queue = build_export_queue(settings, db)
    listener = _metrics_listener(settings, db, queue)
    log.info("worker started processes=%s queue=%s", workers, _redacted(settings))
    resume_queued_jobs(db, queue)
    queue.consumer(workers=workers, drain_seconds=settings.drain_seconds).run()
    if listener is not None:
        listener.stop()
    log.info("worker stopped")


def _metrics_listener(
    settings: Settings, db: Database, queue: ExportQueue
) -> MetricsListener | None:
    """A worker on a machine of its own serves its metrics on PRESSROOM_METRICS_ADDRESS
    (the workers started by ``pressroom serve`` are counted by the serve process)."""
    if not settings.metrics_address or os.environ.get(EMBEDDED_ENV):
        return None
    gauges = cluster_gauges(db, queue.pending)
    listener = MetricsListener(settings.metrics_address, gauges)
    listener.start()
    log.info("metrics on port=%s", listener.port)
    return listener


def resume_queued_jobs(db: Database, queue: ExportQueue) -> int:
    """Enqueue every job the database holds as queued: the queue may have lost them
    (a SQLite queue file removed, Redis flushed, an enqueue that failed while stopping).
    A job enqueued twice runs once: the second claim finds it no longer queued."""
    with db.read() as session:
        queued = list(session.scalars(select(ExportJob.id).where(ExportJob.state == "queued")))
    for job_id in queued:
        queue.enqueue(job_id)
    if queued:
        log.info("worker resumed queued_jobs=%s", len(queued))
    return len(queued)


def _redacted(settings: Settings) -> str:
    url = settings.resolved_queue_url
    return url.split("@")[-1] if "@" in url else url


class EmbeddedWorkers:
    """Runs ``pressroom worker`` as a child process and restarts it if it dies."""

    def __init__(
        self, workers: int, restart_delay: float = 2.0, drain_seconds: float = 60.0
    ) -> None:
        self._workers = workers
        self._drain_seconds = drain_seconds
        self._restart_delay = restart_delay
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="workers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM to the workers: they finish or requeue their jobs within the drain
        period; killed only if they take well beyond it."""
        timeout = self._drain_seconds + 30 if timeout is None else timeout
        self._stopping.set()
        process = self._process
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
        self._thread.join(timeout=5)

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            command = [
                sys.executable,
                "-m",
                "pressroom.cli",
                "worker",
                "--workers",
                str(self._workers),
            ]
            env = {**os.environ, EMBEDDED_ENV: "1"}
            self._process = subprocess.Popen(command, env=env)  # noqa: S603  (our own interpreter)
            code = self._process.wait()
            if self._stopping.is_set():
                return
            log.error("export workers exited code=%s; restarting", code)
            self._stopping.wait(self._restart_delay)
