"""Export workers: the Huey consumer (``pressroom worker``) and the copy of it that
``pressroom serve`` runs beside the API, so that rendering never happens in the API
process and one big export cannot stall other requests."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.queue import ExportQueue
from pressroom.jobs.render import WordRenderer
from pressroom.jobs.render_pdf import PdfRenderer
from pressroom.jobs.runner import ExporterRenderers, JobRunner

log = logging.getLogger("pressroom.jobs")


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
    log.info("worker started processes=%s queue=%s", workers, _redacted(settings))
    queue.consumer(workers=workers).run()


def _redacted(settings: Settings) -> str:
    url = settings.resolved_queue_url
    return url.split("@")[-1] if "@" in url else url


class EmbeddedWorkers:
    """Runs ``pressroom worker`` as a child process and restarts it if it dies."""

    def __init__(self, workers: int, restart_delay: float = 2.0) -> None:
        self._workers = workers
        self._restart_delay = restart_delay
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="workers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
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
            self._process = subprocess.Popen(command)  # noqa: S603  (our own interpreter)
            code = self._process.wait()
            if self._stopping.is_set():
                return
            log.error("export workers exited code=%s; restarting", code)
            self._stopping.wait(self._restart_delay)
