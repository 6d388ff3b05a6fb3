"""Pages and blog posts: create, read, update (versioned), move, delete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, visible_space_ids
from pressroom.auth.space_access import CONTENT_NOUNS, require_grant
from pressroom.clock import utcnow
from pressroom.content.models import DOCUMENT_TYPES, Content, ContentVersion, Space
from pressroom.content.spaces import find_space
from pressroom.content.storage_check import check_storage
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from pressroom.ids import MAX_CONTENT_ID

MAX_TITLE = 255


def get_content(
    session: Session, identity: Identity, content_id: int, *, status: str = "current"
) -> Content:
    """Content the caller may view; unknown and invisible are the same 404."""
    content = session.get(Content, content_id) if 0 < content_id < MAX_CONTENT_ID else None
    visible = visible_space_ids(session, identity)
    hidden = content is None or (visible is not None and content.space_id not in visible)
    if hidden or content is None or (status != "any" and content.status != status):
        if identity.anonymous:
            raise NotAuthenticated("Log in to see this content, or ask for anonymous access.")
        raise NotFound(f"No content with id {content_id} exists or you may not view it.")
    return content


@dataclass(slots=True)
class ContentQuery:
    space_key: str | None = None
    title: str | None = None
    type: str = "page"
    status: str = "current"
    parent_id: int | None = None


def list_content(
    session: Session, identity: Identity, query: ContentQuery, start: int, limit: int
) -> tuple[list[Content], int]:
    statement = select(Content).where(Content.type == query.type, Content.status == query.status)
    visible = visible_space_ids(session, identity)
    if visible is not None:
        statement = statement.where(Content.space_id.in_(visible))
    if query.space_key is not None:
        statement = statement.join(Space, Space.id == Content.space_id).where(
            Space.key == query.space_key
        )
    if query.title is not None:
        statement = statement.where(Content.title == query.title)
    if query.parent_id is not None:
        statement = statement.where(Content.parent_id == query.parent_id)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    order = (Content.position, Content.id) if query.parent_id else (Content.id,)
    rows = session.scalars(statement.order_by(*order).offset(start).limit(limit)).all()
    return list(rows), total


def children_of(
    session: Session,
    parent_id: int,
    kind: str,
    start: int,
    limit: int,
    title: str | None = None,
) -> list[Content]:
    """Current children of one kind (page, attachment) in tree order; ``title`` picks one."""
    statement = select(Content).where(
        Content.parent_id == parent_id, Content.type == kind, Content.status == "current"
    )
    if title is not None:
        statement = statement.where(Content.title == title)
    statement = statement.order_by(Content.position, Content.id).offset(start).limit(limit)
    return list(session.scalars(statement))


def ancestors_of(session: Session, content: Content) -> list[Content]:
    """The chain of parents, root first."""
    chain: list[Content] = []
    parent_id = content.parent_id
    while parent_id is not None and len(chain) < 1000:
        parent = session.get(Content, parent_id)
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.parent_id
    chain.reverse()
    return chain


def create_document(
    session: Session,
    identity: Identity,
    *,
    content_type: str,
    space_key: str,
    title: str,
    body: str,
    parent_id: int | None = None,
) -> Content:
    if identity.anonymous:
        raise NotAuthenticated("Log in to create content.")
    if content_type not in DOCUMENT_TYPES:
        raise InvalidInput("The type must be 'page' or 'blogpost'.")
    title = _checked_title(title)
    check_storage(body)
    space = find_space(session, identity, space_key)
    require_grant(session, identity, space, "edit", f"create {CONTENT_NOUNS[content_type]}")
    parent = _checked_parent(session, identity, space, content_type, parent_id)
    now = utcnow()
    content = Content(
        type=content_type,
        space_id=space.id,
        title=title,
        body=body,
        parent_id=parent.id if parent else None,
        position=_next_position(session, space.id, parent.id if parent else None, content_type),
        version=1,
        creator_id=identity.user_id,
        modifier_id=identity.user_id,
        created_at=now,
        modified_at=now,
    )
    _insert_unique(session, content, space, title)
    session.add(
        ContentVersion(
            content_id=content.id,
            number=1,
            title=title,
            body=body,
            author_id=identity.user_id,
            created_at=now,
        )
    )
    if content_type == "page" and space.homepage_id is None and parent is None:
        space.homepage_id = content.id
    session.flush()
    return content


@dataclass(slots=True)
class DocumentChange:
    version_number: int
    title: str | None = None
    body: str | None = None
    parent_id: int | None = None
    message: str = ""
    minor_edit: bool = False


def update_document(
    session: Session, identity: Identity, content_id: int, change: DocumentChange
) -> Content:
    """A new version; for trashed content, its restoration (as Confluence does: only the
    version number and ``status: current`` count). Exactly one of several concurrent
    writers wins each number."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to edit content.")
    content = get_content(session, identity, content_id, status="any")
    if content.status == "trashed":
        return _restore(session, identity, content, change.version_number)
    if content.type not in DOCUMENT_TYPES:
        raise InvalidInput("Use the attachment data endpoint to update an attachment.")
    require_grant(session, identity, content.space, "edit", f"edit {CONTENT_NOUNS[content.type]}")
    number = _next_version(content, change.version_number)
    title = _checked_title(change.title) if change.title is not None else content.title
    body = change.body if change.body is not None else content.body
    check_storage(body)
    values = _moved(session, identity, content, change.parent_id)
    now = utcnow()
    _write_version(
        session,
        content,
        dict(title=title, body=body, modified_at=now, modifier_id=identity.user_id, **values),
    )
    session.add(
        ContentVersion(
            content_id=content.id,
            number=number,
            title=title,
            body=body,
            author_id=identity.user_id,
            created_at=now,
            message=change.message,
            minor_edit=change.minor_edit,
        )
    )
    session.flush()
    session.refresh(content)
    return content


def _restore(session: Session, identity: Identity, content: Content, version: int) -> Content:
    """Back from the trash, under its parent if that is still current, else at the top
    (attachments need their page back first)."""
    noun = CONTENT_NOUNS[content.type]
    require_grant(session, identity, content.space, "delete", f"restore {noun} from the trash")
    number = _next_version(content, version)
    values: dict[str, object] = {"status": "current", "modifier_id": identity.user_id}
    parent = session.get(Content, content.parent_id) if content.parent_id else None
    if parent is not None and parent.status != "current":
        if content.type == "attachment":
            raise Conflict(f"Restore the page '{parent.title}' first; this attachment is on it.")
        values |= {
            "parent_id": None,
            "position": _next_position(session, content.space_id, None, content.type),
        }
    values["modified_at"] = now = utcnow()
    _write_version(session, content, values, status="trashed")
    session.add(
        ContentVersion(
            content_id=content.id,
            number=number,
            title=content.title,
            body=content.body,
            author_id=identity.user_id,
            created_at=now,
            message="Restored from the trash",
            media_type=content.media_type,
            file_size=content.file_size,
            file_key=content.file_key,
        )
    )
    session.flush()
    session.refresh(content)
    return content


def _next_version(content: Content, sent: int) -> int:
    current = content.version
    if sent != current + 1:
        raise Conflict(
            f"Version must be incremented on update. Current version is: {current}, "
            f"so send version.number {current + 1} (you sent {sent})."
        )
    return current + 1


def _write_version(
    session: Session, content: Content, values: dict[str, object], status: str = "current"
) -> None:
    """Bump the version if nobody else did first; a title taken meanwhile is a conflict."""
    current = content.version
    statement = (
        update(Content)
        .where(Content.id == content.id, Content.version == current, Content.status == status)
        .values(version=current + 1, **values)
        .execution_options(synchronize_session=False)
    )
    title = values.get("title", content.title)
    try:
        with session.begin_nested():
            result = session.execute(statement)
    except IntegrityError as exc:
        if content.type == "attachment":
            raise Conflict(f"Its page already has an attachment named '{title}'.") from exc
        raise Conflict(
            f"A page with the title '{title}' already exists in space {content.space.key}."
        ) from exc
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"Someone else updated this content first; version {current + 1} exists.")


def delete_document(
    session: Session, identity: Identity, content_id: int, *, purge: bool = False
) -> None:
    """Move to the trash (children move up to the parent); with ``purge``, delete for good."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to delete content.")
    content = get_content(session, identity, content_id, status="trashed" if purge else "current")
    noun = CONTENT_NOUNS[content.type]
    action = f"purge {noun}" if purge else f"move {noun} to the trash"
    require_grant(session, identity, content.space, "delete", action)
    if purge:
        session.delete(content)
        session.flush()
        return
    session.execute(
        update(Content)
        .where(Content.parent_id == content.id, Content.type.in_(DOCUMENT_TYPES))
        .values(parent_id=content.parent_id)
    )
    content.status = "trashed"
    space = content.space
    if space.homepage_id == content.id:
        space.homepage_id = None
    session.flush()


def versions_of(session: Session, content: Content) -> list[ContentVersion]:
    statement = select(ContentVersion).where(ContentVersion.content_id == content.id)
    return list(session.scalars(statement.order_by(ContentVersion.number)))


def _checked_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput("The title must not be empty.")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"The title must be at most {MAX_TITLE} characters long.")
    return title


def _checked_parent(
    session: Session, identity: Identity, space: Space, content_type: str, parent_id: int | None
) -> Content | None:
    if parent_id is None:
        return None
    if content_type == "blogpost":
        raise InvalidInput("Blog posts have no parent page; leave out 'ancestors'.")
    try:
        parent = get_content(session, identity, parent_id)
    except (NotFound, NotAuthenticated) as exc:
        raise InvalidInput(f"The parent page {parent_id} does not exist.") from exc
    if parent.type != "page" or parent.space_id != space.id:
        raise InvalidInput("The parent must be a page in the same space.")
    return parent


def _moved(
    session: Session, identity: Identity, content: Content, parent_id: int | None
) -> dict[str, int | None]:
    if parent_id is None or parent_id == content.parent_id:
        return {}
    parent = _checked_parent(session, identity, content.space, content.type, parent_id)
    assert parent is not None
    if parent.id == content.id or any(a.id == content.id for a in ancestors_of(session, parent)):
        raise InvalidInput("A page cannot be moved below itself or one of its descendants.")
    position = _next_position(session, content.space_id, parent.id, content.type)
    return {"parent_id": parent.id, "position": position}


def _next_position(
    session: Session, space_id: int, parent_id: int | None, content_type: str
) -> int:
    statement = select(func.max(Content.position)).where(
        Content.space_id == space_id,
        Content.type == content_type,
        Content.parent_id.is_(None) if parent_id is None else Content.parent_id == parent_id,
    )
    highest = session.scalar(statement)
    return 0 if highest is None else highest + 1


def _insert_unique(session: Session, content: Content, space: Space, title: str) -> None:
    try:
        with session.begin_nested():
            session.add(content)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"A page with the title '{title}' already exists in space {space.key}."
        ) from exc
