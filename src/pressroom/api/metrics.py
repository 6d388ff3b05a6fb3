"""``/metrics`` for Prometheus, and the middleware that counts HTTP requests.

Scraped by an administrator's credentials (a token), or, when
``PRESSROOM_METRICS_ADDRESS`` is set, only on that separate listener without login
(``pressroom serve`` starts it); the main port then answers 404 for ``/metrics``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.routing import BaseRoute
from starlette.types import Scope

from pressroom import metrics
from pressroom.api.deps import SettingsDep, require_admin
from pressroom.auth.identity import Identity
from pressroom.errors import NotFound
from pressroom.logs import RequestObserver

router = APIRouter(tags=["system"])
UNMATCHED = "unmatched"


@router.get("/metrics", response_class=Response)
async def prometheus_metrics(
    request: Request,
    settings: SettingsDep,
    _admin: Annotated[Identity, Depends(require_admin)],
) -> Response:
    """Metrics in the Prometheus text format (administrators only)."""
    if settings.metrics_address:
        raise NotFound(
            f"Metrics are served on PRESSROOM_METRICS_ADDRESS ({settings.metrics_address}), "
            "not on this port."
        )
    gauges = metrics.cluster_gauges(request.app.state.db, request.app.state.queue.pending)
    body = await run_in_threadpool(metrics.scrape, gauges)
    return Response(body, media_type=metrics.CONTENT_TYPE)


class HttpMetricsMiddleware(RequestObserver):
    """Counts each request by method, route template (``/rest/api/content/{id}``, never
    the raw path) and status, and observes its latency."""

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        route = _template(scope.get("route"))
        method = scope["method"]
        metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
        metrics.HTTP_LATENCY.labels(method, route).observe(seconds)


def _template(route: BaseRoute | None) -> str:
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED
