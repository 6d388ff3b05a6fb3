"""Versions, variants and translations of a space's pages (Scroll Versions and Scroll
Translations, as Pressroom keeps them).

- A space's **versions** form chains through ``preceding_version_id``. A page keeps one
  id in every version: what it holds in a version is a :class:`PageVersion` row of that
  page (its own change, ``new`` in that version, or ``removed`` there), else what the
  preceding version holds, recursively, else the page's own content (``content.body``).
- **Variants** select values of **attributes**; pages carry attribute values
  (``page_attribute_values``) and so do conditional-content macros in their bodies.
- **Translations**: a space's languages and, per page and language, a
  :class:`PageTranslation`. Translations are not versioned.

:class:`SpaceVersioning` is the state of a space's features: which are on, the current
(published) version and the default language.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pressroom.clock import utcnow
from pressroom.db import Base

PAGE_VERSION_STATES: tuple[str, ...] = ("changed", "new", "removed")


class SpaceVersioning(Base):
    __tablename__ = "space_versioning"

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    versions_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    variants_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    translations_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("doc_versions.id", ondelete="SET NULL")
    )
    default_language: Mapped[str] = mapped_column(String(32), default="en")


class DocVersion(Base):
    """A version of a space's documentation ("3.2"), in a chain of versions."""

    __tablename__ = "doc_versions"
    __table_args__ = (UniqueConstraint("space_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    release_date: Mapped[date | None] = mapped_column(Date)
    preceding_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("doc_versions.id", ondelete="SET NULL")
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    color: Mapped[str] = mapped_column(String(32), default="")
    runtime_accessible: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PageVersion(Base):
    """What a page is in one version: ``changed`` (edited there), ``new`` (first there:
    absent from the versions before) or ``removed`` (absent from there on)."""

    __tablename__ = "page_versions"
    __table_args__ = (UniqueConstraint("content_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("doc_versions.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="changed")
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    modifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VariantAttribute(Base):
    """An attribute such as "Platform" with values such as "Windows", "Linux"."""

    __tablename__ = "variant_attributes"
    __table_args__ = (UniqueConstraint("space_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))


class AttributeValue(Base):
    __tablename__ = "attribute_values"
    __table_args__ = (UniqueConstraint("attribute_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("variant_attributes.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255))


class Variant(Base):
    """A named selection of attribute values ("Cloud edition")."""

    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("space_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")


variant_values = Table(
    "variant_values",
    Base.metadata,
    Column("variant_id", ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True),
    Column("value_id", ForeignKey("attribute_values.id", ondelete="CASCADE"), primary_key=True),
)

page_attribute_values = Table(
    "page_attribute_values",
    Base.metadata,
    Column("content_id", ForeignKey("content.id", ondelete="CASCADE"), primary_key=True),
    Column("value_id", ForeignKey("attribute_values.id", ondelete="CASCADE"), primary_key=True),
)


class SpaceLanguage(Base):
    """A language a space is translated into; keys as Scroll Translations writes them
    (``en``, ``de_DE``, ``ko_KR``)."""

    __tablename__ = "space_languages"
    __table_args__ = (UniqueConstraint("space_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(255))


class PageTranslation(Base):
    __tablename__ = "page_translations"
    __table_args__ = (UniqueConstraint("content_id", "language_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"))
    language_key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    modifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
