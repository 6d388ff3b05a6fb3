"""What every endpoint needs: the database, the caller's identity, paging parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from pressroom.api.urls import origin
from pressroom.auth.authenticate import Authenticator, Credentials
from pressroom.auth.cookies import SESSION_COOKIE, request_clock
from pressroom.auth.identity import Identity
from pressroom.clock import Clock
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.errors import NotAuthenticated, PermissionDenied

MAX_LIMIT = 200


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address: the peer, or, behind trusted proxies, the nearest untrusted
    address of X-Forwarded-For."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else ""
    if peer not in settings.trusted_proxies:
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if address not in settings.trusted_proxies:
            return address[:64]
    return peer


def get_clock(request: Request) -> Clock:
    return request_clock(request)


def get_identity(request: Request, db: Annotated[Database, Depends(get_db)]) -> Identity:
    """The caller, from a bearer token, HTTP Basic, URL parameters or the session cookie."""
    authenticator = Authenticator(db, request.app.state.credential_cache, request_clock(request)())
    settings = authenticator.load_settings()
    request.state.basic_auth_enabled = settings.basicAuthEnabled
    query = request.query_params
    credentials = Credentials(
        address=client_address(request),
        authorization=request.headers.get("authorization"),
        url_username=query.get("os_username"),
        url_password=query.get("os_password"),
        session_token=request.cookies.get(SESSION_COOKIE),
    )
    identity = authenticator.identify(credentials, settings)
    if identity.method == "session" and not identity.anonymous:
        _refuse_cross_site(request)
    return identity


def _refuse_cross_site(request: Request) -> None:
    """A cookie-authenticated change must come from our own pages (SameSite=Lax already
    keeps the cookie off most cross-site requests; this closes the rest). ``Origin: null``
    (sandboxed frames, data: URLs, some redirects) is an origin that is not ours."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get("origin")
    if sent is not None and sent.rstrip("/") != origin(request):
        raise PermissionDenied("Cross-site requests may not use the session cookie.")


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
ClockDep = Annotated[Clock, Depends(get_clock)]
AddressDep = Annotated[str, Depends(client_address)]


def require_user(identity: IdentityDep) -> Identity:
    if identity.anonymous:
        raise NotAuthenticated("Log in first: this needs a user account.")
    return identity


def require_admin(identity: IdentityDep) -> Identity:
    if identity.anonymous:
        raise NotAuthenticated("Log in as an administrator.")
    if not identity.is_admin:
        raise PermissionDenied("Only administrators may do this.")
    return identity


UserDep = Annotated[Identity, Depends(require_user)]
AdminDep = Annotated[Identity, Depends(require_admin)]


XSRF_HEADER = "x-atlassian-token"
XSRF_VALUES = frozenset({"no-check", "nocheck"})


def require_xsrf_token(request: Request) -> None:
    """Confluence refuses multipart posts without ``X-Atlassian-Token: no-check``."""
    if request.headers.get(XSRF_HEADER, "").strip().lower() not in XSRF_VALUES:
        raise PermissionDenied(
            "XSRF check failed: send the header 'X-Atlassian-Token: no-check' with uploads."
        )
