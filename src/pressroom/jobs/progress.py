"""Checkpoints of a running job: progress written to its row, cancellation read from it.

Both are throttled: many jobs run at once and each write is a transaction, so a job
writes its progress at most every ``interval`` seconds and reads its state as often.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select, update

from pressroom.clock import Clock
from pressroom.db import Database
from pressroom.jobs.models import ExportJob


class JobCancelled(Exception):
    """The job was cancelled (or failed elsewhere) while it ran."""


class Checkpoint:
    def __init__(
        self,
        db: Database,
        job_id: str,
        clock: Clock,
        interval: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._job_id = job_id
        self._clock = clock
        self._interval = interval
        self._monotonic = monotonic
        self._last_write = float("-inf")
        self._last_check = float("-inf")
        self.step = 0

    def enter_step(self, step: int) -> None:
        """Start ``step`` (1-based) at 0 %; always written, and a cancellation check."""
        self.step = step
        self._write(0)
        self.check()

    def progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` units of the current step; raises JobCancelled if cancelled."""
        percent = 100 if total <= 0 else min(100, int(done * 100 / total))
        now = self._monotonic()
        if now - self._last_write >= self._interval or percent == 100:
            self._write(percent)
        self.check()

    def check(self) -> None:
        now = self._monotonic()
        if now - self._last_check < self._interval:
            return
        self._last_check = now
        with self._db.read() as session:
            state = session.scalar(select(ExportJob.state).where(ExportJob.id == self._job_id))
        if state != "running":
            raise JobCancelled

    def is_cancelled(self) -> bool:
        try:
            self.check()
        except JobCancelled:
            return True
        return False

    def _write(self, percent: int) -> None:
        self._last_write = self._monotonic()
        with self._db.write() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == self._job_id, ExportJob.state == "running")
                .values(step=self.step, step_progress=percent, heartbeat_at=self._clock())
            )


class Heartbeat:
    """Touches the job row every ``interval`` seconds while a step gives no progress,
    so the sweeper can tell a slow job from one whose worker died."""

    def __init__(self, db: Database, job_id: str, clock: Clock, interval: float = 5.0) -> None:
        self._db = db
        self._job_id = job_id
        self._clock = clock
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 1)

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            with self._db.write() as session:
                session.execute(
                    update(ExportJob)
                    .where(ExportJob.id == self._job_id, ExportJob.state == "running")
                    .values(heartbeat_at=self._clock())
                )
