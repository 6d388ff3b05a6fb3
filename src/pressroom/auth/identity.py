"""Who is asking: resolving credentials to a user, and what that user may see."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.auth.models import SpacePermission, User
from pressroom.auth.passwords import verify_password
from pressroom.errors import NotAuthenticated


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller: a user, or anonymous (``user_id`` None)."""

    user_id: int | None = None
    username: str | None = None
    is_admin: bool = False
    session_key: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @classmethod
    def of(cls, user: User) -> Identity:
        return cls(user_id=user.id, username=user.username, is_admin=user.is_admin)


ANONYMOUS = Identity()


def parse_basic(header: str) -> tuple[str, str] | None:
    """``Basic base64(user:password)`` → (user, password); None when not Basic."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise NotAuthenticated(
            "The Basic credentials are not valid base64 of user:password."
        ) from exc
    username, sep, password = decoded.partition(":")
    if not sep:
        raise NotAuthenticated("The Basic credentials must have the form user:password.")
    return username, password


def authenticate_password(session: Session, username: str, password: str) -> Identity:
    user = session.scalar(select(User).where(User.username == username))
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        raise NotAuthenticated("The username or password is wrong.")
    return Identity.of(user)


def visible_space_ids(session: Session, identity: Identity) -> set[int] | None:
    """Ids of the spaces the caller may view; None means every space."""
    if not identity.anonymous:
        return None
    rows = session.scalars(
        select(SpacePermission.space_id).where(
            SpacePermission.subject_type == "anonymous", SpacePermission.permission == "view"
        )
    )
    return set(rows)


def can_view_space(session: Session, identity: Identity, space_id: int) -> bool:
    visible = visible_space_ids(session, identity)
    return visible is None or space_id in visible
