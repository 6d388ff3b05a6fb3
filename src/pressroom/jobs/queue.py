"""The job queue (Huey): SqliteHuey in the home directory by default, RedisHuey when
PRESSROOM_QUEUE_URL is a redis:// URL. Tasks carry only the job id; the job row is the
single source of truth for everything else."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask

from pressroom.config import Settings

log = logging.getLogger("pressroom.jobs")

EXPORT_TASK = "pressroom.export"


def make_huey(settings: Settings) -> Huey:
    url = settings.resolved_queue_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(settings.queue_name, url=url, results=False, blocking=True)
    if not url.startswith("sqlite:///"):
        raise ValueError("PRESSROOM_QUEUE_URL must be redis://... or sqlite:///path")
    path = url.removeprefix("sqlite:///")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=path, results=False)


class ExportQueue:
    """Enqueues job ids; in a worker, runs them with ``run_job``, which answers None when
    done, or the seconds after which to try again (the task goes to Huey's schedule)."""

    def __init__(self, settings: Settings, run_job: Callable[[str], float | None]) -> None:
        self.huey = make_huey(settings)

        def export(job_id: str) -> None:
            try:
                delay = run_job(job_id)
            except KeyboardInterrupt:
                # Stopped past the grace period: the runner set the job back to queued.
                self._enqueue_again(job_id)
                raise
            if delay is not None:
                raise RetryTask(delay=delay)

        self._task = self.huey.task(name=EXPORT_TASK, retries=0)(export)

    def enqueue(self, job_id: str) -> None:
        self._task(job_id)

    def _enqueue_again(self, job_id: str) -> None:
        try:
            self.enqueue(job_id)
        except Exception:
            # It stays queued in the database; the next worker start enqueues it.
            log.exception("could not enqueue job=%s again", job_id)

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def consumer(
        self, workers: int, worker_type: str = "process", drain_seconds: float | None = None
    ) -> Consumer:
        # A short maximum poll delay keeps the wait of a new job under half a second
        # with the SQLite queue (Redis blocks on the list instead of polling).
        return self.huey.create_consumer(
            workers=workers,
            worker_type=worker_type,
            initial_delay=0.05,
            backoff=1.2,
            max_delay=0.5,
            periodic=False,
            check_worker_health=True,
            # SIGTERM: take no new job, let running ones finish for ``drain_seconds``, then
            # interrupt them (the runner queues them again).
            graceful_signal="TERM",
            shutdown_timeout=drain_seconds,
        )
