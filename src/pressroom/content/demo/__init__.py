"""The DEMO space: the Anchorage manual, seeded by ``pressroom serve --demo`` (with the
VERS space of versions, variants and translations, ``demo/versions.py``).

Seeding is idempotent: pages, blog posts, attachments and labels are looked up by
space key and title (attachments by page and file name) and only what is missing is
created, as the ``admin`` user, in one transaction, so an error leaves nothing half-seeded.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.auth.models import User
from pressroom.config import Settings
from pressroom.content.attachments import add_attachment, receive_file
from pressroom.content.demo.tree import (
    ATTACHMENTS,
    BLOG_POSTS,
    PAGE_TREE,
    SPACE_DESCRIPTION,
    SPACE_KEY,
    SPACE_NAME,
    DemoBlogPost,
    DemoPage,
    read_body,
)
from pressroom.content.demo.versions import seed_versions_space
from pressroom.content.documents import create_document
from pressroom.content.labels import LabelName, add_labels
from pressroom.content.models import Content, ContentVersion, Space
from pressroom.content.spaces import create_space
from pressroom.db import Database
from pressroom.errors import PressroomError

__all__ = ["seed_demo"]

log = logging.getLogger("pressroom.demo")


class AdminMissing(PressroomError):
    """The bootstrap user ``admin`` does not exist yet."""


@dataclass(slots=True)
class Seeding:
    """One seeding run: who writes, where, and what it created."""

    session: Session
    settings: Settings
    identity: Identity
    space: Space
    created: list[str] = field(default_factory=list)


def seed_demo(settings: Settings, db: Database) -> None:
    """Create whatever part of the DEMO space is missing; change nothing that exists."""
    with db.write() as session:
        identity = _admin(session)
        run = Seeding(session, settings, identity, _space(session, identity))
        for page in PAGE_TREE:
            _seed_page(run, page, parent_id=None)
        for post in BLOG_POSTS:
            _seed_blog_post(run, post)
        run.created.extend(seed_versions_space(session, identity))
    if run.created:
        log.info("demo space %s: created %s", SPACE_KEY, ", ".join(run.created))
    else:
        log.info("demo space %s: complete, nothing to create", SPACE_KEY)


def _admin(session: Session) -> Identity:
    user = session.scalar(select(User).where(User.username == "admin"))
    if user is None:
        raise AdminMissing("The user 'admin' does not exist; run the bootstrap first.")
    return Identity.of(user)


def _space(session: Session, identity: Identity) -> Space:
    space = session.scalar(select(Space).where(Space.key == SPACE_KEY))
    if space is not None:
        return space
    return create_space(
        session, identity, SPACE_KEY, SPACE_NAME, SPACE_DESCRIPTION, anonymous_view=True
    )


def _seed_page(run: Seeding, page: DemoPage, parent_id: int | None) -> None:
    content = _existing(run, "page", page.title)
    if content is None:
        content = _create(run, "page", page.title, page.body, parent_id)
    for filename in page.attachments:
        _seed_attachment(run, content, filename)
    _seed_labels(run, content, page.labels)
    for child in page.children:
        _seed_page(run, child, parent_id=content.id)


def _seed_blog_post(run: Seeding, post: DemoBlogPost) -> None:
    content = _existing(run, "blogpost", post.title)
    if content is None:
        content = _create(run, "blogpost", post.title, post.body, parent_id=None)
        _date(run.session, content, post.posted)
    _seed_labels(run, content, post.labels)


def _existing(run: Seeding, content_type: str, title: str) -> Content | None:
    return run.session.scalar(
        select(Content).where(
            Content.space_id == run.space.id,
            Content.type == content_type,
            Content.status == "current",
            Content.title == title,
        )
    )


def _create(
    run: Seeding, content_type: str, title: str, body: str, parent_id: int | None
) -> Content:
    content = create_document(
        run.session,
        run.identity,
        content_type=content_type,
        space_key=SPACE_KEY,
        title=title,
        body=read_body(body),
        parent_id=parent_id,
    )
    run.created.append(f"{content_type} '{title}'")
    return content


def _date(session: Session, content: Content, posted: datetime) -> None:
    """Date a blog post on its posting day, the day that ``ri:posting-day`` links name."""
    content.created_at = posted
    content.modified_at = posted
    session.execute(
        update(ContentVersion)
        .where(ContentVersion.content_id == content.id)
        .values(created_at=posted)
    )
    session.flush()


def _seed_attachment(run: Seeding, container: Content, filename: str) -> None:
    exists = run.session.scalar(
        select(Content.id).where(
            Content.type == "attachment",
            Content.status == "current",
            Content.parent_id == container.id,
            Content.title == filename,
        )
    )
    if exists is not None:
        return
    source = ATTACHMENTS[filename]
    upload = receive_file(run.settings, filename, io.BytesIO(source.encode()), source.media_type)
    try:
        add_attachment(
            run.session, run.identity, run.settings, container.id, upload, source.comment
        )
    finally:
        upload.discard()
    run.created.append(f"attachment '{filename}'")


def _seed_labels(run: Seeding, content: Content, labels: tuple[str, ...]) -> None:
    present = {label.name for label in content.labels}
    missing = [LabelName.checked("global", name) for name in labels if name not in present]
    if missing:
        add_labels(run.session, run.identity, content.id, missing)
