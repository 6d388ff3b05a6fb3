"""``/login`` and ``/logout``: the browser login form (Confluence's field names
``os_username``, ``os_password``, ``os_destination``; the CSRF token is ``atl_token``)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from pressroom.api.deps import AddressDep, ClockDep, DbDep
from pressroom.api.web_support import CONTENT_SECURITY_POLICY
from pressroom.auth.audit import record_event
from pressroom.auth.authenticate import Authenticator
from pressroom.auth.cookies import (
    SESSION_COOKIE,
    clear_session_cookie,
    ensure_anonymous_session,
    set_session_cookie,
)
from pressroom.auth.models import LoginSession
from pressroom.auth.sessions import find_session, revoke_session, session_user, start_session
from pressroom.clock import Clock
from pressroom.db import Database
from pressroom.errors import NotAuthenticated, TooManyRequests
from pressroom.web import templates

router = APIRouter(tags=["login"], include_in_schema=False)

FieldText = Annotated[str, Form(max_length=1024)]
# Where a login without a (safe) destination lands: the dashboard.
HOME = "/"


@dataclass(frozen=True, slots=True)
class BrowserSession:
    token: str
    csrf_token: str
    username: str | None


def safe_destination(value: str | None) -> str:
    """A path on this server to go to after login; anything else (other hosts, schemes,
    ``//host``, backslashes, control characters) becomes ``HOME``."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return HOME
    if "\\" in value or any(ord(char) < 32 or ord(char) == 127 for char in value):
        return HOME
    parts = urlsplit(value)
    return HOME if parts.scheme or parts.netloc else value


def _current(request: Request, db: Database, clock: Clock) -> BrowserSession | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    with db.read() as session:
        row = find_session(session, token, clock())
        if row is None:
            return None
        user = session_user(session, row)
        if row.user_id is not None and user is None:
            return None
        return BrowserSession(token, row.csrf_token, user.username if user else None)


def _form_page(
    request: Request,
    db: Database,
    current: BrowserSession | None,
    status: int,
    **values: str | None,
) -> HTMLResponse:
    """The page for the caller's session; without one, a new anonymous session carries the
    form's CSRF token."""
    if current is not None:
        return _page(request, status, current.csrf_token, username=current.username, **values)
    holder = Response()
    key = ensure_anonymous_session(request, holder)
    with db.read() as session:
        csrf = session.scalar(select(LoginSession.csrf_token).where(LoginSession.token_hash == key))
    assert csrf is not None
    page = _page(request, status, csrf, **values)
    for name, value in holder.raw_headers:
        if name == b"set-cookie":
            page.raw_headers.append((name, value))
    return page


def _page(request: Request, status: int, csrf_token: str, **values: str | None) -> HTMLResponse:
    context = {
        "csrf_token": csrf_token,
        "login_action": request.url_for("post_login").path,
        "logout_action": request.url_for("post_logout").path,
        "destination": "",
        "entered_username": "",
        "message": None,
        "username": None,
        **values,
    }
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


@router.get("/login", response_class=HTMLResponse)
def get_login(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    os_destination: str | None = None,
) -> Response:
    current = _current(request, db, clock)
    return _form_page(request, db, current, 200, destination=safe_destination(os_destination))


def _csrf_matches(current: BrowserSession | None, sent: str) -> bool:
    if current is None or not sent:
        return False
    return hmac.compare_digest(current.csrf_token.encode(), sent.encode())


@router.post("/login", response_class=HTMLResponse)
def post_login(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    address: AddressDep,
    os_username: FieldText = "",
    os_password: FieldText = "",
    atl_token: FieldText = "",
    os_destination: FieldText = "",
) -> Response:
    current = _current(request, db, clock)
    destination = safe_destination(os_destination)
    retry = {"entered_username": os_username, "destination": destination}
    if current is None or not _csrf_matches(current, atl_token):
        message = "The login form expired. Please try again."
        return _form_page(request, db, current, 403, message=message, **retry)
    now = clock()
    authenticator = Authenticator(db, request.app.state.credential_cache, now)
    try:
        identity = authenticator.by_password(os_username, os_password, "form", address)
    except TooManyRequests as exc:
        page = _form_page(request, db, current, 429, message=exc.message, **retry)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except NotAuthenticated as exc:
        return _form_page(request, db, current, 401, message=exc.message, **retry)
    with db.write() as session:
        # A fresh session id at login, so a planted cookie never becomes an account.
        revoke_session(session, current.token)
        issued = start_session(session, identity.user_id, now, address)
    redirect = RedirectResponse(destination, status_code=303)
    set_session_cookie(request, redirect, issued)
    return redirect


@router.post("/logout")
def post_logout(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    address: AddressDep,
    atl_token: FieldText = "",
) -> Response:
    current = _current(request, db, clock)
    if current is None:
        return RedirectResponse("/login", status_code=303)
    if not _csrf_matches(current, atl_token):
        message = "The logout form expired. Please try again."
        return _form_page(request, db, current, 403, message=message)
    with db.write() as session:
        revoke_session(session, current.token)
        if current.username:
            record_event(
                session,
                "logout",
                at=clock(),
                actor=current.username,
                method="session",
                address=address,
            )
    redirect = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, redirect)
    return redirect
