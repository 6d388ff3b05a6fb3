"""The FastAPI application: routers, error handling, limits, start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI

from pressroom import __version__
from pressroom.api import (
    admin,
    attachments,
    content,
    exporter,
    labels,
    login,
    metrics,
    openapi_docs,
    page_info,
    pat,
    search,
    space_permissions,
    spaces,
    system,
    templates,
    users,
    versions,
    web,
    web_admin,
    web_edit,
    web_manage,
)
from pressroom.api.errors import install_error_handlers
from pressroom.api.limits import BodyLimitMiddleware, UploadRoutes
from pressroom.api.security_headers import SecurityHeadersMiddleware
from pressroom.api.text_guard import TextGuardMiddleware
from pressroom.auth.cookies import NodeAffinityMiddleware
from pressroom.auth.credential_cache import CredentialCache
from pressroom.bootstrap import bootstrap
from pressroom.clock import Clock, utcnow
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.jobs.sweeper import Sweeper
from pressroom.jobs.webhooks import WebhookDispatcher, WebhookPolicy
from pressroom.jobs.worker import build_export_queue
from pressroom.logs import AccessLogMiddleware
from pressroom.metrics import MetricsListener, cluster_gauges

ROUTERS = (
    system.router,
    metrics.router,
    spaces.router,
    content.router,
    attachments.router,
    users.router,
    labels.router,
    search.router,
    page_info.router,
    exporter.router,
    exporter.pdf_router,
    templates.router,
    templates.pdf_router,
    openapi_docs.router,
    login.router,
    pat.router,
    admin.router,
    space_permissions.router,
    versions.router,
    web.router,
    web_edit.router,
    web_manage.router,
    web_admin.router,
)


@dataclass(frozen=True, slots=True)
class _Intervals:
    """Seconds between rounds of the background threads (tests make them long, to run
    rounds themselves)."""

    sweep: float
    webhooks: float


class Companion(Protocol):
    """Something that runs beside the API for as long as it serves (export workers)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    clock: Clock = utcnow,
    sweep_interval: float | None = None,
    companions: Sequence[Companion] = (),
    webhook_interval: float = 1.0,
) -> FastAPI:
    """The app for ``settings``; migrations and the bootstrap admin run at start-up.
    Export jobs go to the queue; workers (``pressroom worker``) render them."""
    settings = settings or Settings()
    database = db or Database(settings.resolved_database_url)

    queue = build_export_queue(settings, database, clock)
    listener = None
    if settings.metrics_address:
        gauges = cluster_gauges(database, queue.pending)
        listener = MetricsListener(settings.metrics_address, gauges)
        companions = [listener, *companions]
    sweep = settings.sweep_seconds if sweep_interval is None else sweep_interval
    intervals = _Intervals(sweep=sweep, webhooks=webhook_interval)
    lifespan = _lifespan(settings, database, clock, intervals, companions, db is None)
    app = FastAPI(
        title="Pressroom",
        version=__version__,
        description="Documentation export server, wire-compatible with the Scroll exporter APIs.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.credential_cache = CredentialCache()
    app.state.clock = clock
    app.state.queue = queue
    app.state.metrics_listener = listener
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(TextGuardMiddleware)
    app.add_middleware(versions.LatestAlias)
    app.add_middleware(
        BodyLimitMiddleware,
        body_limit=settings.max_body_bytes,
        upload_limit=settings.max_upload_bytes,
        upload_routes=UploadRoutes([route for r in ROUTERS for route in r.routes], app.openapi),
    )
    app.add_middleware(NodeAffinityMiddleware, node_id=settings.node_id)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(metrics.HttpMetricsMiddleware)
    return app


def _lifespan(
    settings: Settings,
    database: Database,
    clock: Clock,
    intervals: _Intervals,
    companions: Sequence[Companion],
    owns_database: bool,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up: migrations, the bootstrap admin, the sweeper, webhooks, companions."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bootstrap(settings, database)
        sweeper = Sweeper(settings, database, clock, interval=intervals.sweep)
        policy = WebhookPolicy(settings.webhook_allow)
        webhooks = WebhookDispatcher(database, policy, clock, interval=intervals.webhooks)
        app.state.webhooks = webhooks
        sweeper.start()
        webhooks.start()
        for companion in companions:
            companion.start()
        yield
        # Stopped here rather than after the server returns: Uvicorn re-raises the
        # stop signal once it has shut down, so code after it may never run.
        for companion in companions:
            companion.stop()
        webhooks.stop()
        sweeper.stop()
        if owns_database:
            database.dispose()

    return lifespan
