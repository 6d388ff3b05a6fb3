"""Text no database can store is refused at the door (ASGI middleware).

PostgreSQL text cannot hold NUL characters and no UTF-8 column can hold a lone
surrogate, while JSON and URLs can carry both. Refusing them here, once, gives
the same 400 on SQLite and PostgreSQL for every route instead of a driver
error deep inside one of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressroom.api.errors import error_response

FORM = "application/x-www-form-urlencoded"
# A JSON text can only smuggle NUL or a surrogate in through an escape or a
# non-UTF-8 encoding (UTF-16/32 bodies are full of zero bytes).
SUSPECT_JSON = (b"\\u0000", b"\\ud", b"\\uD", b"\x00")


class TextGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _unstorable_in_url(scope)
        content_type = _content_type(scope)
        if where is None and (is_json(content_type) or content_type == FORM):
            body = await _read_body(receive)
            where = _unstorable_in_body(content_type, body)
            receive = _replay(body, receive)
        if where is not None:
            message = f"{where} contains a NUL character or invalid Unicode; remove it and retry."
            await error_response(400, message)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _content_type(scope: Scope) -> str:
    """The media type without its parameters (``; charset=…``), lower case."""
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    value = headers.get(b"content-type", b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    """``application/json`` and every ``application/…+json``: FastAPI parses them all."""
    kind, _, subtype = media_type.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _unstorable_in_url(scope: Scope) -> str | None:
    if not storable(scope.get("path", "")):
        return "The address"
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "The query string"
    return None


def _unstorable_in_body(content_type: str, body: bytes) -> str | None:
    if is_json(content_type):
        if not any(marker in body for marker in SUSPECT_JSON):
            return None
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON at all: the route answers that itself
        return next(_unstorable_strings(document, ()), None)
    fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    return next((f"Form field '{name}'" for name, value in fields if "\x00" in value), None)


def _unstorable_strings(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    """Where each unstorable string is, as ``'body.storage.value'``."""
    if isinstance(value, str) and not storable(value):
        yield f"'{'.'.join(path)}'" if path else "The request body"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_strings(item, (*path, str(index)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable_strings(key, path)
            yield from _unstorable_strings(item, (*path, key))


def storable(text: str) -> bool:
    """True when every character can go into a UTF-8 text column."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body once, then the client's own channel (so a disconnect is still seen)."""
    sent = False

    async def replaying_receive() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replaying_receive
