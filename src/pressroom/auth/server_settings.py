"""Settings an administrator changes at run time (stored in the database, so every node
agrees): which authentication methods are on."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.auth.models import ServerSetting


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Field names are the JSON keys of ``/rest/pressroom/1/admin/settings``."""

    basicAuthEnabled: bool = True  # noqa: N815  (the REST names)
    urlParamAuthEnabled: bool = False  # noqa: N815

    def as_json(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


SETTING_NAMES = frozenset(field.name for field in fields(ServerSettings))


def load_settings(session: Session) -> ServerSettings:
    stored = {row.key: json.loads(row.value) for row in session.scalars(select(ServerSetting))}
    return ServerSettings(**{k: v for k, v in stored.items() if k in SETTING_NAMES})


def save_settings(session: Session, changes: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` (known names only); returns {name: (old, new)} of what changed."""
    current = load_settings(session)
    updated = replace(current, **changes)
    changed: dict[str, tuple[Any, Any]] = {}
    for name in changes:
        old, new = getattr(current, name), getattr(updated, name)
        if old == new:
            continue
        changed[name] = (old, new)
        row = session.get(ServerSetting, name)
        if row is None:
            session.add(ServerSetting(key=name, value=json.dumps(new)))
        else:
            row.value = json.dumps(new)
    return changed
