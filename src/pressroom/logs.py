"""Structured logging: one ``key=value`` line per event, never a secret."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("pressroom.access")


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True
    )


class AccessLogMiddleware:
    """Logs method, path, status and duration. The query string is left out on
    purpose: it can carry ``os_password``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            access_log.info(
                "request method=%s path=%s status=%s ms=%.1f",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
