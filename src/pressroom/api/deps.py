"""What every endpoint needs: the database, the caller's identity, paging parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from pressroom.api.urls import origin
from pressroom.auth.credential_cache import CredentialCache
from pressroom.auth.identity import ANONYMOUS, Identity, authenticate_password, parse_basic
from pressroom.config import Settings
from pressroom.db import Database

MAX_LIMIT = 200


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_identity(request: Request, db: Annotated[Database, Depends(get_db)]) -> Identity:
    """The caller from HTTP Basic credentials, else anonymous."""
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    credentials = parse_basic(header)
    if credentials is None:
        return ANONYMOUS
    cache: CredentialCache = request.app.state.credential_cache
    known = cache.get(*credentials)
    if known is not None:
        return known
    with db.read() as session:
        identity = authenticate_password(session, *credentials)
    cache.put(*credentials, identity)
    return identity


def get_origin(request: Request) -> str:
    return origin(request)


@dataclass(frozen=True, slots=True)
class Paging:
    start: int
    limit: int


def get_paging(
    start: Annotated[int, Query(ge=0, le=1_000_000, description="Index of the first result")] = 0,
    limit: Annotated[int, Query(ge=1, description="Results per page (at most 200)")] = 25,
) -> Paging:
    return Paging(start=start, limit=min(limit, MAX_LIMIT))


DbDep = Annotated[Database, Depends(get_db)]
IdentityDep = Annotated[Identity, Depends(get_identity)]
OriginDep = Annotated[str, Depends(get_origin)]
PagingDep = Annotated[Paging, Depends(get_paging)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
