"""Fixtures for export jobs: an injectable clock and workers consuming the real queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from huey import Huey

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from pressroom.jobs.progress import Checkpoint
from tests.conftest import ADMIN

WORD_BASE = "/plugins/servlet/scroll-office/api/public/1"
DEFAULT_TEMPLATE = "com.k15t.scroll.office.default-template-1"


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class ThreadWorkers:
    """Consumes the app's real Huey queue in threads (the production consumer runs
    processes; tests that need a process start ``pressroom worker`` themselves)."""

    def __init__(self, huey: Huey, count: int = 2) -> None:
        self._huey = huey
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]

    def start(self) -> ThreadWorkers:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            task = self._huey.dequeue()
            if task is None:
                self._stop.wait(0.02)
                continue
            self._huey.execute(task)


class JobGate:
    """Holds the first job that reports progress at that checkpoint until released, so a
    test acts on a job known to be running instead of racing a poll against its work."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._taken = False

    def hold_first(self) -> None:
        with self._lock:
            first, self._taken = not self._taken, True
        if first:
            self.reached.set()
            self._released.wait(120)

    def release(self) -> None:
        self._released.set()


@pytest.fixture
def job_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[JobGate]:
    gate = JobGate()
    progress = Checkpoint.progress

    def gated(checkpoint: Checkpoint, done: int, total: int) -> None:
        gate.hold_first()
        progress(checkpoint, done, total)

    monkeypatch.setattr(Checkpoint, "progress", gated)
    yield gate
    gate.release()  # never leave a worker thread waiting


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def job_app(settings: Settings, db: Database, clock: FakeClock):  # type: ignore[no-untyped-def]
    return create_app(settings, db, clock=clock, sweep_interval=3600, webhook_interval=3600)


@pytest.fixture
def job_client(job_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(job_app) as client:
        client.auth = ADMIN
        yield client


@pytest.fixture
def start_workers(job_app) -> Iterator[Callable[..., ThreadWorkers]]:  # type: ignore[no-untyped-def]
    started: list[ThreadWorkers] = []

    def start(count: int = 2) -> ThreadWorkers:
        workers = ThreadWorkers(job_app.state.queue.huey, count).start()
        started.append(workers)
        return workers

    yield start
    for workers in started:
        workers.stop()


def wait_for_status(
    client: TestClient, job_id: str, predicate: Callable[[dict], bool], timeout: float = 60
) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(f"{WORD_BASE}/exports/{job_id}/status")
        assert status.status_code == 200, status.text
        body = status.json()
        if predicate(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} stuck at {body}")
        time.sleep(0.05)


def finished(body: dict) -> bool:
    return body["status"] != "incomplete"


@contextmanager
def running_job_held(db: Database, job_id: str, timeout: float = 90) -> Iterator[ExportJob]:
    """Yields once the job runs, holding its row: until the block ends its worker can record
    neither progress nor completion, so the job is known to be mid-way."""
    deadline = time.monotonic() + timeout
    while True:
        with db.write() as session:
            job = session.get(ExportJob, job_id, with_for_update=True)
            assert job is not None
            if job.state == "running" and job.step >= 1:
                yield job
                return
            assert job.state == "queued", f"job {job_id} is {job.state}, not running"
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not start within {timeout} s")
        time.sleep(0.005)
