"""Who is asking, and what that caller may do in which space."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from pressroom.auth.models import Group, SpacePermission, User, group_members
from pressroom.auth.space_grants import PERMISSIONS


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller: a user, or anonymous (``user_id`` None).

    ``session_key`` identifies the caller's anonymous browser session, when there is one
    (see ``pressroom.auth.cookies.ensure_anonymous_session``); ``method`` says how the
    caller authenticated: session, form (the login form), basic, url, token, or empty
    for anonymous.
    """

    user_id: int | None = None
    username: str | None = None
    is_admin: bool = False
    session_key: str | None = None
    method: str = ""

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @classmethod
    def of(cls, user: User, method: str = "") -> Identity:
        return cls(user_id=user.id, username=user.username, is_admin=user.is_admin, method=method)


ANONYMOUS = Identity()


def _subjects(identity: Identity) -> ColumnElement[bool]:
    """The grant rows that apply to the caller: anonymous grants (a logged-in user never
    sees less than a visitor), the user's own grants and those of the user's groups."""
    anonymous = SpacePermission.subject_type == "anonymous"
    if identity.anonymous:
        return anonymous
    groups = (
        select(Group.name)
        .join(group_members, group_members.c.group_id == Group.id)
        .where(group_members.c.user_id == identity.user_id)
    )
    return or_(
        anonymous,
        and_(
            SpacePermission.subject_type == "user",
            SpacePermission.subject_name == identity.username,
        ),
        and_(SpacePermission.subject_type == "group", SpacePermission.subject_name.in_(groups)),
    )


def _granted(session: Session, identity: Identity, permission: str) -> set[int]:
    statement = select(SpacePermission.space_id).where(
        SpacePermission.permission == permission, _subjects(identity)
    )
    return set(session.scalars(statement))


def visible_space_ids(session: Session, identity: Identity) -> set[int] | None:
    """Ids of the spaces the caller may view; None means every space (administrators)."""
    if identity.is_admin:
        return None
    return _granted(session, identity, "view")


def exportable_space_ids(session: Session, identity: Identity) -> set[int] | None:
    """Ids of the spaces the caller may view and export; None means every space."""
    if identity.is_admin:
        return None
    return _granted(session, identity, "view") & _granted(session, identity, "export")


def space_grants_of(session: Session, identity: Identity, space_id: int) -> frozenset[str]:
    """What the caller may do in the space. A grant without ``view`` means nothing (as in
    Confluence), so the answer is empty unless it holds ``view``; administrators hold all."""
    if identity.is_admin:
        return frozenset(PERMISSIONS)
    statement = select(SpacePermission.permission).where(
        SpacePermission.space_id == space_id, _subjects(identity)
    )
    granted = frozenset(session.scalars(statement))
    return granted if "view" in granted else frozenset()


def can_view_space(session: Session, identity: Identity, space_id: int) -> bool:
    return "view" in space_grants_of(session, identity, space_id)


def can_export_space(session: Session, identity: Identity, space_id: int) -> bool:
    """Export needs both grants: view and export (administrators may do anything)."""
    return "export" in space_grants_of(session, identity, space_id)
