"""Users and the permissions of spaces."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pressroom.clock import utcnow
from pressroom.db import Base

if TYPE_CHECKING:
    from pressroom.content.models import Space


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    user_key: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class SpacePermission(Base):
    """One permission (view, export) granted on a space to anonymous users, a user or a group.

    ``subject_type`` is ``anonymous`` (subject_name empty), ``user`` or ``group``.
    """

    __tablename__ = "space_permissions"
    __table_args__ = (UniqueConstraint("space_id", "subject_type", "subject_name", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_name: Mapped[str] = mapped_column(String(255), default="")
    permission: Mapped[str] = mapped_column(String(16))

    space: Mapped[Space] = relationship(back_populates="permissions")
