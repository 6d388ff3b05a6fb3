"""Absolute URLs: the configured base URL, else the request's own origin."""

from __future__ import annotations

from fastapi import Request

from pressroom.config import Settings


def origin(request: Request) -> str:
    """``scheme://host[:port]`` clients should use, honouring trusted proxies' X-Forwarded-*."""
    settings: Settings = request.app.state.settings
    if settings.base_url:
        return settings.base_url
    scheme = request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    peer = request.client.host if request.client else ""
    if peer in settings.trusted_proxies:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    return f"{scheme}://{host}"
