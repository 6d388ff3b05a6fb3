"""``/status``: liveness as Confluence answers it, plus our version and node id;
``/ready``: readiness for load balancers (the database and the queue answer)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from pressroom import __version__
from pressroom.api.deps import DbDep, SettingsDep
from pressroom.db import Database
from pressroom.jobs.queue import ExportQueue

router = APIRouter(tags=["system"])
log = logging.getLogger("pressroom.system")


@router.get("/status")
def status(db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return {"state": "RUNNING", "version": __version__, "nodeId": settings.node_id}


@router.get(
    "/ready",
    responses={503: {"description": "Not ready: the reason is in `message`"}},
)
async def ready(request: Request, db: DbDep, settings: SettingsDep) -> JSONResponse:
    """200 when this node can serve: the database and the job queue answer; 503 with
    the reason otherwise. (A stopping node closes its port: checks fail to connect.)"""
    checks = {
        "database": await run_in_threadpool(_database_problem, db),
        "queue": await run_in_threadpool(_queue_problem, request.app.state.queue),
    }
    problems = {name: problem for name, problem in checks.items() if problem}
    body: dict[str, Any] = {
        "ready": not problems,
        "nodeId": settings.node_id,
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    if problems:
        body["message"] = "Not ready: " + "; ".join(
            f"{name}: {problem}" for name, problem in problems.items()
        )
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


def _database_problem(db: Database) -> str | None:
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("readiness database=%s", type(exc).__name__)
        return f"the database does not answer ({type(exc).__name__})"
    return None


def _queue_problem(queue: ExportQueue) -> str | None:
    try:
        queue.pending()
    except Exception as exc:
        log.warning("readiness queue=%s", type(exc).__name__)
        return f"the job queue does not answer ({type(exc).__name__})"
    return None
