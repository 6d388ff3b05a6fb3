"""Start-up: the home directory, migrations, and the bootstrap administrator."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select

from pressroom.auth.models import User
from pressroom.auth.passwords import hash_password
from pressroom.config import Settings
from pressroom.db import START_LOCK_KEY, Database, wait_for_cluster_lock

log = logging.getLogger("pressroom.bootstrap")


def bootstrap(settings: Settings, db: Database) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.attachments_dir.mkdir(parents=True, exist_ok=True)
    db.migrate()
    ensure_admin(settings, db)


def ensure_admin(settings: Settings, db: Database) -> None:
    """Create ``admin`` on first start. Its password comes from PRESSROOM_ADMIN_PASSWORD;
    if unset, one is generated and printed once. A set password is applied at every start."""
    with db.write() as session:
        wait_for_cluster_lock(session, START_LOCK_KEY)
        admin = session.scalar(select(User).where(User.username == "admin"))
        if admin is None:
            password = settings.admin_password or secrets.token_urlsafe(12)
            session.add(
                User(
                    username="admin",
                    full_name="Administrator",
                    email="admin@localhost",
                    password_hash=hash_password(password),
                    is_admin=True,
                )
            )
            if not settings.admin_password:
                print(f"Pressroom: created user 'admin' with password: {password}", flush=True)
        elif settings.admin_password:
            admin.password_hash = hash_password(settings.admin_password)
