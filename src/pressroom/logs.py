"""Structured logging: one ``key=value`` line per event, never a secret.

Logged values come from clients (usernames, paths, URLs), so control characters in them
are escaped in one place, the formatter: a newline in a username cannot forge a line.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("pressroom.access")

LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Traceback lines follow their record indented, so no line of them can pass for a record.
CONTINUATION = "  | "


def escape_control(text: str) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``…)."""
    return CONTROL.sub(lambda found: _escape(found.group()), text)


def _escape(char: str) -> str:
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class EscapingFormatter(logging.Formatter):
    """Formats each record as one line whatever its values hold; an exception's
    traceback follows on indented lines."""

    def format(self, record: logging.LogRecord) -> str:
        safe = copy.copy(record)
        safe.msg, safe.args = escape_control(record.getMessage()), None
        first, *rest = super().format(safe).split("\n")
        return "\n".join([first, *(CONTINUATION + escape_control(line) for line in rest)])


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Every record of the process (Pressroom's, Uvicorn's, libraries') goes through one
    ``EscapingFormatter`` on standard error, or ``stream``."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter(LINE_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)


class RequestObserver:
    """ASGI middleware that hands each HTTP request's scope, final status and duration
    to ``finished``; the access log and the request metrics are two of them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        raise NotImplementedError

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
            self.finished(scope, status, time.perf_counter() - started)


class AccessLogMiddleware(RequestObserver):
    """Logs method, path, status and duration. The query string is left out on
    purpose: it can carry ``os_password``."""

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        access_log.info(
            "request method=%s path=%s status=%s ms=%.1f",
            scope["method"],
            scope["path"],
            status,
            seconds * 1000,
        )
