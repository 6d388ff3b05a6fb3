"""Soak benchmark: a two-node cluster (two ``pressroom serve`` nodes with one worker
process each, PostgreSQL, Redis, one home) under mixed load for a few minutes:

- 200 clients poll job status (every 2 s, as the exporters' documentation advises),
- 20 exports always in flight (started on one node, polled and downloaded on the other),
- content writes (page updates) and attachment uploads.

Reports errors (target 0), lost or stuck jobs (target 0), status p50/p99 (target p99 <
50 ms), exports per minute, and the memory of every process at start and end (target: no
growth beyond 10 %), with the CPU each process group used.

Run: ``python -m benchmarks.soak_bench [--seconds 180] [--pollers 200] [--exports 20]``.
Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from tests.cluster import ADMIN, Cluster, Node, cluster

from benchmarks.content import synthetic_space
from pressroom.db import Database
from pressroom.jobs.models import ACTIVE_STATES, ExportJob

BASE = "/plugins/servlet/scroll-office/api/public/1"
TEMPLATE = "com.k15t.scroll.office.default-template-1"
POLL_INTERVAL = 2.0
PAGES = 67  # a root, six chapters of ten sections
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP = 30.0


@dataclass
class Figures:
    errors: list[str] = field(default_factory=list)
    status_ms: list[float] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    completed: int = 0
    failed_jobs: int = 0
    writes: int = 0
    uploads: int = 0


# -- processes -----------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def command_of(pid: int) -> str:
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    text = " ".join(w.decode(errors="replace") for w in words if w)
    if "worker" in text:
        return "worker"
    if "serve" in text:
        return "serve"
    return text[:40]


def snapshot(nodes: list[Node]) -> dict[int, tuple[str, float, float]]:
    """pid → (role, RSS MB, CPU seconds) of every process of every node."""
    found = {}
    for node in nodes:
        for pid in process_tree(node.process.pid):
            try:
                found[pid] = (f"{node.name} {command_of(pid)}", rss_mb(pid), cpu_seconds(pid))
            except OSError:
                continue
    return found


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


STATUS_ROUTE = f"{BASE}/exports/{{job_id}}/status"


def status_buckets(nodes: list[Node]) -> dict[float, float]:
    """Server-side latency histogram of the status route, summed over the nodes."""
    buckets: dict[float, float] = {}
    for node in nodes:
        with node.client() as http:
            text = http.get("/metrics").text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if (
                    sample.name == "pressroom_http_request_duration_seconds_bucket"
                    and sample.labels.get("route") == STATUS_ROUTE
                ):
                    bound = float(sample.labels["le"])
                    buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def bucket_quantile(before: dict[float, float], after: dict[float, float], share: float) -> str:
    """The upper bound of the bucket holding the ``share`` quantile of the run."""
    counts = {bound: after[bound] - before.get(bound, 0.0) for bound in sorted(after)}
    total = counts.get(float("inf"), 0.0)
    if not total:
        return "n/a"
    for bound, count in counts.items():
        if count >= share * total:
            return f"<= {bound * 1000:.0f} ms" if bound != float("inf") else "> 300 s"
    return "n/a"


# -- content -------------------------------------------------------------------------


def create_content(node: Node) -> tuple[list[str], list[str]]:
    """The chapters (export roots) and the sections (pages to edit)."""
    chapters, sections = [], []
    with node.client() as http:
        http.post("/rest/api/space", json={"key": "SOAK", "name": "Soak"}).raise_for_status()
        parents: dict[int, str] = {}
        for page in synthetic_space(PAGES):
            body: dict[str, object] = {
                "type": "page",
                "title": page.title,
                "space": {"key": "SOAK"},
                "body": {"storage": {"value": page.storage, "representation": "storage"}},
            }
            if page.depth:
                body["ancestors"] = [{"id": parents[page.depth - 1]}]
            response = http.post("/rest/api/content", json=body)
            response.raise_for_status()
            page_id = str(response.json()["id"])
            parents[page.depth] = page_id
            (chapters if page.depth == 1 else sections).append(page_id)
    return chapters, sections[1:]


# -- load ----------------------------------------------------------------------------


async def timed_get(http: httpx.AsyncClient, url: str, figures: Figures) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await http.get(url)
    except httpx.HTTPError as exc:
        figures.errors.append(f"status {type(exc).__name__}")
        return None
    figures.status_ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        figures.errors.append(f"status {response.status_code}")
    return response


async def poller(
    clients: list[httpx.AsyncClient], figures: Figures, stop: asyncio.Event, seed: int
) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.random() * POLL_INTERVAL)  # spread the clients over the interval
    while not stop.is_set():
        if figures.started:
            job = rng.choice(figures.started[-200:])
            await timed_get(rng.choice(clients), f"{BASE}/exports/{job}/status", figures)
        await asyncio.sleep(POLL_INTERVAL)


async def exporter(
    clients: list[httpx.AsyncClient],
    chapters: list[str],
    figures: Figures,
    stop: asyncio.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        start, poll = rng.sample(clients, 2)
        body = {"pageId": rng.choice(chapters), "scope": "descendants", "templateId": TEMPLATE}
        try:
            response = await start.post(f"{BASE}/exports", json=body)
        except httpx.HTTPError as exc:
            figures.errors.append(f"start {type(exc).__name__}")
            continue
        if response.status_code != 200:
            figures.errors.append(f"start {response.status_code}: {response.text[:100]}")
            await asyncio.sleep(1)
            continue
        job = response.json()["jobId"]
        figures.started.append(job)
        await follow(poll, job, figures)


async def follow(http: httpx.AsyncClient, job: str, figures: Figures) -> None:
    """Poll until the job ends, then download its file (also after the load stopped)."""
    while True:
        await asyncio.sleep(POLL_INTERVAL)
        response = await timed_get(http, f"{BASE}/exports/{job}/status", figures)
        if response is None or response.status_code != 200:
            continue
        status = response.json()
        if status["status"] == "incomplete":
            continue
        if status["status"] != "complete":
            figures.failed_jobs += 1
            figures.errors.append(f"job {status['status']}: {status.get('message')}")
            return
        path = httpx.URL(status["downloadUrl"]).path
        download = await http.get(path)
        if download.status_code != 200 or not download.content.startswith(b"PK"):
            figures.errors.append(f"download {download.status_code}")
            return
        figures.completed += 1
        return


async def writer(
    http: httpx.AsyncClient, sections: list[str], figures: Figures, stop: asyncio.Event, seed: int
) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        page = rng.choice(sections)
        try:
            current = await http.get(f"/rest/api/content/{page}", params={"expand": "version"})
            number = current.json()["version"]["number"]
            body = {
                "version": {"number": number + 1},
                "title": current.json()["title"],
                "type": "page",
                "body": {
                    "storage": {
                        "value": f"<p>Edited at {time.time():.3f} by writer {seed}.</p>",
                        "representation": "storage",
                    }
                },
            }
            response = await http.put(f"/rest/api/content/{page}", json=body)
            # Two writers on one page: the later one is told to reload (409), as designed.
            if response.status_code not in (200, 409):
                figures.errors.append(f"write {response.status_code}: {response.text[:100]}")
            figures.writes += 1
        except httpx.HTTPError as exc:
            figures.errors.append(f"write {type(exc).__name__}")
        await asyncio.sleep(1)


async def uploader(
    http: httpx.AsyncClient, sections: list[str], figures: Figures, stop: asyncio.Event, seed: int
) -> None:
    rng = random.Random(seed)
    count = 0
    while not stop.is_set():
        count += 1
        data = rng.randbytes(64 * 1024)
        try:
            response = await http.post(
                f"/rest/api/content/{rng.choice(sections)}/child/attachment",
                files={"file": (f"soak-{seed}-{count}.bin", data, "application/octet-stream")},
                headers={"X-Atlassian-Token": "no-check"},
            )
            if response.status_code != 200:
                figures.errors.append(f"upload {response.status_code}: {response.text[:100]}")
            figures.uploads += 1
        except httpx.HTTPError as exc:
            figures.errors.append(f"upload {type(exc).__name__}")
        await asyncio.sleep(2)


async def load(
    nodes: list[Node],
    chapters: list[str],
    sections: list[str],
    seconds: float,
    pollers: int,
    exports: int,
) -> tuple[Figures, float, dict[int, tuple[str, float, float]]]:
    figures = Figures()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=pollers + exports + 20)
    clients = [
        httpx.AsyncClient(base_url=n.url, auth=ADMIN, timeout=120, limits=limits) for n in nodes
    ]
    tasks = [
        *(asyncio.create_task(poller(clients, figures, stop, i)) for i in range(pollers)),
        *(
            asyncio.create_task(exporter(clients, chapters, figures, stop, i))
            for i in range(exports)
        ),
        *(
            asyncio.create_task(writer(clients[i % 2], sections, figures, stop, i))
            for i in range(4)
        ),
        *(
            asyncio.create_task(uploader(clients[i % 2], sections, figures, stop, i))
            for i in range(2)
        ),
    ]
    started = time.perf_counter()
    # Memory "at start" is taken once every process has rendered and served for a while.
    await asyncio.sleep(min(WARM_UP, seconds / 4))
    warm = await asyncio.to_thread(snapshot, nodes)
    await asyncio.sleep(seconds - min(WARM_UP, seconds / 4))
    stop.set()
    # Exports in flight end on their own; give them time, then count the rest as stuck.
    await asyncio.wait(tasks, timeout=300)
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.aclose()
    return figures, elapsed, warm


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)] if ordered else float("nan")


def report(
    figures: Figures,
    elapsed: float,
    seconds: float,
    before: dict[int, tuple[str, float, float]],
    after: dict[int, tuple[str, float, float]],
    stuck: int,
    load_cpu: float,
) -> None:
    print(
        f"{seconds:.0f} s of load ({elapsed:.0f} s with the last exports): "
        f"{len(figures.started)} exports started, {figures.completed} completed, "
        f"{figures.failed_jobs} failed, {stuck} lost or stuck (target 0); "
        f"{figures.completed / elapsed * 60:.1f} exports/min"
    )
    print(
        f"status p50 {statistics.median(figures.status_ms):.1f} ms, "
        f"p99 {percentile(figures.status_ms, 0.99):.1f} ms over {len(figures.status_ms)} polls "
        f"(target p99 < 50 ms); {figures.writes} page writes, {figures.uploads} uploads; "
        f"errors {len(figures.errors)} (target 0)"
    )
    if figures.errors:
        print("first errors: " + "; ".join(figures.errors[:5]))
    print("process (RSS after warm-up → end)  MB                growth   CPU s")
    for pid, (role, start_rss, start_cpu) in sorted(before.items(), key=lambda i: i[1][0]):
        if pid not in after:
            print(f"{role:<28} {start_rss:7.1f} → (ended)")
            continue
        _, end_rss, end_cpu = after[pid]
        growth = (end_rss - start_rss) / start_rss * 100 if start_rss else 0.0
        print(
            f"{role:<28} {start_rss:7.1f} → {end_rss:7.1f}   {growth:+6.1f} %   "
            f"{end_cpu - start_cpu:6.1f}"
        )
    for pid in sorted(set(after) - set(before)):
        role, end_rss, _ = after[pid]
        print(f"{role:<28} (started during the run) {end_rss:7.1f}")
    print(f"load generator CPU {load_cpu:.1f} s; machine cores {os.cpu_count()}")


def benchmark(seconds: float, pollers: int, exports: int) -> None:
    with tempfile.TemporaryDirectory(prefix="pressroom-soak-") as folder:
        settings = {
            "PRESSROOM_MAX_QUEUED_JOBS": "1000",
            "PRESSROOM_MAX_QUEUED_JOBS_PER_USER": "1000",
            "PRESSROOM_MAX_RUNNING_JOBS_PER_USER": "64",
            "PRESSROOM_MAX_UPLOAD_BYTES": str(1024 * 1024),
        }
        with cluster(Path(folder), **settings) as running:
            nodes = [running.start_node("node-a"), running.start_node("node-b")]
            chapters, sections = create_content(nodes[0])
            for node in nodes:  # each node's credential cache remembers the password
                with node.client() as http:
                    http.get("/rest/api/space").raise_for_status()
            run(running, nodes, chapters, sections, seconds, pollers, exports)


def run(
    running: Cluster,
    nodes: list[Node],
    chapters: list[str],
    sections: list[str],
    seconds: float,
    pollers: int,
    exports: int,
) -> None:
    load_started = time.process_time()
    busy_before, total_before = machine_busy_seconds()
    server_before = status_buckets(nodes)
    at_start = snapshot(nodes)
    figures, elapsed, before = asyncio.run(
        load(nodes, chapters, sections, seconds, pollers, exports)
    )
    load_cpu = time.process_time() - load_started
    busy_after, total_after = machine_busy_seconds()
    server_after = status_buckets(nodes)
    after = snapshot(nodes)
    database = Database(running.database_url)
    with database.read() as session:
        unfinished = session.scalar(
            select(func.count())
            .select_from(ExportJob)
            .where(ExportJob.id.in_(figures.started), ExportJob.state.in_(ACTIVE_STATES))
        )
        known = session.scalar(
            select(func.count()).select_from(ExportJob).where(ExportJob.id.in_(figures.started))
        )
    database.dispose()
    lost = len(figures.started) - (known or 0)
    report(figures, elapsed, seconds, before, after, (unfinished or 0) + lost, load_cpu)
    print(
        "status latency inside the servers (pressroom_http_request_duration_seconds): "
        f"p50 {bucket_quantile(server_before, server_after, 0.5)}, "
        f"p99 {bucket_quantile(server_before, server_after, 0.99)}"
    )
    ours = sum(after[pid][2] - at_start[pid][2] for pid in at_start if pid in after)
    machine = busy_after - busy_before
    cores = (total_after - total_before) / elapsed
    print(
        f"CPU over the run: machine busy {machine / elapsed:.2f} of {cores:.1f} cores; "
        f"Pressroom processes {ours / elapsed:.2f}, load generator {load_cpu / elapsed:.2f}, "
        f"everything else on the machine {(machine - ours - load_cpu) / elapsed:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--exports", type=int, default=20)
    args = parser.parse_args(argv)
    benchmark(args.seconds, args.pollers, args.exports)


if __name__ == "__main__":
    main()
