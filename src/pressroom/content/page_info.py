"""The page information screen: what a page is, who made it, when, which version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.content.documents import ancestors_of, get_content
from pressroom.content.models import Content


@dataclass(frozen=True, slots=True)
class PageInfo:
    id: int
    type: str
    title: str
    space_key: str
    space_name: str
    version: int
    created_at: datetime
    created_by: str | None
    modified_at: datetime
    modified_by: str | None
    parent_id: int | None
    ancestors: list[tuple[int, str]]
    child_pages: int
    attachments: int
    labels: list[str]


def page_info(session: Session, identity: Identity, content_id: int) -> PageInfo:
    content = get_content(session, identity, content_id)
    return PageInfo(
        id=content.id,
        type=content.type,
        title=content.title,
        space_key=content.space.key,
        space_name=content.space.name,
        version=content.version,
        created_at=content.created_at,
        created_by=content.creator.username if content.creator else None,
        modified_at=content.modified_at,
        modified_by=content.modifier.username if content.modifier else None,
        parent_id=content.parent_id,
        ancestors=[(a.id, a.title) for a in ancestors_of(session, content)],
        child_pages=_count_children(session, content.id, "page"),
        attachments=_count_children(session, content.id, "attachment"),
        labels=[label.name for label in content.labels],
    )


def _count_children(session: Session, parent_id: int, kind: str) -> int:
    statement = select(func.count()).where(
        Content.parent_id == parent_id, Content.type == kind, Content.status == "current"
    )
    return int(session.scalar(statement) or 0)
