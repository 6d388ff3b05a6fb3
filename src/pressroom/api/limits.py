"""Request body limits, enforced while the body streams in (ASGI middleware).

The limit belongs to the route, not to what the client says it sends: only routes whose
OpenAPI request body offers ``multipart/form-data`` (attachment and template uploads) take
uploads up to ``upload_limit``; a multipart body anywhere else is refused before a byte of
it is read, and every other body gets ``body_limit``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.api.errors import error_body

MULTIPART_OVERHEAD = 64 * 1024
MULTIPART = "multipart/form-data"
BROWSER_UPLOAD = "x-pressroom-browser-upload"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` so FastAPI's body parsing passes it on as an HTTP error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


class UploadRoutes:
    """Which routes take multipart uploads, as their OpenAPI request bodies declare.
    ``routes`` are the routers' own routes in the order the app includes them (the first
    full match answers, as in routing); the table is made at the first request."""

    def __init__(self, routes: Sequence[BaseRoute], openapi: Callable[[], dict[str, Any]]):
        self._routes = routes
        self._openapi = openapi
        self._table: list[tuple[BaseRoute, bool]] | None = None

    def takes_upload(self, scope: Scope) -> bool:
        """Whether the route that will answer ``scope`` takes ``multipart/form-data``."""
        if self._table is None:
            self._table = self._build()
        for route, upload in self._table:
            if route.matches(scope)[0] == Match.FULL:
                return upload
        return False

    def _build(self) -> list[tuple[BaseRoute, bool]]:
        paths = self._openapi().get("paths", {})
        table = []
        for route in self._routes:
            upload = False
            if isinstance(route, Route):
                # Browser forms are left out of the OpenAPI document; they say so here.
                extra = getattr(route, "openapi_extra", None) or {}
                upload = bool(extra.get(BROWSER_UPLOAD))
                operations = paths.get(route.path_format, {})
                for method in route.methods or ():
                    body = operations.get(method.lower(), {}).get("requestBody", {})
                    upload = upload or MULTIPART in body.get("content", {})
            table.append((route, upload))
        return table


class BodyLimitMiddleware:
    """413 for bodies over the limit: multipart bodies to upload routes get
    ``upload_limit``, other bodies ``body_limit``; 415 for multipart bodies elsewhere."""

    def __init__(
        self, app: ASGIApp, body_limit: int, upload_limit: int, upload_routes: UploadRoutes
    ) -> None:
        self.app = app
        self.body_limit = body_limit
        self.upload_limit = upload_limit + MULTIPART_OVERHEAD
        self.upload_routes = upload_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        if limit is None:
            await _send_error(send, 415, "This endpoint takes JSON, not multipart/form-data.")
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_error(send, 413, _too_large(limit))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _send_error(send, 413, _too_large(limit))

    def _limit_for(self, scope: Scope) -> int | None:
        """The route's limit for this body; None when the route refuses multipart."""
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if not content_type.lstrip().startswith("multipart/"):
            return self.body_limit
        return self.upload_limit if self.upload_routes.takes_upload(scope) else None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit} bytes."


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps(error_body(status, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
