"""The same jobs through RedisHuey (PRESSROOM_QUEUE_URL=redis://…), as a cluster runs them."""

from __future__ import annotations

import os
import uuid

import redis
from fastapi.testclient import TestClient

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from tests.conftest import ADMIN, create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)

REDIS_URL = os.environ.get("PRESSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_exports_run_through_a_redis_queue(settings: Settings, db: Database) -> None:
    settings.queue_url = REDIS_URL
    settings.queue_name = f"pressroom-test-{uuid.uuid4().hex}"  # runs at once never meet
    redis.Redis.from_url(REDIS_URL).ping()  # CI has Redis; a missing one fails here
    app = create_app(settings, db)
    huey = app.state.queue.huey
    huey.flush()
    workers = ThreadWorkers(huey).start()
    try:
        with TestClient(app) as client:
            client.auth = ADMIN
            create_space(client)
            page = create_page(client, "Clustered")
            response = client.post(
                f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
            )
            assert response.status_code == 200, response.text
            status = wait_for_status(client, response.json()["jobId"], finished)
    finally:
        workers.stop()
        huey.flush()
    assert status["status"] == "complete"
    assert type(huey).__name__ == "RedisHuey"
