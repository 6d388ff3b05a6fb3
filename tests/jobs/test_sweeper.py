"""The sweeper the app runs: besides jobs, it removes template files nothing refers to."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest

from pressroom.config import Settings
from pressroom.content.templates import TemplateStore
from pressroom.db import Database
from pressroom.jobs.models import ExportJob
from pressroom.jobs.sweeper import SWEEPER_LOCK_KEY, Sweeper, holds_cluster_lock, sweep_once
from tests.content.test_templates import add_user, stored_files, upload
from tests.jobs.conftest import FakeClock

TWO_HOURS = 2 * 3600


def test_the_running_sweeper_removes_old_orphaned_template_files(
    settings: Settings, db: Database
) -> None:
    kept = TemplateStore(db, settings).upload(add_user(db, "boss", admin=True), upload()).info.id
    root = settings.home / "templates"
    old_orphan = root / f"{uuid.uuid4()}.docx"
    fresh_upload = root / ".upload-in-flight.tmp"
    old_orphan.write_bytes(b"left behind by a deleted space")
    fresh_upload.write_bytes(b"half")
    # File ages come from the file system's clock: age the orphan there.
    aged = time.time() - TWO_HOURS
    os.utime(old_orphan, (aged, aged))

    sweeper = Sweeper(settings, db, FakeClock(), interval=3600)
    sweeper.start()
    sweeper.stop()  # returns once the sweep that starts every loop has run

    assert stored_files(settings.home) == sorted([f"{kept}.docx", fresh_upload.name])


def test_a_node_skips_its_sweep_while_another_node_of_the_cluster_sweeps(
    settings: Settings, db: Database
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("one SQLite file has one writer at a time: there is no other node")
    ended = FakeClock().now - timedelta(minutes=11)
    with db.write() as session:
        session.add(
            ExportJob(
                id="expired-job",
                exporter="word",
                state="complete",
                page_id=1,
                template_id="t",
                created_at=ended,
                finished_at=ended,
            )
        )
    other_node = Database(settings.resolved_database_url)
    try:
        with other_node.write() as session:
            assert holds_cluster_lock(session, SWEEPER_LOCK_KEY)
            assert sweep_once(settings, db, FakeClock()) is None
    finally:
        other_node.dispose()
    assert sweep_once(settings, db, FakeClock()) == (0, 1)
