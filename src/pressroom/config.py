"""Settings, read from ``PRESSROOM_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the server. Each field is ``PRESSROOM_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PRESSROOM_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("pressroom-home"), description="Data directory")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the home directory"
    )
    base_url: str | None = Field(
        default=None, description="Public origin for absolute URLs, e.g. https://docs.example.com"
    )
    default_locale: str | None = Field(
        default=None,
        max_length=35,
        description="Locale (BCP 47) of exports that name none, e.g. de-DE; default: en",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    admin_password: str | None = Field(
        default=None, description="Password of the bootstrap user 'admin'", repr=False
    )
    node_id: str = Field(default_factory=lambda: os.uname().nodename)
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, ge=1, description="Attachment limit")
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1, description="Limit of a JSON request body"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Addresses whose X-Forwarded-* headers are trusted"
    )
    queue_url: str | None = Field(
        default=None,
        description="Job queue: redis://host:port/db for RedisHuey; default SQLite in the home",
    )
    queue_name: str = Field(
        default="pressroom",
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="Name of the queue's keys: two clusters (or test runs) on one Redis differ",
    )
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=64,
        description="Export worker processes started by `pressroom serve` (jobs run at once)",
    )
    render_processes: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Processes one Word export writes a long body with; default: the cores "
        "(CPU affinity and a container's quota) divided among the export workers",
    )
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="Scheduling niceness of export workers: the API answers first under load",
    )
    max_queued_jobs: int = Field(default=200, ge=1, description="Beyond this: 429")
    max_queued_jobs_per_user: int = Field(
        default=20, ge=1, description="Waiting exports one user may have; beyond this: 429"
    )
    max_running_jobs_per_user: int = Field(
        default=4, ge=1, description="Exports of one user rendering at once; more wait"
    )
    max_anonymous_jobs: int = Field(
        default=3,
        ge=0,
        description="Unfinished exports per anonymous session and per client address",
    )
    anonymous_exports_per_minute: int = Field(
        default=10, ge=0, description="Anonymous exports one client address may start a minute"
    )
    max_pages_per_export: int = Field(default=5000, ge=1)
    max_export_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024)
    sync_timeout_seconds: float = Field(
        default=300.0, gt=0, description="export-sync waits this long, then 504"
    )
    job_timeout_seconds: float = Field(
        default=3600.0, gt=0, description="A running job is stopped with an error after this"
    )
    job_stale_seconds: float = Field(
        default=60.0, gt=0, description="A running job without heartbeat this long has died"
    )
    pdf_max_concurrent_jobs: int = Field(
        default=1,
        ge=1,
        le=64,
        description="PDF compiles at once on one machine (each holds its document in memory)",
    )
    pdf_memory_limit_mb: int = Field(
        default=6144, ge=256, description="Address-space limit of one PDF compile process"
    )
    drain_seconds: float = Field(
        default=60.0,
        ge=0,
        description="On SIGTERM, running exports may end for this long, then are queued again",
    )
    sweep_seconds: float = Field(
        default=15.0, gt=0, description="Seconds between rounds of the retention sweeper"
    )
    metrics_address: str | None = Field(
        default=None,
        pattern=r"^[^:\s]*:\d{1,5}$",
        description="host:port of a separate /metrics listener (no login); unset: admins only",
    )
    metrics_dir: Path | None = Field(
        default=None,
        description="Local folder for the metric files of a node's processes; default in /tmp",
    )
    webhook_allow: list[str] = Field(
        default_factory=list,
        description="Hosts or CIDR ranges webhooks may reach beyond public addresses",
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'pressroom.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.home / "attachments"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{(self.home / 'queue.db').resolve()}"
