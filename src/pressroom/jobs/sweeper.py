"""The retention sweeper: removes jobs 10 minutes after they end, fails jobs whose
worker died, and removes template files no template refers to. State lives in the
database, so a restarted sweeper picks up where the last one stopped."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.content.templates import TemplateStore
from pressroom.db import Database
from pressroom.jobs.lifecycle import fail_stale_jobs, sweep_expired

log = logging.getLogger("pressroom.jobs")


# Any fixed number of our own: the key of the sweeper's PostgreSQL advisory lock.
SWEEPER_LOCK_KEY = 0x50524553_53574550  # "PRESSWEP"


def sweep_once(settings: Settings, db: Database, clock: Clock) -> tuple[int, int] | None:
    """One round: fail jobs whose worker died, remove expired ones. ``None`` when another
    node of the cluster is sweeping at this moment (one sweeper at a time per cluster)."""
    with db.write() as session:
        if not holds_cluster_lock(session, SWEEPER_LOCK_KEY):
            log.debug("sweep skipped: another node is sweeping")
            return None
        failed = fail_stale_jobs(
            session,
            settings.exports_dir,
            timedelta(seconds=settings.job_stale_seconds),
            timedelta(seconds=settings.job_timeout_seconds),
            clock,
        )
        removed = sweep_expired(session, settings.exports_dir, clock)
    if failed or removed:
        log.info("sweep failed_stale=%s removed_expired=%s", failed, removed)
    return failed, removed


def holds_cluster_lock(session: Session, key: int) -> bool:
    """Take the transaction-scoped lock ``key`` if no other node holds it. On SQLite the
    write transaction already excludes every other writer of the one database file."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))


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
                if sweep_once(self._settings, self._db, self._clock) is not None:
                    sweep_template_orphans(self._settings, self._db)
            except Exception:
                log.exception("sweep failed")
            if self._stop.wait(self._interval):
                return
