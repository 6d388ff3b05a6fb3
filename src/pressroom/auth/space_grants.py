"""A space's permissions as one document:
``{"anonymous": [...], "users": {name: [...]}, "groups": {name: [...]}}``.

The grants, as Confluence has them: ``view``; ``edit`` (create and update pages and blog
posts, labels); ``attach`` (add and replace attachments); ``delete`` (trash, restore and
purge pages, blog posts and attachments); ``export``; ``admin`` (the space's permissions
and templates). Every grant needs ``view`` to mean anything (see
``pressroom.auth.identity.space_grants_of``); anonymous users may hold only ``view`` and
``export``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pressroom.auth.models import Group, SpacePermission, User
from pressroom.errors import InvalidInput

PERMISSIONS = ("view", "edit", "attach", "delete", "export", "admin")
ANONYMOUS_PERMISSIONS = ("view", "export")


@dataclass(slots=True)
class SpaceGrants:
    anonymous: list[str] = field(default_factory=list)
    users: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)

    def rows(self) -> set[tuple[str, str, str]]:
        """(subject_type, subject_name, permission) triples."""
        triples = {("anonymous", "", p) for p in self.anonymous}
        triples |= {("user", n, p) for n, perms in self.users.items() for p in perms}
        triples |= {("group", n, p) for n, perms in self.groups.items() for p in perms}
        return triples


def read_grants(session: Session, space_id: int) -> SpaceGrants:
    grants = SpaceGrants()
    statement = select(SpacePermission).where(SpacePermission.space_id == space_id)
    for row in session.scalars(statement):
        if row.subject_type == "anonymous":
            grants.anonymous.append(row.permission)
        elif row.subject_type == "user":
            grants.users.setdefault(row.subject_name, []).append(row.permission)
        elif row.subject_type == "group":
            grants.groups.setdefault(row.subject_name, []).append(row.permission)
    return _sorted(grants)


def _sorted(grants: SpaceGrants) -> SpaceGrants:
    def order(perms: list[str]) -> list[str]:
        return sorted(set(perms), key=PERMISSIONS.index)

    return SpaceGrants(
        anonymous=order(grants.anonymous),
        users={k: order(v) for k, v in sorted(grants.users.items()) if v},
        groups={k: order(v) for k, v in sorted(grants.groups.items()) if v},
    )


def replace_grants(session: Session, space_id: int, grants: SpaceGrants) -> SpaceGrants:
    """Make the space's permissions exactly ``grants``; unknown users, groups or
    permission names are a 400 and change nothing."""
    _check(session, grants)
    session.execute(delete(SpacePermission).where(SpacePermission.space_id == space_id))
    for subject_type, subject_name, permission in sorted(grants.rows()):
        session.add(
            SpacePermission(
                space_id=space_id,
                subject_type=subject_type,
                subject_name=subject_name,
                permission=permission,
            )
        )
    session.flush()
    return read_grants(session, space_id)


def _check(session: Session, grants: SpaceGrants) -> None:
    unknown = {p for _, _, p in grants.rows()} - set(PERMISSIONS)
    if unknown:
        names = ", ".join(repr(p) for p in PERMISSIONS)
        raise InvalidInput(f"Unknown permission {sorted(unknown)[0]!r}; use {names}.")
    refused = sorted(set(grants.anonymous) - set(ANONYMOUS_PERMISSIONS), key=PERMISSIONS.index)
    if refused:
        raise InvalidInput(
            f"Anonymous users may only be granted 'view' and 'export', not {refused[0]!r}: "
            "grant it to users or groups instead."
        )
    if grants.users:
        known = set(session.scalars(select(User.username).where(User.username.in_(grants.users))))
        missing = sorted(set(grants.users) - known)
        if missing:
            raise InvalidInput(f"No user {missing[0]} exists.")
    if grants.groups:
        known = set(session.scalars(select(Group.name).where(Group.name.in_(grants.groups))))
        missing = sorted(set(grants.groups) - known)
        if missing:
            raise InvalidInput(f"No group {missing[0]} exists.")
