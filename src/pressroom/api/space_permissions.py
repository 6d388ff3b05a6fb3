"""``/rest/pressroom/1/space/{key}/permissions``: who may view and export a space."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.api.deps import AddressDep, AdminDep, ClockDep, DbDep
from pressroom.auth.audit import record_event
from pressroom.auth.space_grants import SpaceGrants, read_grants, replace_grants
from pressroom.content.models import Space
from pressroom.errors import NotFound

router = APIRouter(prefix="/rest/pressroom/1/space", tags=["administration"])

Permission = Literal["view", "export"]


class GrantsBody(BaseModel):
    """The complete permissions of a space; what is left out is revoked."""

    model_config = ConfigDict(extra="forbid")

    anonymous: list[Permission] = Field(default_factory=list, max_length=2)
    users: dict[str, list[Permission]] = Field(default_factory=dict, max_length=10_000)
    groups: dict[str, list[Permission]] = Field(default_factory=dict, max_length=10_000)


def grants_json(grants: SpaceGrants) -> dict[str, Any]:
    return {"anonymous": grants.anonymous, "users": grants.users, "groups": grants.groups}


def _space(session: Session, key: str) -> Space:
    space = session.scalar(select(Space).where(Space.key == key))
    if space is None:
        raise NotFound(f"No space with key {key} exists.")
    return space


@router.get("/{space_key}/permissions")
def get_permissions(space_key: str, db: DbDep, _admin: AdminDep) -> dict[str, Any]:
    with db.read() as session:
        return grants_json(read_grants(session, _space(session, space_key).id))


@router.put("/{space_key}/permissions")
def put_permissions(
    space_key: str,
    body: GrantsBody,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
) -> dict[str, Any]:
    wanted = SpaceGrants(
        anonymous=list(body.anonymous),
        users={name: list(perms) for name, perms in body.users.items()},
        groups={name: list(perms) for name, perms in body.groups.items()},
    )
    with db.write() as session:
        space = _space(session, space_key)
        before = grants_json(read_grants(session, space.id))
        after = grants_json(replace_grants(session, space.id, wanted))
        if before != after:
            record_event(
                session,
                "space.permissions.change",
                at=clock(),
                actor=admin.username,
                subject=f"space:{space.key}",
                method=admin.method,
                address=address,
                detail={"from": before, "to": after},
            )
        return after
