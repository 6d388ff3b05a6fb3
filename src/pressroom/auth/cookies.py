"""The cookies Pressroom sets: the session cookie and the node-affinity cookie.

``ensure_anonymous_session`` is what export endpoints call for anonymous callers, so that
status and download of an anonymous job can require the cookie that started it.
"""

from __future__ import annotations

import re
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.api.urls import origin
from pressroom.auth.sessions import IssuedSession, find_session, start_session
from pressroom.clock import Clock, utcnow
from pressroom.db import Database

SESSION_COOKIE = "PRESSROOM_SESSION"
NODE_COOKIE = "PRESSROOM_NODE"


def request_clock(request: Request) -> Clock:
    """``app.state.clock`` when a test injected one, else the real time."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock


def served_over_https(request: Request) -> bool:
    return origin(request).startswith("https://")


def set_session_cookie(request: Request, response: Response, issued: IssuedSession) -> None:
    # A browser-session cookie: the server decides expiry (sliding, see sessions.py), so a
    # cookie date would only cut active sessions short.
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=served_over_https(request),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=served_over_https(request),
    )


def ensure_anonymous_session(request: Request, response: Response) -> str:
    """The key of the caller's anonymous session: the one its cookie names, or a new one
    whose cookie is set on ``response``. Export jobs store this key as their owner.

    It touches the database: call it from a sync endpoint or a worker thread."""
    db: Database = request.app.state.db
    now: datetime = request_clock(request)()
    token = request.cookies.get(SESSION_COOKIE, "")
    with db.write() as session:
        row = find_session(session, token, now) if token else None
        if row is not None and row.user_id is None:
            return row.token_hash
        address = request.client.host if request.client else ""
        issued = start_session(session, None, now, address)
    set_session_cookie(request, response, issued)
    return issued.key


class NodeAffinityMiddleware:
    """Adds ``PRESSROOM_NODE=<node id>`` to every response, for cookie-sticky balancers."""

    def __init__(self, app: ASGIApp, node_id: str) -> None:
        self.app = app
        value = re.sub(r"[^A-Za-z0-9._-]", "-", node_id)[:128]
        self.header = f"{NODE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", self.header)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
