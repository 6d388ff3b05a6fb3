"""What every browser page needs: its HTML error pages, the form's CSRF token, the
caller's name for the header, and one way to render a template.

Page routes use :class:`HtmlPageRoute`: whatever a page route raises (a domain error, a
bad parameter, a bug) answers as an HTML page with the same status the REST API would
give, while API routes keep answering JSON (api/errors.py).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from pressroom import errors
from pressroom.api.errors import STATUS_OF, describe_validation
from pressroom.auth.cookies import SESSION_COOKIE, ensure_anonymous_session, request_clock
from pressroom.auth.identity import Identity
from pressroom.auth.models import LoginSession
from pressroom.auth.sessions import find_session
from pressroom.db import Database
from pressroom.web import templates

log = logging.getLogger("pressroom.web")

# Scripts only from this server (htmx and ours); styles of our stylesheet, plus the style
# attributes the HTML writer sets from checked values (colours, widths).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at a page, as the header shows them, and their form token."""

    identity: Identity
    csrf_token: str

    @property
    def username(self) -> str | None:
        return self.identity.username


def browser_csrf_token(request: Request, db: Database, response: Response | None) -> str:
    """The CSRF token of the caller's browser session. A visitor without one gets an
    anonymous session (its cookie set on ``response``) so that forms work for them too."""
    token = request.cookies.get(SESSION_COOKIE, "")
    now = request_clock(request)()
    if token:
        with db.read() as session:
            row = find_session(session, token, now)
            if row is not None:
                return row.csrf_token
    if response is None:
        return ""
    key = ensure_anonymous_session(request, response)
    with db.read() as session:
        csrf = session.scalar(select(LoginSession.csrf_token).where(LoginSession.token_hash == key))
    return csrf or ""


def check_csrf(request: Request, db: Database, identity: Identity, sent: str) -> None:
    """Refuse a form post of a logged-in browser session whose token is not the
    session's. Callers who authenticate each request themselves (Basic, a bearer token)
    are checked as the REST API checks them; visitors have no account to act for."""
    if identity.anonymous or identity.method != "session":
        return
    expected = browser_csrf_token(request, db, None)
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise errors.PermissionDenied(
            "The form expired or did not come from this site. Reload the page and try again."
        )


def render(
    request: Request,
    name: str,
    viewer: Viewer,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        name,
        {"viewer": viewer, "csrf_token": viewer.csrf_token, **context},
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


def page_viewer(request: Request, identity: Identity, response: Response) -> Viewer:
    """The viewer of a page; the CSRF token comes from (or starts) the browser session."""
    db: Database = request.app.state.db
    return Viewer(identity, browser_csrf_token(request, db, response))


def with_cookies(page: Response, holder: Response) -> Response:
    """``page`` carrying the cookies set on ``holder`` (a new anonymous session)."""
    page.raw_headers.extend(h for h in holder.raw_headers if h[0] == b"set-cookie")
    return page


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    login = None
    if status == 401:
        login = f"/login?os_destination={quote(request.url.path + _query(request), safe='')}"
    context = {
        "status": status,
        "reason": HTTPStatus(status).phrase,
        "message": message,
        "login_url": login,
    }
    response = templates.TemplateResponse(request, "error.html", context, status_code=status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _query(request: Request) -> str:
    return f"?{request.url.query}" if request.url.query else ""


def _status_for(exc: errors.PressroomError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


def html_error(request: Request, exc: Exception) -> HTMLResponse:
    """The HTML page for whatever a page route raised."""
    if isinstance(exc, errors.PressroomError):
        page = error_page(request, _status_for(exc), exc.message)
        if isinstance(exc, errors.TooManyRequests):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if isinstance(exc, RequestValidationError):
        return error_page(request, 400, describe_validation(exc.errors()))
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return error_page(request, exc.status_code, detail)
    log.exception("unexpected error method=%s path=%s", request.method, request.url.path)
    return error_page(request, 500, "The server failed to show this page; see its log.")


class HtmlPageRoute(APIRoute):
    """A browser page: errors answer as HTML pages, never as JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return html_error(request, exc)

        return handle


def wants_html(request: Request) -> bool:
    """For addresses no route serves: does the client prefer a page to JSON?"""
    if request.url.path.startswith(("/rest/", "/plugins/", "/download/")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept
