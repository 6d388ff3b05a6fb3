"""Administration in the browser: authentication switches, users, groups and members, the
audit log (site administrators), and a space's permissions (its administrators). The
same services, checks and audit records as ``/rest/pressroom/1/admin`` and
``/rest/pressroom/1/space/{key}/permissions``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from pressroom.api.admin import Audit
from pressroom.api.deps import AddressDep, AdminDep, ClockDep, DbDep, IdentityDep
from pressroom.api.web_support import HtmlPageRoute, check_csrf, page_viewer, render
from pressroom.auth import directory
from pressroom.auth.audit import recent_events, record_event
from pressroom.auth.identity import Identity
from pressroom.auth.server_settings import load_settings, save_settings
from pressroom.auth.space_grants import PERMISSIONS, SpaceGrants, read_grants, replace_grants
from pressroom.content.spaces import administered_space
from pressroom.db import Database
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound

router = APIRouter(route_class=HtmlPageRoute, include_in_schema=False, tags=["web"])

FormText = Annotated[str, Form(max_length=1024)]
AUDIT_SHOWN = 50
MAX_GRANT_ROWS = 2000


def _admin_page(
    request: Request,
    db: Database,
    admin: Identity,
    status_code: int = 200,
    notice: str | None = None,
    problem: str | None = None,
) -> HTMLResponse:
    viewer = page_viewer(request, admin, Response())
    with db.read() as session:
        return render(
            request,
            "admin.html",
            viewer,
            status_code,
            settings=load_settings(session),
            users=directory.list_users(session, 0, 500),
            groups=directory.list_groups(session, 0, 500),
            events=recent_events(session, 0, AUDIT_SHOWN),
            notice=notice,
            problem=problem,
        )


@router.get("/admin", response_class=HTMLResponse)
def administration(request: Request, db: DbDep, admin: AdminDep) -> Response:
    return _admin_page(request, db, admin)


@router.post("/admin/settings", response_class=HTMLResponse)
def change_settings(
    request: Request,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    basicAuthEnabled: Annotated[bool, Form()] = False,  # noqa: N803
    urlParamAuthEnabled: Annotated[bool, Form()] = False,  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, admin, atl_token)
    changes = {"basicAuthEnabled": basicAuthEnabled, "urlParamAuthEnabled": urlParamAuthEnabled}
    with db.write() as session:
        changed = save_settings(session, changes)
        if changed:
            detail = {name: {"from": old, "to": new} for name, (old, new) in changed.items()}
            Audit(admin, address, clock).record(session, "settings.change", "settings", detail)
    request.app.state.credential_cache.clear()
    return _admin_page(request, db, admin, notice="Authentication settings saved.")


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    username: Annotated[str, Form(max_length=255)] = "",
    password: FormText = "",
    fullName: Annotated[str, Form(max_length=255)] = "",  # noqa: N803
    email: Annotated[str, Form(max_length=255)] = "",
    isAdmin: Annotated[bool, Form()] = False,  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, admin, atl_token)
    try:
        with db.write() as session:
            user = directory.create_user(
                session, username, password, full_name=fullName, email=email, is_admin=isAdmin
            )
            detail = {"admin": user.is_admin}
            Audit(admin, address, clock).record(session, "user.create", user.username, detail)
    except (InvalidInput, Conflict) as exc:
        return _admin_page(request, db, admin, 400, problem=exc.message)
    return _admin_page(request, db, admin, 201, notice=f"User {username} created.")


@router.post("/admin/groups", response_class=HTMLResponse)
def create_group(
    request: Request,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    name: Annotated[str, Form(max_length=255)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, admin, atl_token)
    try:
        with db.write() as session:
            group = directory.create_group(session, name, description)
            Audit(admin, address, clock).record(session, "group.create", group.name, {})
    except (InvalidInput, Conflict) as exc:
        return _admin_page(request, db, admin, 400, problem=exc.message)
    return _admin_page(request, db, admin, 201, notice=f"Group {name} created.")


@router.post("/admin/groups/{name}/members", response_class=HTMLResponse)
def add_member(
    request: Request,
    name: str,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    username: Annotated[str, Form(max_length=255)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, admin, atl_token)
    try:
        with db.write() as session:
            group = directory.find_group(session, name)
            directory.add_member(session, group, directory.find_user(session, username))
            detail = {"username": username}
            Audit(admin, address, clock).record(session, "group.member.add", name, detail)
    except (InvalidInput, NotFound) as exc:
        return _admin_page(request, db, admin, 400, problem=exc.message)
    return _admin_page(request, db, admin, notice=f"{username} is now a member of {name}.")


@router.post("/admin/users/{username}/active", response_class=HTMLResponse)
def change_user_active(
    request: Request,
    username: str,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    active: Annotated[bool, Form()] = False,
    atl_token: FormText = "",
) -> Response:
    """Deactivate a user (they can no longer log in or use their tokens) or activate them."""
    check_csrf(request, db, admin, atl_token)
    try:
        with db.write() as session:
            user = directory.find_user(session, username)
            if directory.update_user(session, user, directory.UserChange(active=active)):
                detail = {"changed": ["active"], "active": active}
                Audit(admin, address, clock).record(session, "user.update", username, detail)
    except (InvalidInput, NotFound, Conflict) as exc:
        return _admin_page(request, db, admin, 400, problem=exc.message)
    request.app.state.credential_cache.clear()
    state = "active again" if active else "deactivated"
    return _admin_page(request, db, admin, notice=f"User {username} is {state}.")


@router.post("/admin/groups/{name}/members/{username}/remove", response_class=HTMLResponse)
def remove_member(
    request: Request,
    name: str,
    username: str,
    db: DbDep,
    admin: AdminDep,
    clock: ClockDep,
    address: AddressDep,
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, admin, atl_token)
    try:
        with db.write() as session:
            group = directory.find_group(session, name)
            directory.remove_member(session, group, directory.find_user(session, username))
            detail = {"username": username}
            Audit(admin, address, clock).record(session, "group.member.remove", name, detail)
    except (InvalidInput, NotFound) as exc:
        return _admin_page(request, db, admin, 400, problem=exc.message)
    return _admin_page(request, db, admin, notice=f"{username} is no longer a member of {name}.")


# -- space permissions -----------------------------------------------------------------


@router.get("/spaces/{space_key}/permissions", response_class=HTMLResponse)
def space_permissions(
    request: Request, space_key: str, db: DbDep, identity: IdentityDep
) -> Response:
    return _permissions_page(request, db, identity, space_key)


def _permissions_page(
    request: Request,
    db: Database,
    identity: Identity,
    space_key: str,
    status_code: int = 200,
    notice: str | None = None,
    problem: str | None = None,
) -> HTMLResponse:
    if identity.anonymous:
        raise NotAuthenticated("Log in to see or change the permissions of a space.")
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        space = administered_space(session, identity, space_key)
        return render(
            request,
            "permissions.html",
            viewer,
            status_code,
            space=space,
            grants=read_grants(session, space.id),
            permissions=PERMISSIONS,
            notice=notice,
            problem=problem,
        )


@router.post("/spaces/{space_key}/permissions", response_class=HTMLResponse)
async def change_space_permissions(
    request: Request,
    space_key: str,
    db: DbDep,
    identity: IdentityDep,
    clock: ClockDep,
    address: AddressDep,
) -> Response:
    """The whole table at once, as the REST API's PUT: what is unticked is revoked."""
    form = await request.form()
    fields: dict[str, Any] = {key: form.getlist(key) for key in form}
    token = str((fields.get("atl_token") or [""])[0])
    await run_in_threadpool(check_csrf, request, db, identity, token)
    if identity.anonymous:
        raise NotAuthenticated("Log in to see or change the permissions of a space.")
    wanted = _grants_of_form(fields)
    return await run_in_threadpool(
        _save_grants, request, db, identity, space_key, wanted, clock, address
    )


def _grants_of_form(fields: dict[str, list[Any]]) -> SpaceGrants:
    """``anonymous`` → grants; ``user:NAME`` and ``group:NAME`` → grants; the new rows
    ``new-user``/``new-group`` name a subject whose grants are ``new-user-grants``/…"""
    grants = SpaceGrants(anonymous=[], users={}, groups={})
    if len(fields) > MAX_GRANT_ROWS:
        raise InvalidInput("Too many rows in one permissions form.")

    def valid(values: list[Any]) -> list[str]:
        chosen = [str(value) for value in values]
        unknown = sorted(set(chosen) - set(PERMISSIONS))
        if unknown:
            raise InvalidInput(f"Unknown permission {unknown[0]!r}.")
        return sorted(set(chosen), key=PERMISSIONS.index)

    grants.anonymous = valid(fields.get("anonymous", []))
    for key, values in fields.items():
        kind, _, name = key.partition(":")
        if kind == "user" and name:
            grants.users[name] = valid(values)
        elif kind == "group" and name:
            grants.groups[name] = valid(values)
    for kind, table in (("user", grants.users), ("group", grants.groups)):
        name = str((fields.get(f"new-{kind}") or [""])[0]).strip()
        if name:
            table[name] = valid(fields.get(f"new-{kind}-grants", []))
    return grants


def _grants_json(grants: SpaceGrants) -> dict[str, Any]:
    return {"anonymous": grants.anonymous, "users": grants.users, "groups": grants.groups}


def _save_grants(
    request: Request,
    db: Database,
    identity: Identity,
    space_key: str,
    wanted: SpaceGrants,
    clock: Any,
    address: str,
) -> HTMLResponse:
    try:
        with db.write() as session:
            space = administered_space(session, identity, space_key)
            before = read_grants(session, space.id)
            after = replace_grants(session, space.id, wanted)
            if before != after:
                record_event(
                    session,
                    "space.permissions.change",
                    at=clock(),
                    actor=identity.username,
                    subject=f"space:{space.key}",
                    method=identity.method,
                    address=address,
                    detail={"to": _grants_json(after)},
                )
    except (InvalidInput, NotFound) as exc:
        return _permissions_page(request, db, identity, space_key, 400, problem=exc.message)
    return _permissions_page(request, db, identity, space_key, notice="Permissions saved.")
