"""Export API benchmark: 50 concurrent async exports of a 100-page subtree through the
HTTP API of a real ``pressroom serve`` (embedded SQLite and queue, worker processes),
while another client polls job status as fast as it can.

Reports exports per minute, status-poll latency p50/p99 and errors.
Run: ``python -m benchmarks.api_bench [--exports 50] [--pages 100]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks.content import synthetic_space

ADMIN = ("admin", "bench-admin")
BASE = "/plugins/servlet/scroll-office/api/public/1"
TEMPLATE = "com.k15t.scroll.office.default-template-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, port: int, workers: int | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PRESSROOM_HOME": str(home),
        "PRESSROOM_PORT": str(port),
        "PRESSROOM_ADMIN_PASSWORD": ADMIN[1],
        "PRESSROOM_MAX_QUEUED_JOBS": "500",
        # One user (admin) starts every export at once: lift the per-user caps
        # (defaults 20 waiting, 4 running) so the benchmark measures throughput.
        "PRESSROOM_MAX_QUEUED_JOBS_PER_USER": "500",
        "PRESSROOM_MAX_RUNNING_JOBS_PER_USER": "64",
        **({"PRESSROOM_WORKERS": str(workers)} if workers else {}),
    }
    log = (home / "server.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "pressroom.cli", "serve"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def wait_ready(client: httpx.Client, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if client.get("/status").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def create_content(client: httpx.Client, pages: int) -> str:
    client.post("/rest/api/space", json={"key": "BENCH", "name": "Benchmark"}).raise_for_status()
    ids: dict[int, str] = {}
    for index, page in enumerate(synthetic_space(pages)):
        body = {
            "type": "page",
            "title": page.title,
            "space": {"key": "BENCH"},
            "body": {"storage": {"value": page.storage, "representation": "storage"}},
        }
        if page.depth:
            body["ancestors"] = [{"id": ids[page.depth - 1]}]
        response = client.post("/rest/api/content", json=body)
        response.raise_for_status()
        ids[page.depth] = response.json()["id"]
        if index == 0:
            root = ids[0]
    return root


def run_export(client: httpx.Client, root: str, errors: list[str]) -> float | None:
    started = time.perf_counter()
    response = client.post(
        f"{BASE}/exports", json={"pageId": root, "scope": "descendants", "templateId": TEMPLATE}
    )
    if response.status_code != 200:
        errors.append(f"start {response.status_code}")
        return None
    job = response.json()["jobId"]
    while True:
        time.sleep(2)  # as the seed recommends
        status = client.get(f"{BASE}/exports/{job}/status")
        if status.status_code != 200:
            errors.append(f"status {status.status_code}")
            return None
        body = status.json()
        if body["status"] == "incomplete":
            continue
        if body["status"] != "complete":
            errors.append(f"job {body['status']}: {body.get('message')}")
            return None
        download = client.get(body["downloadUrl"])
        if download.status_code != 200 or not download.content.startswith(b"PK"):
            errors.append(f"download {download.status_code}")
            return None
        return time.perf_counter() - started


def poll_status(
    client: httpx.Client,
    jobs: list[str],
    stop: threading.Event,
    latencies: list[float],
    errors: list[str],
) -> None:
    index = 0
    while not stop.is_set():
        if not jobs:
            time.sleep(0.01)
            continue
        job = jobs[index % len(jobs)]
        index += 1
        started = time.perf_counter()
        response = client.get(f"{BASE}/exports/{job}/status")
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            errors.append(f"poll {response.status_code}")
        time.sleep(0.02)


def benchmark(exports: int, pages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="pressroom-api-bench-") as home_dir:
        home = Path(home_dir)
        port = free_port()
        server = start_server(home, port)
        base_url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base_url, auth=ADMIN, timeout=60) as setup:
                wait_ready(setup)
                root = create_content(setup, pages)
            return _measure(base_url, root, exports)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


def _measure(base_url: str, root: str, exports: int) -> dict[str, float]:
    errors: list[str] = []
    latencies: list[float] = []
    stop = threading.Event()
    limits = httpx.Limits(max_connections=exports + 5)
    with (
        httpx.Client(base_url=base_url, auth=ADMIN, timeout=600, limits=limits) as client,
        httpx.Client(base_url=base_url, auth=ADMIN, timeout=60) as poller,
    ):
        probe = client.post(f"{BASE}/exports", json={"pageId": root, "templateId": TEMPLATE})
        jobs = [probe.json()["jobId"]]
        watcher = threading.Thread(target=poll_status, args=(poller, jobs, stop, latencies, errors))
        watcher.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=exports) as pool:
            durations = list(pool.map(lambda _: run_export(client, root, errors), range(exports)))
        elapsed = time.perf_counter() - started
        stop.set()
        watcher.join()
    done = [d for d in durations if d is not None]
    ordered = sorted(latencies)
    return {
        "exports": exports,
        "completed": len(done),
        "errors": len(errors),
        "wall_seconds": elapsed,
        "exports_per_minute": len(done) / elapsed * 60,
        "status_p50_ms": statistics.median(ordered) if ordered else float("nan"),
        "status_p99_ms": ordered[int(len(ordered) * 0.99) - 1] if ordered else float("nan"),
        "status_polls": len(ordered),
        "first_errors": "; ".join(errors[:5]),  # type: ignore[dict-item]
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exports", type=int, default=50)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args(argv)
    figures = benchmark(args.exports, args.pages)
    print(
        f"{figures['completed']}/{figures['exports']} exports of {args.pages} pages in "
        f"{figures['wall_seconds']:.1f} s = {figures['exports_per_minute']:.1f} exports/min; "
        f"errors {figures['errors']}; status p50 {figures['status_p50_ms']:.1f} ms, "
        f"p99 {figures['status_p99_ms']:.1f} ms over {figures['status_polls']} polls "
        "(target: 0 errors, p99 < 50 ms)"
    )
    if figures["errors"]:
        print(f"first errors: {figures['first_errors']}")


if __name__ == "__main__":
    main()
