"""Prometheus metrics of the API and of the export workers.

Workers are separate processes, so counters live in prometheus-client's multiprocess
mode: each process writes its values to files in ``PROMETHEUS_MULTIPROC_DIR``, set by
``pressroom serve`` and ``pressroom worker`` before this module is first imported (see
``metrics_dir.py``), and a scrape adds them up. Without that variable (tests, embedded
use) the values stay in this process. Queue depth and running jobs are read from the
database at scrape time: it is the one place that knows them for the whole cluster.
"""

from __future__ import annotations

import glob
import logging
import os
import struct
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from pressroom.db import Database
from pressroom.jobs.models import ACTIVE_STATES, ExportJob

CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
log = logging.getLogger("pressroom.metrics")

JOBS_STARTED = Counter(
    "pressroom_jobs_started", "Export jobs a worker began to render", ["exporter"]
)
JOBS_FINISHED = Counter(
    "pressroom_jobs_finished",
    "Export jobs that ended in a worker, by outcome (complete, error, cancelled, requeued)",
    ["exporter", "outcome"],
)
JOB_DURATION = Histogram(
    "pressroom_job_duration_seconds",
    "Seconds from the start of rendering to the end of a job",
    ["exporter", "outcome"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600),
)
EXPORT_PAGES = Histogram(
    "pressroom_export_pages",
    "Pages in each completed export",
    ["exporter"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000),
)
JOBS_SWEPT = Counter(
    "pressroom_jobs_swept",
    "Jobs the sweeper ended or removed: stale (worker died), timeout, expired",
    ["reason"],
)
HTTP_REQUESTS = Counter(
    "pressroom_http_requests",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "pressroom_http_request_duration_seconds",
    "Seconds from request to the end of the answer, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
LOGIN_FAILURES = Counter(
    "pressroom_login_failures",
    "Refused credentials, by method (basic, form, url, token)",
    ["method"],
)
WEBHOOK_DELIVERIES = Counter(
    "pressroom_webhook_deliveries",
    "Webhook attempts by result (delivered, failed, retry)",
    ["result"],
)

JobCounts = Callable[[], dict[str, int]]


class ClusterGauges(Collector):
    """Queued and running jobs of the whole cluster, and tasks waiting in the queue,
    read when scraped."""

    def __init__(self, job_counts: JobCounts, queue_pending: Callable[[], int]) -> None:
        self._job_counts = job_counts
        self._queue_pending = queue_pending

    def collect(self) -> Iterator[Metric]:
        # A database or queue that does not answer leaves its gauge out (/ready says
        # why); the counters are scraped all the same.
        try:
            counts = self._job_counts()
        except Exception:
            log.warning("metrics: the database does not answer; pressroom_jobs left out")
        else:
            jobs = GaugeMetricFamily(
                "pressroom_jobs",
                "Export jobs not yet ended, by state (whole cluster)",
                labels=["state"],
            )
            for state in ("queued", "running"):
                jobs.add_metric([state], counts.get(state, 0))
            yield jobs
        try:
            pending = self._queue_pending()
        except Exception:
            log.warning("metrics: the queue does not answer; pressroom_queue_depth left out")
            return
        yield GaugeMetricFamily(
            "pressroom_queue_depth", "Tasks waiting in the job queue (whole cluster)", value=pending
        )


def cluster_gauges(db: Database, queue_pending: Callable[[], int]) -> ClusterGauges:
    def job_counts() -> dict[str, int]:
        with db.read() as session:
            rows = session.execute(
                select(ExportJob.state, func.count())
                .where(ExportJob.state.in_(ACTIVE_STATES))
                .group_by(ExportJob.state)
            ).all()
        return {state: count for state, count in rows}

    return ClusterGauges(job_counts, queue_pending)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def scrape(gauges: Collector) -> bytes:
    """The exposition text: every process's counters plus the cluster gauges."""
    return bytes(generate_latest(scrape_registry(gauges)))


def scrape_registry(gauges: Collector) -> CollectorRegistry:
    """A registry that collects what :func:`scrape` answers, for a separate listener."""
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder:
        _ReadableFilesCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_DefaultRegistry())
    registry.register(gauges)
    return registry


class _ReadableFilesCollector(prometheus_multiprocess.MultiProcessCollector):
    """Adds up the files of every process that can be read. A process that is starting
    has created its file but not yet sized it (prometheus/client_python#1199), and one
    killed in that moment leaves it so for good: such a file costs its own values, never
    the whole scrape."""

    def collect(self) -> Iterator[Metric]:
        files = [name for name in glob.glob(os.path.join(self._path, "*.db")) if _readable(name)]
        return self.merge(files, accumulate=True)  # type: ignore[no-any-return,no-untyped-call]


def _readable(name: str) -> bool:
    try:
        for _ in MmapedDict.read_all_values_from_file(name):  # type: ignore[no-untyped-call]
            pass
    except FileNotFoundError:
        return False
    except (struct.error, RuntimeError, UnicodeDecodeError, ValueError) as error:
        log.warning("metrics file %s left out of the scrape: %s", os.path.basename(name), error)
        return False
    return True


class _DefaultRegistry(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class MetricsListener:
    """``/metrics`` without login on ``PRESSROOM_METRICS_ADDRESS`` (host:port; port 0
    picks a free one, read back from :attr:`port`)."""

    def __init__(self, address: str, gauges: Collector) -> None:
        host, _, port = address.rpartition(":")
        self._host = host or "127.0.0.1"
        self._requested_port = int(port)
        self._gauges = gauges
        self.port: int | None = None
        self._server: Any = None

    def start(self) -> None:
        registry = scrape_registry(self._gauges)
        server, _thread = start_http_server(
            self._requested_port, addr=self._host, registry=registry
        )
        self._server = server
        self.port = int(server.server_port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
