"""``/rest/pressroom/1/admin``: settings, users, groups and the audit log (administrators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from sqlalchemy.orm import Session

from pressroom.api.confluence_json import iso
from pressroom.api.deps import AddressDep, AdminDep, ClockDep, DbDep, PagingDep
from pressroom.auth import directory
from pressroom.auth.audit import recent_events, record_event
from pressroom.auth.credential_cache import CredentialCache
from pressroom.auth.identity import Identity
from pressroom.auth.models import AuditEvent, Group, User
from pressroom.auth.server_settings import load_settings, save_settings
from pressroom.clock import Clock

router = APIRouter(prefix="/rest/pressroom/1/admin", tags=["administration"])


class SettingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    basicAuthEnabled: StrictBool | None = None  # noqa: N815
    urlParamAuthEnabled: StrictBool | None = None  # noqa: N815


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    username: StrictStr = Field(min_length=1, max_length=255)
    password: StrictStr = Field(min_length=1, max_length=1024)
    fullName: StrictStr = Field(default="", max_length=255)  # noqa: N815
    email: StrictStr = Field(default="", max_length=255)
    admin: StrictBool = False


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    password: StrictStr | None = Field(default=None, min_length=1, max_length=1024)
    fullName: StrictStr | None = Field(default=None, max_length=255)  # noqa: N815
    email: StrictStr | None = Field(default=None, max_length=255)
    active: StrictBool | None = None
    admin: StrictBool | None = None


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(min_length=1, max_length=255)
    description: StrictStr = Field(default="", max_length=4000)


class GroupUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    description: StrictStr = Field(max_length=4000)


class MemberAdd(BaseModel):
    model_config = ConfigDict(extra="ignore")

    username: StrictStr = Field(min_length=1, max_length=255)


def admin_user_json(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "userKey": user.user_key,
        "fullName": user.full_name,
        "email": user.email,
        "active": user.active,
        "admin": user.is_admin,
        "createdAt": iso(user.created_at),
    }


def group_json(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "description": group.description,
        "members": [member.username for member in group.members],
    }


def audit_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": iso(event.at),
        "event": event.event,
        "actor": event.actor,
        "subject": event.subject,
        "method": event.method,
        "address": event.address,
        "detail": event.detail,
    }


class Audit:
    """Records the admin's changes with who, when and from where."""

    def __init__(self, admin: Identity, address: str, clock: Clock) -> None:
        self.admin, self.address, self.now = admin, address, clock()

    def record(self, session: Session, event: str, subject: str, detail: dict[str, Any]) -> None:
        record_event(
            session,
            event,
            at=self.now,
            actor=self.admin.username,
            subject=subject,
            method=self.admin.method,
            address=self.address,
            detail=detail,
        )


def _forget_passwords(request: Request) -> None:
    """Credentials verified before a change must be verified again."""
    cache: CredentialCache = request.app.state.credential_cache
    cache.clear()


@router.get("/settings")
def get_settings(db: DbDep, _admin: AdminDep) -> dict[str, Any]:
    with db.read() as session:
        return load_settings(session).as_json()


@router.put("/settings")
def put_settings(
    body: SettingsChange, db: DbDep, admin: AdminDep, clock: ClockDep, address: AddressDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    with db.write() as session:
        changed = save_settings(session, changes)
        if changed:
            detail = {name: {"from": old, "to": new} for name, (old, new) in changed.items()}
            Audit(admin, address, clock).record(session, "settings.change", "settings", detail)
        return load_settings(session).as_json()


@router.get("/users")
def get_users(db: DbDep, _admin: AdminDep, paging: PagingDep) -> list[dict[str, Any]]:
    with db.read() as session:
        users = directory.list_users(session, paging.start, paging.limit)
        return [admin_user_json(u) for u in users]


@router.post("/users", status_code=201)
def post_user(
    body: UserCreate, db: DbDep, admin: AdminDep, clock: ClockDep, address: AddressDep
) -> dict[str, Any]:
    with db.write() as session:
        user = directory.create_user(
            session, body.username, body.password, body.fullName, body.email, body.admin
        )
        detail = {"admin": body.admin}
        Audit(admin, address, clock).record(session, "user.create", user.username, detail)
        return admin_user_json(user)


@router.get("/users/{username}")
def get_user(username: str, db: DbDep, _admin: AdminDep) -> dict[str, Any]:
    with db.read() as session:
        return admin_user_json(directory.find_user(session, username))


@router.put("/users/{username}")
def put_user(
    username: str,
    body: UserUpdate,
    request: Request,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
) -> dict[str, Any]:
    change = directory.UserChange(
        full_name=body.fullName,
        email=body.email,
        password=body.password,
        active=body.active,
        is_admin=body.admin,
    )
    with db.write() as session:
        user = directory.find_user(session, username)
        changed = directory.update_user(session, user, change)
        if changed:
            detail = {"changed": changed}
            Audit(admin, address, clock).record(session, "user.update", username, detail)
        result = admin_user_json(user)
    _forget_passwords(request)
    return result


@router.delete("/users/{username}", status_code=204)
def delete_user(
    username: str,
    request: Request,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
) -> Response:
    with db.write() as session:
        directory.delete_user(session, directory.find_user(session, username))
        Audit(admin, address, clock).record(session, "user.delete", username, {})
    _forget_passwords(request)
    return Response(status_code=204)


@router.get("/groups")
def get_groups(db: DbDep, _admin: AdminDep, paging: PagingDep) -> list[dict[str, Any]]:
    with db.read() as session:
        return [group_json(g) for g in directory.list_groups(session, paging.start, paging.limit)]


@router.post("/groups", status_code=201)
def post_group(
    body: GroupCreate, db: DbDep, admin: AdminDep, clock: ClockDep, address: AddressDep
) -> dict[str, Any]:
    with db.write() as session:
        group = directory.create_group(session, body.name, body.description)
        Audit(admin, address, clock).record(session, "group.create", group.name, {})
        return group_json(group)


@router.get("/groups/{name}")
def get_group(name: str, db: DbDep, _admin: AdminDep) -> dict[str, Any]:
    with db.read() as session:
        return group_json(directory.find_group(session, name))


@router.put("/groups/{name}")
def put_group(name: str, body: GroupUpdate, db: DbDep, _admin: AdminDep) -> dict[str, Any]:
    with db.write() as session:
        group = directory.find_group(session, name)
        group.description = body.description.strip()
        return group_json(group)


@router.delete("/groups/{name}", status_code=204)
def delete_group(
    name: str, db: DbDep, admin: AdminDep, clock: ClockDep, address: AddressDep
) -> Response:
    with db.write() as session:
        directory.delete_group(session, directory.find_group(session, name))
        Audit(admin, address, clock).record(session, "group.delete", name, {})
    return Response(status_code=204)


@router.get("/groups/{name}/members")
def get_members(name: str, db: DbDep, _admin: AdminDep) -> list[dict[str, Any]]:
    with db.read() as session:
        return [admin_user_json(u) for u in directory.find_group(session, name).members]


@router.post("/groups/{name}/members", status_code=201)
def post_member(
    name: str, body: MemberAdd, db: DbDep, admin: AdminDep, clock: ClockDep, address: AddressDep
) -> dict[str, Any]:
    with db.write() as session:
        group = directory.find_group(session, name)
        if directory.add_member(session, group, directory.find_user(session, body.username)):
            detail = {"username": body.username}
            Audit(admin, address, clock).record(session, "group.member.add", name, detail)
        return group_json(group)


@router.delete("/groups/{name}/members/{username}", status_code=204)
def delete_member(
    name: str,
    username: str,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
) -> Response:
    with db.write() as session:
        group = directory.find_group(session, name)
        directory.remove_member(session, group, directory.find_user(session, username))
        detail = {"username": username}
        Audit(admin, address, clock).record(session, "group.member.remove", name, detail)
    return Response(status_code=204)


@router.get("/audit")
def get_audit(db: DbDep, _admin: AdminDep, paging: PagingDep) -> list[dict[str, Any]]:
    """The newest events first."""
    with db.read() as session:
        return [audit_json(e) for e in recent_events(session, paging.start, paging.limit)]
