"""``/rest/api/user``: the current user and look-up by username."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from pressroom.api.confluence_json import user_json
from pressroom.api.deps import DbDep, IdentityDep, OriginDep
from pressroom.auth.models import User
from pressroom.errors import InvalidInput, NotAuthenticated, NotFound

router = APIRouter(prefix="/rest/api/user", tags=["users"])


@router.get("/current")
def current_user(db: DbDep, identity: IdentityDep, base: OriginDep) -> dict[str, Any]:
    if identity.anonymous:
        return user_json(None, base)
    with db.read() as session:
        return user_json(session.get(User, identity.user_id), base)


@router.get("")
def find_user(
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    username: Annotated[str | None, Query(max_length=255)] = None,
    key: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    if identity.anonymous:
        raise NotAuthenticated("Log in to look up users.")
    if not username and not key:
        raise InvalidInput("Give 'username' or 'key'.")
    with db.read() as session:
        condition = User.username == username if username else User.user_key == key
        user = session.scalar(select(User).where(condition))
        if user is None:
            raise NotFound(f"No user {username or key} exists.")
        return user_json(user, base)
