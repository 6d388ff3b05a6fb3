"""A live Pressroom on 127.0.0.1 (uvicorn in a thread, workers on its real queue) for the
client to talk to over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import Database
from tests.conftest import ADMIN
from tests.jobs.conftest import ThreadWorkers

START_TIMEOUT = 15.0


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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    _wait_until_started(server, thread)
    live = LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if live.workers is not None:
            live.workers.stop()
        listener.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)


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
