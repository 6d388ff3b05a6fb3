"""Spaces: create, find, list."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, visible_space_ids
from pressroom.auth.models import SpacePermission
from pressroom.auth.space_access import require_grant
from pressroom.auth.space_grants import ANONYMOUS_PERMISSIONS, PERMISSIONS
from pressroom.content.models import Space
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound

SPACE_KEY = re.compile(r"^[A-Za-z0-9]{1,255}$")


def find_space(session: Session, identity: Identity, key: str) -> Space:
    """The space with ``key``, if the caller may view it."""
    space = session.scalar(select(Space).where(Space.key == key))
    visible = visible_space_ids(session, identity)
    if space is None or (visible is not None and space.id not in visible):
        if identity.anonymous:
            raise NotAuthenticated("Log in to see this space, or ask for anonymous access to it.")
        raise NotFound(f"No space with key {key} exists or you may not view it.")
    return space


def administered_space(session: Session, identity: Identity, key: str) -> Space:
    """The space with ``key``, if the caller holds its 'admin' grant (or is a site admin)."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to see or change the permissions of a space.")
    space = find_space(session, identity, key)
    require_grant(session, identity, space, "admin", "see or change its permissions")
    return space


def list_spaces(
    session: Session, identity: Identity, start: int, limit: int, keys: list[str] | None = None
) -> tuple[list[Space], int]:
    query = select(Space)
    visible = visible_space_ids(session, identity)
    if visible is not None:
        query = query.where(Space.id.in_(visible))
    if keys:
        query = query.where(Space.key.in_(keys))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    spaces = session.scalars(query.order_by(Space.key).offset(start).limit(limit)).all()
    return list(spaces), total


def create_space(
    session: Session,
    identity: Identity,
    key: str,
    name: str,
    description: str = "",
    anonymous_view: bool = False,
) -> Space:
    """A new space; its creator gets every grant on it, anonymous users ``view`` and
    ``export`` with ``anonymous_view``."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to create a space.")
    if not SPACE_KEY.match(key):
        raise InvalidInput("The space key must be 1 to 255 letters or digits, e.g. DOCS.")
    if not name.strip():
        raise InvalidInput("The space name must not be empty.")
    if session.scalar(select(Space.id).where(func.lower(Space.key) == key.lower())):
        raise Conflict(f"A space with key {key} already exists.")
    space = Space(key=key, name=name.strip(), description=description, creator_id=identity.user_id)
    space.permissions = [
        SpacePermission(subject_type="user", subject_name=identity.username, permission=grant)
        for grant in PERMISSIONS
    ]
    if anonymous_view:
        space.permissions += [
            SpacePermission(subject_type="anonymous", permission=grant)
            for grant in ANONYMOUS_PERMISSIONS
        ]
    session.add(space)
    session.flush()
    return space
