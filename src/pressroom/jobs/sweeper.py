"""The retention sweeper: removes jobs 10 minutes after they end, fails jobs whose
worker died, and removes template files no template refers to. State lives in the
database, so a restarted sweeper picks up where the last one stopped."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.content.templates import TemplateStore
from pressroom.db import Database
from pressroom.jobs.lifecycle import fail_stale_jobs, sweep_expired

log = logging.getLogger("pressroom.jobs")


def sweep_once(settings: Settings, db: Database, clock: Clock) -> tuple[int, int]:
    with db.write() as session:
        failed = fail_stale_jobs(
            session,
            settings.exports_dir,
            timedelta(seconds=settings.job_stale_seconds),
            timedelta(seconds=settings.job_timeout_seconds),
            clock,
        )
    with db.write() as session:
        removed = sweep_expired(session, settings.exports_dir, clock)
    if failed or removed:
        log.info("sweep failed_stale=%s removed_expired=%s", failed, removed)
    return failed, removed


def sweep_template_orphans(settings: Settings, db: Database) -> int:
    """Remove template files of deleted spaces and abandoned uploads. Their age is read
    from the file system, so it is measured against the real clock, never an injected one."""
    orphans = TemplateStore(db, settings).sweep_orphans(utcnow())
    if orphans:
        log.info("sweep removed_template_files=%s", orphans)
    return orphans


class Sweeper:
    """Calls :func:`sweep_once` and :func:`sweep_template_orphans` every ``interval``
    seconds in a daemon thread."""

    def __init__(
        self, settings: Settings, db: Database, clock: Clock, interval: float = 15.0
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def _loop(self) -> None:
        while True:
            try:
                sweep_once(self._settings, self._db, self._clock)
                sweep_template_orphans(self._settings, self._db)
            except Exception:
                log.exception("sweep failed")
            if self._stop.wait(self._interval):
                return
