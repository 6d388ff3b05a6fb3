"""An export past PRESSROOM_MAX_EXPORT_BYTES fails with a message and leaves no file."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)


def test_an_export_past_the_size_limit_fails_and_keeps_nothing(
    job_client: TestClient,
    job_app,  # type: ignore[no-untyped-def]
    start_workers: Callable[[], ThreadWorkers],
) -> None:
    settings = job_app.state.settings
    settings.max_export_bytes = 40_000
    letters = random.Random(3)
    body = "".join(
        f"<p>{''.join(letters.choices(string.ascii_letters, k=500))}</p>" for _ in range(400)
    )
    create_space(job_client)
    page = create_page(job_client, "Large", body)
    start_workers()
    request = {"pageId": page["id"], "scope": "current", "templateId": DEFAULT_TEMPLATE}
    job_id = job_client.post(f"{WORD_BASE}/exports", json=request).json()["jobId"]
    done = wait_for_status(job_client, job_id, finished)
    assert done["status"] == "error"
    assert "larger than the limit of 40000 bytes" in done["message"]
    exports = Path(settings.home) / "exports"
    assert not [p for p in exports.rglob("*") if p.is_file()]
