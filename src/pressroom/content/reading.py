"""What the browser pages read: a space's page tree, one page rendered for reading, a
user's recent exports. Permission checks are those of the REST API (view to read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, space_grants_of
from pressroom.clock import Clock
from pressroom.content.documents import ancestors_of, children_of, get_content
from pressroom.content.models import Content, Space
from pressroom.content.spaces import find_space
from pressroom.content.storage_check import check_storage
from pressroom.errors import NotFound
from pressroom.export.assemble import ContentType, ExportOptions, PageSource, assemble
from pressroom.export.html import HtmlOptions, write_html
from pressroom.jobs.collect import DatabasePages
from pressroom.jobs.lifecycle import RETENTION, wire_status
from pressroom.jobs.models import ExportJob

MAX_TREE_NODES = 500


@dataclass(frozen=True, slots=True)
class TreeNode:
    id: int
    title: str
    has_children: bool


@dataclass(frozen=True, slots=True)
class SpaceHome:
    space: Space
    pages: list[TreeNode]
    blog_posts: list[TreeNode]
    grants: frozenset[str]


@dataclass(slots=True)
class PageReading:
    """A page as the page view shows it."""

    content: Content
    body_html: str
    ancestors: list[Content]
    children: list[TreeNode]
    attachments: list[Content]
    labels: list[str]
    grants: frozenset[str]
    warnings: list[str] = field(default_factory=list)


def tree_nodes(session: Session, rows: list[Content]) -> list[TreeNode]:
    """Rows as tree nodes, each knowing whether it has child pages (one query)."""
    ids = [row.id for row in rows]
    parents = set(
        session.scalars(
            select(Content.parent_id)
            .where(
                Content.parent_id.in_(ids),
                Content.type == "page",
                Content.status == "current",
            )
            .group_by(Content.parent_id)
        )
    )
    return [TreeNode(row.id, row.title, row.id in parents) for row in rows]


def space_home(session: Session, identity: Identity, key: str) -> SpaceHome:
    space = find_space(session, identity, key)
    top = select(Content).where(
        Content.space_id == space.id,
        Content.status == "current",
        Content.parent_id.is_(None),
    )
    pages = session.scalars(
        top.where(Content.type == "page").order_by(Content.position, Content.id)
    ).all()
    posts = session.scalars(
        top.where(Content.type == "blogpost").order_by(Content.created_at.desc()).limit(50)
    ).all()
    return SpaceHome(
        space,
        tree_nodes(session, list(pages[:MAX_TREE_NODES])),
        tree_nodes(session, list(posts)),
        space_grants_of(session, identity, space.id),
    )


def child_nodes(session: Session, identity: Identity, page_id: int) -> list[TreeNode]:
    """The child pages of a page the caller may view (the tree's lazy branches)."""
    page = get_content(session, identity, page_id)
    return tree_nodes(session, children_of(session, page.id, "page", 0, MAX_TREE_NODES))


def read_page(
    session: Session, identity: Identity, page_id: int, attachments_dir: Path
) -> PageReading:
    """The page rendered through the HTML writer from the same tree as the exports."""
    content = get_content(session, identity, page_id)
    if content.type not in ("page", "blogpost"):
        raise NotFound(f"Content {page_id} is not a page or blog post.")
    lookup = DatabasePages(session, identity, attachments_dir, "", reading=True)
    source = lookup.page(str(content.id))
    assert source is not None  # the caller may view it: get_content said so

    def attachment_url(name: str, page_title: str | None, space_key: str | None) -> str | None:
        owner: PageSource | None = source
        if page_title is not None:
            owner = lookup.page_titled(space_key or source.space_key, page_title)
        if owner is None or name not in owner.attachments:
            return None
        return f"/download/attachments/{owner.id}/{quote(name)}"

    document = assemble(lookup, ExportOptions(root_page_id=source.id, scope="current"))
    result = write_html(document, HtmlOptions(attachment_url=attachment_url, page_titles=False))
    children = children_of(session, content.id, "page", 0, MAX_TREE_NODES)
    return PageReading(
        content=content,
        body_html=result.html,
        ancestors=ancestors_of(session, content),
        children=tree_nodes(session, children),
        attachments=children_of(session, content.id, "attachment", 0, 500),
        labels=[label.name for label in content.labels],
        grants=space_grants_of(session, identity, content.space_id),
        warnings=[*document.warnings, *result.warnings],
    )


@dataclass(frozen=True, slots=True)
class RecentExport:
    id: str
    exporter: str
    status: str
    page_title: str
    created_at: datetime
    file_name: str | None


def recent_exports(
    session: Session, identity: Identity, clock: Clock, limit: int = 20
) -> list[RecentExport]:
    """The caller's retained export jobs, newest first (as the API keeps them)."""
    if identity.anonymous:
        return []
    cutoff = clock() - RETENTION
    rows = session.scalars(
        select(ExportJob)
        .where(
            ExportJob.owner_user_id == identity.user_id,
            func.coalesce(ExportJob.finished_at, ExportJob.created_at) > cutoff,
        )
        .order_by(ExportJob.created_at.desc())
        .limit(limit)
    ).all()
    return [
        RecentExport(
            id=row.id,
            exporter=row.exporter,
            status=wire_status(row),
            page_title=row.page_title or f"page {row.page_id}",
            created_at=row.created_at,
            file_name=row.file_name if row.state == "complete" else None,
        )
        for row in rows
    ]


class _DraftLookup:
    """The pages the caller may view, with one page's storage replaced by a draft."""

    def __init__(self, pages: DatabasePages, draft: PageSource) -> None:
        self._pages = pages
        self._draft = draft

    def page(self, page_id: str) -> PageSource | None:
        return self._draft if page_id == self._draft.id else self._pages.page(page_id)

    def page_titled(
        self, space_key: str, title: str, content_type: ContentType = "page"
    ) -> PageSource | None:
        return self._pages.page_titled(space_key, title, content_type)

    def children(self, page_id: str) -> Sequence[PageSource]:
        return self._pages.children(page_id)


def preview(
    session: Session,
    identity: Identity,
    storage: str,
    space_key: str,
    page_id: int | None,
    attachments_dir: Path,
) -> str:
    """A draft's storage rendered as the page view would show it once saved: its links,
    includes and pictures resolved against the page (if it exists) and its space."""
    check_storage(storage)
    space = find_space(session, identity, space_key)
    lookup = DatabasePages(session, identity, attachments_dir, "", reading=True)
    saved = lookup.page(str(page_id)) if page_id is not None else None
    draft = (
        replace(saved, storage=storage) if saved else PageSource("draft", "", space.key, storage)
    )
    pages = _DraftLookup(lookup, draft)

    def attachment_url(name: str, page_title: str | None, key: str | None) -> str | None:
        owner = draft if page_title is None else pages.page_titled(key or space.key, page_title)
        if owner is None or name not in owner.attachments:
            return None
        return f"/download/attachments/{owner.id}/{quote(name)}"

    document = assemble(pages, ExportOptions(root_page_id=draft.id, scope="current"))
    options = HtmlOptions(attachment_url=attachment_url, page_titles=False)
    return write_html(document, options).html
