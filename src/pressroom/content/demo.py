"""The DEMO space (placeholder until the demo content lands)."""

from __future__ import annotations

from pressroom.config import Settings
from pressroom.db import Database


def seed_demo(settings: Settings, db: Database) -> None:
    """Seed the DEMO space idempotently."""
