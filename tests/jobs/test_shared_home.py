"""A cluster whose nodes do not share one home: the file of a finished export is on
the node that wrote it, and the others say so instead of claiming it was removed."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from fastapi.testclient import TestClient

from pressroom.config import Settings
from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)


def test_a_file_this_node_cannot_see_is_a_503_naming_the_shared_home(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers], settings: Settings
) -> None:
    create_space(job_client)
    page = create_page(job_client, "Elsewhere")
    start_workers(1)
    job = job_client.post(
        f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
    ).json()["jobId"]
    status = wait_for_status(job_client, job, finished)
    assert status["status"] == "complete"
    # As seen from a node with a home of its own: the job row is shared, the file is not.
    shutil.rmtree(settings.exports_dir / job)
    response = job_client.get(status["downloadUrl"])
    assert response.status_code == 503
    message = response.json()["message"]
    assert "must share one home" in message
    assert "PRESSROOM_HOME" in message
