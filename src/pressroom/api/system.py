"""``/status``: liveness as Confluence answers it, plus our version and node id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from pressroom import __version__
from pressroom.api.deps import DbDep, SettingsDep

router = APIRouter(tags=["system"])


@router.get("/status")
def status(db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return {"state": "RUNNING", "version": __version__, "nodeId": settings.node_id}
