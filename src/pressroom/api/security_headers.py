"""Headers every answer gets from one place (ASGI middleware), whichever route made it.

* Any ``text/html`` answer (pages, HTML error pages, the API docs) may not be framed by
  another site: ``X-Frame-Options: DENY`` and ``Content-Security-Policy: frame-ancestors
  'none'`` (added to a policy the route set, if it lacks the directive).
* ``Cache-Control: private, no-store`` on every answer to a request that carries
  credentials (``Authorization``, the session cookie, ``os_password``), and on every file
  download (``Content-Disposition: attachment``: exports, export-sync, templates,
  attachments), so no shared cache or browser disk keeps a user's data. A route that sets
  ``Cache-Control`` itself keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.auth.cookies import SESSION_COOKIE

NO_FRAMING = "frame-ancestors 'none'"
PRIVATE = "private, no-store"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credentials = carries_credentials(Request(scope))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").lower().startswith("text/html"):
                    _forbid_framing(headers)
                if "cache-control" not in headers and (credentials or _is_download(headers)):
                    headers["Cache-Control"] = PRIVATE
            await send(message)

        await self.app(scope, receive, send_with_headers)


def carries_credentials(request: Request) -> bool:
    return (
        "authorization" in request.headers
        or SESSION_COOKIE in request.cookies
        or "os_password" in request.query_params
    )


def _forbid_framing(headers: MutableHeaders) -> None:
    headers["X-Frame-Options"] = "DENY"
    policy = headers.get("content-security-policy")
    if policy is None:
        headers["Content-Security-Policy"] = NO_FRAMING
    elif "frame-ancestors" not in policy.lower():
        headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; {NO_FRAMING}"


def _is_download(headers: MutableHeaders) -> bool:
    return headers.get("content-disposition", "").lower().startswith("attachment")
