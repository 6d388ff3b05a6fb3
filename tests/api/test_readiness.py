"""``/ready`` for load balancers: 200 when the database and the queue answer, else 503
with the reason."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.worker import build_export_queue


def test_a_node_whose_database_and_queue_answer_is_ready(anonymous: TestClient) -> None:
    response = anonymous.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "queue": "ok"}


def test_a_node_without_its_database_is_not_ready(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    app = create_app(settings, db, sweep_interval=3600, webhook_interval=3600)
    with TestClient(app) as client:
        gone = Database(f"sqlite:///{tmp_path / 'no-such-folder' / 'pressroom.db'}")
        app.state.db = gone
        try:
            response = client.get("/ready")
        finally:
            app.state.db = db
            gone.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["queue"] == "ok"
    assert body["message"].startswith("Not ready: database: the database does not answer")


def test_a_node_without_its_queue_is_not_ready(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    app = create_app(settings, db, sweep_interval=3600, webhook_interval=3600)
    with TestClient(app) as client:
        unreachable = settings.model_copy(
            update={"queue_url": f"unix://{tmp_path / 'no-redis.sock'}", "queue_name": "gone"}
        )
        app.state.queue = build_export_queue(unreachable, db)
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert "queue: the job queue does not answer" in response.json()["message"]
