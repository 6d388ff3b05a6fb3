"""Export jobs: the single source of truth for status, progress and the result file."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.clock import utcnow
from pressroom.db import Base

# queued and running are both "incomplete" on the wire.
ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("complete", "error", "cancelled")


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_state", "state", "created_at"),
        Index("ix_export_jobs_finished", "finished_at"),
        Index("ix_export_jobs_webhook", "webhook_state", "webhook_next_at"),
        Index("ix_export_jobs_owner_user", "owner_user_id", "state"),
        Index("ix_export_jobs_owner_address", "owner_address", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    exporter: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    page_id: Mapped[int] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(16), default="current")
    template_id: Mapped[str] = mapped_column(String(255))
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    owner_session: Mapped[str | None] = mapped_column(String(128))
    # The client address that submitted the job, for the per-owner caps of anonymous users.
    owner_address: Mapped[str | None] = mapped_column(String(64))
    synchronous: Mapped[bool] = mapped_column(Boolean, default=False)
    step: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=3)
    step_progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    # The domain error that ended the job ("TooLarge", "NotFound"…); None: an internal error.
    error_kind: Mapped[str | None] = mapped_column(String(32))
    log: Mapped[str] = mapped_column(Text, default="[]")
    page_title: Mapped[str | None] = mapped_column(String(255))
    page_version: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(512))
    file_key: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # pending → delivered | failed; None when the job has no webhook
    webhook_state: Mapped[str | None] = mapped_column(String(16))
    webhook_attempts: Mapped[int] = mapped_column(Integer, default=0)
    webhook_next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
