"""``/rest/pat/latest/tokens``: personal access tokens, as Confluence Data Center serves them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from pressroom.api.confluence_json import iso
from pressroom.api.deps import AddressDep, ClockDep, DbDep, UserDep
from pressroom.auth.audit import record_event
from pressroom.auth.models import AccessToken, User
from pressroom.auth.tokens import MAX_DAYS, create_token, list_tokens, revoke_token

router = APIRouter(prefix="/rest/pat/latest/tokens", tags=["personal access tokens"])


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(min_length=1, max_length=255)
    expirationDuration: int | None = Field(  # noqa: N815  (Confluence's field name)
        default=None, ge=1, le=MAX_DAYS, description="Days until the token expires; none: never"
    )


def token_json(token: AccessToken) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": token.id,
        "name": token.name,
        "createdAt": iso(token.created_at),
        "expiringAt": iso(token.expires_at) if token.expires_at else None,
    }
    if token.last_used_at:
        data["lastAccessedAt"] = iso(token.last_used_at)
    return data


@router.post("", status_code=201)
def post_token(
    body: TokenCreate, db: DbDep, identity: UserDep, clock: ClockDep, address: AddressDep
) -> dict[str, Any]:
    """Create a token for the caller. ``rawToken`` is in this answer only: store it now."""
    now = clock()
    with db.write() as session:
        user = session.get(User, identity.user_id)
        assert user is not None
        token, raw = create_token(session, user, body.name, body.expirationDuration, now)
        record_event(
            session,
            "token.create",
            at=now,
            actor=identity.username,
            subject=f"token:{token.id}",
            method=identity.method,
            address=address,
            detail={"name": token.name, "days": body.expirationDuration},
        )
        return {**token_json(token), "rawToken": raw}


@router.get("")
def get_tokens(db: DbDep, identity: UserDep) -> list[dict[str, Any]]:
    assert identity.user_id is not None
    with db.read() as session:
        return [token_json(t) for t in list_tokens(session, identity.user_id)]


@router.delete("/{token_id:int}", status_code=204)
def delete_token(
    token_id: int, db: DbDep, identity: UserDep, clock: ClockDep, address: AddressDep
) -> Response:
    assert identity.user_id is not None
    now = clock()
    with db.write() as session:
        token = revoke_token(session, identity.user_id, token_id)
        record_event(
            session,
            "token.revoke",
            at=now,
            actor=identity.username,
            subject=f"token:{token.id}",
            method=identity.method,
            address=address,
            detail={"name": token.name},
        )
    return Response(status_code=204)
