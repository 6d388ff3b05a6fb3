"""``/rest/pressroom/1/space/{key}/permissions``: who may do what in a space."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from pressroom.api.deps import AddressDep, ClockDep, DbDep, UserDep
from pressroom.auth.audit import record_event
from pressroom.auth.space_grants import PERMISSIONS, SpaceGrants, read_grants, replace_grants
from pressroom.content.spaces import administered_space

router = APIRouter(prefix="/rest/pressroom/1/space", tags=["administration"])

Permission = Literal["view", "edit", "attach", "delete", "export", "admin"]


class GrantsBody(BaseModel):
    """The complete permissions of a space; what is left out is revoked."""

    model_config = ConfigDict(extra="forbid")

    anonymous: list[Permission] = Field(default_factory=list, max_length=len(PERMISSIONS))
    users: dict[str, list[Permission]] = Field(default_factory=dict, max_length=10_000)
    groups: dict[str, list[Permission]] = Field(default_factory=dict, max_length=10_000)


def grants_json(grants: SpaceGrants) -> dict[str, Any]:
    return {"anonymous": grants.anonymous, "users": grants.users, "groups": grants.groups}


@router.get("/{space_key}/permissions")
def get_permissions(space_key: str, db: DbDep, identity: UserDep) -> dict[str, Any]:
    """The space's grants; for its space administrators and site administrators."""
    with db.read() as session:
        space = administered_space(session, identity, space_key)
        return grants_json(read_grants(session, space.id))


@router.put("/{space_key}/permissions")
def put_permissions(
    space_key: str,
    body: GrantsBody,
    db: DbDep,
    identity: UserDep,
    clock: ClockDep,
    address: AddressDep,
) -> dict[str, Any]:
    wanted = SpaceGrants(
        anonymous=list(body.anonymous),
        users={name: list(perms) for name, perms in body.users.items()},
        groups={name: list(perms) for name, perms in body.groups.items()},
    )
    with db.write() as session:
        space = administered_space(session, identity, space_key)
        before = grants_json(read_grants(session, space.id))
        after = grants_json(replace_grants(session, space.id, wanted))
        if before != after:
            record_event(
                session,
                "space.permissions.change",
                at=clock(),
                actor=identity.username,
                subject=f"space:{space.key}",
                method=identity.method,
                address=address,
                detail={"from": before, "to": after},
            )
        return after
