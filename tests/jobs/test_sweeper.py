"""The sweeper the app runs: besides jobs, it removes template files nothing refers to."""

from __future__ import annotations

import os
import time
import uuid

from pressroom.config import Settings
from pressroom.content.templates import TemplateStore
from pressroom.db import Database
from pressroom.jobs.sweeper import Sweeper
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
