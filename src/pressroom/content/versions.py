"""A space's versions and what a page holds in each (Scroll's inheritance, or fallback).

A page not edited in a version inherits from the preceding version, recursively; a
``changed`` row of a version is the page's content there and in every later version that
inherits; ``removed`` makes it absent there and after; ``new`` is a first appearance (the
page is absent from versions that reach no row of it). With no row on the way the page
holds its own content (``content.body``), as before versions were switched on.

:func:`resolve_page` is the rule, pure; the rest reads and writes the rows. Changes of
state are guarded UPDATEs, so two requests racing resolve in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pressroom.clock import utcnow
from pressroom.content.models import Content, Space
from pressroom.content.storage_check import check_storage
from pressroom.content.version_models import (
    PAGE_VERSION_STATES,
    DocVersion,
    PageVersion,
    SpaceVersioning,
)
from pressroom.errors import Conflict, InvalidInput, NotFound

MAX_CHAIN = 1000  # versions walked at most (the chain of a space is far shorter)


@dataclass(frozen=True, slots=True)
class Edit:
    """A page's row in one version."""

    version_id: int
    state: str  # "changed", "new" or "removed"
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a page holds in a version; ``source_version_id`` is the version whose row it
    is (None: the page's own content), ``fallback`` whether that is an earlier version."""

    exists: bool
    title: str
    body: str
    source_version_id: int | None
    fallback: bool
    state: str = "own"  # the state of the row it comes from, "own" for the page's content


def lineage(version_id: int, preceding: Mapping[int, int | None]) -> list[int]:
    """``version_id`` and the versions before it, nearest first (a cycle in bad data ends
    the walk)."""
    chain: list[int] = []
    current: int | None = version_id
    while current is not None and current not in chain and len(chain) < MAX_CHAIN:
        chain.append(current)
        current = preceding.get(current)
    return chain


def resolve_page(
    chain: Sequence[int], edits: Mapping[int, Edit], base_title: str, base_body: str
) -> Resolved:
    """The page in version ``chain[0]``: the nearest row along ``chain``, else its own
    content unless it is new in some version (then it is absent here)."""
    for index, version_id in enumerate(chain):
        edit = edits.get(version_id)
        if edit is not None:
            present = edit.state != "removed"
            return Resolved(present, edit.title, edit.body, version_id, index > 0, edit.state)
    is_new_elsewhere = any(edit.state == "new" for edit in edits.values())
    return Resolved(not is_new_elsewhere, base_title, base_body, None, bool(chain))


# --- the space's state ----------------------------------------------------------------


def versioning_of(session: Session, space: Space) -> SpaceVersioning:
    """The space's feature state (a row with every feature off when none is stored)."""
    row = session.get(SpaceVersioning, space.id)
    if row is None:
        row = SpaceVersioning(
            space_id=space.id,
            versions_enabled=False,
            variants_enabled=False,
            translations_enabled=False,
            current_version_id=None,
            default_language="en",
        )
    return row


def ensure_versioning(session: Session, space: Space) -> None:
    """Make sure the space has its state row, so later changes are UPDATEs."""
    if session.get(SpaceVersioning, space.id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(versioning_of(session, space))
    except IntegrityError:
        pass  # another request made it


def update_versioning(session: Session, space: Space, changes: Mapping[str, object]) -> None:
    """Set feature flags, the current version or the default language. The current
    version must be one of the space's versions and not archived; the guard holds it."""
    ensure_versioning(session, space)
    values = dict(changes)
    statement = update(SpaceVersioning).where(SpaceVersioning.space_id == space.id)
    current = values.get("current_version_id")
    if current is not None:
        statement = statement.where(
            select(DocVersion.id)
            .where(
                DocVersion.id == current,
                DocVersion.space_id == space.id,
                DocVersion.archived.is_(False),
            )
            .exists()
        )
    result = session.execute(statement.values(**values)) if values else None
    if result is not None and result.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput(
            f"currentVersionId {current} is not an unarchived version of space {space.key}; "
            f"see /rest/scroll-versions/1.0/versions/{space.key}."
        )
    session.expire_all()


# --- versions -------------------------------------------------------------------------


def list_versions(session: Session, space: Space) -> list[DocVersion]:
    return list(
        session.scalars(
            select(DocVersion).where(DocVersion.space_id == space.id).order_by(DocVersion.id)
        )
    )


def find_version(session: Session, space: Space, version_id: str | int) -> DocVersion:
    key = _int(version_id)
    version = session.get(DocVersion, key) if key is not None else None
    if version is None or version.space_id != space.id:
        raise NotFound(
            f"Space {space.key} has no version with id {version_id}; see "
            f"/rest/scroll-versions/1.0/versions/{space.key}."
        )
    return version


def default_version(session: Session, space: Space) -> DocVersion | None:
    """The space's current version, else the latest: the newest version no other
    follows, unarchived ones first."""
    state = versioning_of(session, space)
    if state.current_version_id is not None:
        return session.get(DocVersion, state.current_version_id)
    versions = list_versions(session, space)
    followed = {v.preceding_version_id for v in versions}
    tips = [v for v in versions if v.id not in followed] or versions
    tips.sort(key=lambda v: (not v.archived, v.id))
    return tips[-1] if tips else None


def preceding_map(session: Session, space_id: int) -> dict[int, int | None]:
    rows = session.execute(
        select(DocVersion.id, DocVersion.preceding_version_id).where(
            DocVersion.space_id == space_id
        )
    )
    return {version_id: preceding for version_id, preceding in rows}


@dataclass(slots=True)
class VersionFields:
    name: str | None = None
    description: str | None = None
    release_date: date | None = None
    preceding_version_id: int | None = None
    color: str | None = None
    runtime_accessible: bool | None = None
    archived: bool | None = None


def create_version(session: Session, space: Space, fields: VersionFields) -> DocVersion:
    if not fields.name or not fields.name.strip():
        raise InvalidInput("name is required: the version's name, e.g. 2.0.")
    if fields.preceding_version_id is not None:
        find_version(session, space, fields.preceding_version_id)
    ensure_versioning(session, space)
    version = DocVersion(
        space_id=space.id,
        name=fields.name.strip(),
        description=fields.description or "",
        release_date=fields.release_date,
        preceding_version_id=fields.preceding_version_id,
        color=fields.color or "",
        runtime_accessible=True if fields.runtime_accessible is None else fields.runtime_accessible,
        archived=bool(fields.archived),
    )
    add_unique(session, version, f"Space {space.key} has a version named {fields.name} already.")
    return version


def update_version(
    session: Session, space: Space, version_id: str, fields: VersionFields, preceding_set: bool
) -> DocVersion:
    version = find_version(session, space, version_id)
    if preceding_set:
        if fields.preceding_version_id is not None:
            find_version(session, space, fields.preceding_version_id)
            chain = lineage(fields.preceding_version_id, preceding_map(session, space.id))
            if version.id in chain:
                raise InvalidInput(
                    f"precedingVersionId {fields.preceding_version_id} would make version "
                    f"{version.name} precede itself."
                )
        version.preceding_version_id = fields.preceding_version_id
    if fields.name is not None:
        if not fields.name.strip():
            raise InvalidInput("name must not be empty.")
        version.name = fields.name.strip()
    for attribute in ("description", "release_date", "color", "runtime_accessible"):
        value = getattr(fields, attribute)
        if value is not None:
            setattr(version, attribute, value)
    add_unique(session, version, f"Space {space.key} has a version named {fields.name} already.")
    if fields.archived is not None:
        set_archived(session, version, fields.archived)
    return version


def set_archived(session: Session, version: DocVersion, archived: bool) -> None:
    """Archive or restore; archiving the current version leaves the space without one."""
    session.execute(
        update(DocVersion)
        .where(DocVersion.id == version.id, DocVersion.archived.is_not(archived))
        .values(archived=archived)
    )
    if archived:
        session.execute(
            update(SpaceVersioning)
            .where(SpaceVersioning.current_version_id == version.id)
            .values(current_version_id=None)
        )
    session.refresh(version)


# --- pages in versions ----------------------------------------------------------------


def page_edits(session: Session, page_ids: Sequence[int]) -> dict[int, dict[int, Edit]]:
    """Every page's rows, by page id and version id."""
    edits: dict[int, dict[int, Edit]] = {}
    if not page_ids:
        return edits
    rows = session.scalars(select(PageVersion).where(PageVersion.content_id.in_(page_ids)))
    for row in rows:
        edits.setdefault(row.content_id, {})[row.version_id] = Edit(
            row.version_id, row.state, row.title, row.body
        )
    return edits


def page_in_version(session: Session, page: Content, version: DocVersion) -> Resolved:
    chain = lineage(version.id, preceding_map(session, version.space_id))
    edits = page_edits(session, [page.id]).get(page.id, {})
    return resolve_page(chain, edits, page.title, page.body)


def edit_page_in_version(
    session: Session,
    page: Content,
    version: DocVersion,
    *,
    state: str,
    title: str | None,
    body: str | None,
    modifier_id: int | None,
) -> PageVersion:
    """Write the page's row in ``version``. Title and body default to what the page holds
    there now. Predecessors never change; successors that inherit see the edit."""
    if state not in PAGE_VERSION_STATES:
        raise InvalidInput(f"state must be one of {', '.join(PAGE_VERSION_STATES)}.")
    if version.archived:
        raise Conflict(f"Version {version.name} is archived; restore it before editing in it.")
    if body is not None:
        check_storage(body)
    now = page_in_version(session, page, version)
    values = {
        "state": state,
        "title": (title if title is not None else now.title)[:255],
        "body": body if body is not None else now.body,
        "modifier_id": modifier_id,
        "modified_at": utcnow(),
    }
    changed = session.execute(
        update(PageVersion)
        .where(PageVersion.content_id == page.id, PageVersion.version_id == version.id)
        .values(revision=PageVersion.revision + 1, **values)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        row = PageVersion(content_id=page.id, version_id=version.id, revision=1, **values)
        add_unique(session, row, "The page was edited in this version at the same time.")
    found = session.scalar(
        select(PageVersion).where(
            PageVersion.content_id == page.id, PageVersion.version_id == version.id
        )
    )
    assert found is not None
    session.refresh(found)
    return found


def add_unique(session: Session, row: object, message: str) -> None:
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:
        raise Conflict(message) from error


def _int(value: str | int) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 18 else None
