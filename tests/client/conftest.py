"""A live Pressroom on 127.0.0.1 (uvicorn in a thread, workers on its real queue) for the
client to talk to over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from tests.conftest import ADMIN, serving
from tests.jobs.conftest import ThreadWorkers


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    workers: ThreadWorkers | None = None

    def start_workers(self) -> None:
        if self.workers is None:
            self.workers = ThreadWorkers(self.app.state.queue.huey).start()

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=ADMIN, timeout=30)


@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[LiveServer]:
    app = create_app(settings, db, sweep_interval=3600)
    with serving(app) as url:
        live = LiveServer(url=url, app=app)
        try:
            yield live
        finally:
            if live.workers is not None:
                live.workers.stop()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """An empty directory of its own (``tmp_path`` also holds the database and home)."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def admin_http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.admin() as client:
        yield client
