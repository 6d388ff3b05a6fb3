"""Spaces, content (pages, blog posts, attachments), their versions and labels.

Pages, blog posts and attachments share one table and one id sequence, as in
Confluence, where an attachment is content too (``PUT /rest/api/content/{attachmentId}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pressroom.auth.models import SpacePermission, User
from pressroom.clock import utcnow
from pressroom.db import Base

ContentType = Literal["page", "blogpost", "attachment"]
CONTENT_TYPES: tuple[str, ...] = ("page", "blogpost", "attachment")
DOCUMENT_TYPES: tuple[str, ...] = ("page", "blogpost")


class Space(Base):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    homepage_id: Mapped[int | None] = mapped_column(
        ForeignKey("content.id", ondelete="SET NULL", use_alter=True)
    )
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    homepage: Mapped[Content | None] = relationship(foreign_keys=[homepage_id], post_update=True)
    permissions: Mapped[list[SpacePermission]] = relationship(
        back_populates="space", cascade="all, delete-orphan"
    )


content_labels = Table(
    "content_labels",
    Base.metadata,
    Column("content_id", ForeignKey("content.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True),
)


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("prefix", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(32), default="global")
    name: Mapped[str] = mapped_column(String(255), index=True)


class Content(Base):
    """A page, blog post or attachment; ``version`` is bumped on every update.

    For attachments ``parent_id`` is the container page and the file fields describe
    the current version's bytes under the home directory.
    """

    __tablename__ = "content"
    __table_args__ = (
        # Confluence keeps page titles unique within a space, attachment names within a page.
        Index(
            "uq_content_page_title",
            "space_id",
            "title",
            unique=True,
            sqlite_where=text("type = 'page' AND status = 'current'"),
            postgresql_where=text("type = 'page' AND status = 'current'"),
        ),
        Index(
            "uq_content_attachment_name",
            "parent_id",
            "title",
            unique=True,
            sqlite_where=text("type = 'attachment' AND status = 'current'"),
            postgresql_where=text("type = 'attachment' AND status = 'current'"),
        ),
        Index("ix_content_space_type", "space_id", "type", "status"),
        Index("ix_content_parent", "parent_id", "type", "position"),
        # SQLite would reuse the id of a purged newest row (migration 0009).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="current")
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    modifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    media_type: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_key: Mapped[str | None] = mapped_column(String(255))
    comment: Mapped[str] = mapped_column(Text, default="")

    space: Mapped[Space] = relationship(foreign_keys=[space_id], lazy="joined")
    parent: Mapped[Content | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    creator: Mapped[User | None] = relationship(foreign_keys=[creator_id], lazy="joined")
    modifier: Mapped[User | None] = relationship(foreign_keys=[modifier_id], lazy="joined")
    labels: Mapped[list[Label]] = relationship(secondary=content_labels, order_by=Label.name)


class ContentVersion(Base):
    """One historical version of a page, blog post or attachment.

    The unique (content_id, number) pair is what makes concurrent updates safe:
    exactly one writer can create each version number.
    """

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("content_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    message: Mapped[str] = mapped_column(Text, default="")
    minor_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    media_type: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_key: Mapped[str | None] = mapped_column(String(255))

    author: Mapped[User | None] = relationship(lazy="joined")
