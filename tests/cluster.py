"""A Pressroom cluster of real processes on this machine: ``pressroom serve`` nodes (each
with its embedded worker process) on one PostgreSQL database, one Redis queue and one
home. Used by the cluster test and the soak benchmark.

Each node gets an already-bound listening socket (``serve --fd``), so no port is ever
bound, freed and bound again; every process group is killed when the cluster ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine, make_url, text

ADMIN = ("admin", "admin-secret")
POSTGRES_URL = os.environ.get(
    "PRESSROOM_TEST_CLUSTER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("PRESSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@dataclass
class Node:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def client(self, timeout: float = 60) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=ADMIN, timeout=timeout)

    def owns(self, pid: int) -> bool:
        """Whether ``pid`` is this node's process or one of its descendants."""
        while pid > 1:
            if pid == self.process.pid:
                return True
            pid = parent_of(pid)
        return False


def parent_of(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


@dataclass
class Cluster:
    folder: Path
    database_url: str
    queue_name: str
    environment: dict[str, str]
    nodes: dict[str, Node] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.folder / "home"

    def start_node(self, name: str, **extra: str) -> Node:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(512)
        port = listener.getsockname()[1]
        log = self.folder / f"{name}.log"
        env = {
            **self.environment,
            "PRESSROOM_NODE_ID": name,
            "PRESSROOM_METRICS_DIR": str(self.folder / f"metrics-{name}"),
            **extra,
        }
        with log.open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "pressroom.cli", "serve", "--fd", str(listener.fileno())],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
                start_new_session=True,
            )
        listener.close()  # the node holds its own copy
        node = Node(name, process, f"http://127.0.0.1:{port}", log)
        self.nodes[name] = node
        self.wait_ready(node)
        return node

    def wait_ready(self, node: Node, timeout: float = 180) -> None:
        def ready() -> bool:
            if node.process.poll() is not None:
                raise AssertionError(f"node {node.name} exited:\n{node.log_text()[-3000:]}")
            try:
                return httpx.get(f"{node.url}/ready", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout, f"node {node.name} to be ready")

    def stop(self) -> None:
        for node in self.nodes.values():
            if node.process.poll() is None:
                os.killpg(node.process.pid, signal.SIGKILL)
            node.process.wait(timeout=30)


def postgres_reachable() -> bool:
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    finally:
        engine.dispose()
    return True


def _admin_execute(statement: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@contextmanager
def cluster(folder: Path, **settings: str) -> Iterator[Cluster]:
    """An empty PostgreSQL database and Redis queue of their own; nodes started with
    :meth:`Cluster.start_node` (the first one migrates)."""
    name = f"pressroom_cluster_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    database_url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    queue_name = f"pressroom-cluster-{uuid.uuid4().hex}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PRESSROOM_")
    }
    environment.update(
        PRESSROOM_HOME=str(folder / "home"),
        PRESSROOM_DATABASE_URL=database_url,
        PRESSROOM_QUEUE_URL=REDIS_URL,
        PRESSROOM_QUEUE_NAME=queue_name,
        PRESSROOM_ADMIN_PASSWORD=ADMIN[1],
        PRESSROOM_WORKERS="1",
        PYTHONUNBUFFERED="1",
        **settings,
    )
    running = Cluster(folder, database_url, queue_name, environment)
    try:
        yield running
    finally:
        running.stop()
        store = redis.Redis.from_url(REDIS_URL)
        keys = list(store.scan_iter(f"*{queue_name}*"))
        if keys:
            store.delete(*keys)
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
