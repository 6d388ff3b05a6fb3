"""Uploaded export templates: one row per template, its file under ``home/templates/``.

Kept apart from the template service so that loading the models (Alembic, the CLI)
does not import the Word writer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pressroom.auth.models import User
from pressroom.clock import utcnow
from pressroom.content.models import Space
from pressroom.db import Base


class WordTemplate(Base):
    """A template uploaded by a user: global (``space_id`` None) or of one space.

    ``exporter`` says which exporter uses it: ``word`` now, ``pdf`` later. The file is
    ``home/templates/<id>.docx``; ``file_name`` is only the name it was uploaded as.
    """

    __tablename__ = "templates"
    __table_args__ = (Index("ix_templates_exporter_space", "exporter", "space_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    exporter: Mapped[str] = mapped_column(String(16), default="word")
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))

    space: Mapped[Space | None] = relationship(lazy="joined")
    creator: Mapped[User | None] = relationship(lazy="joined")

    @property
    def space_key(self) -> str | None:
        return self.space.key if self.space is not None else None
