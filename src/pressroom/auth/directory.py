"""Users and groups: the services behind the admin REST API and ``pressroom user``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pressroom.auth.models import Group, SpacePermission, User
from pressroom.auth.passwords import hash_password
from pressroom.auth.sessions import revoke_user_sessions
from pressroom.errors import Conflict, InvalidInput, NotFound

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def check_name(name: str, what: str) -> str:
    if not NAME.match(name):
        raise InvalidInput(
            f"The {what} must be 1 to 255 letters, digits or . _ @ + -, starting with a letter "
            "or digit."
        )
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"The password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters.")
    return password


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user {username} exists.")
    return user


def list_users(session: Session, start: int, limit: int) -> list[User]:
    statement = select(User).order_by(User.username).offset(start).limit(limit)
    return list(session.scalars(statement))


def create_user(
    session: Session,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    is_admin: bool = False,
) -> User:
    check_name(username, "username")
    user = User(
        username=username,
        full_name=full_name.strip()[:255],
        email=email.strip()[:255],
        password_hash=hash_password(check_password(password)),
        is_admin=is_admin,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A user {username} already exists.") from exc
    return user


@dataclass(slots=True)
class UserChange:
    """Fields an administrator may change; None leaves a field as it is."""

    full_name: str | None = None
    email: str | None = None
    password: str | None = None
    active: bool | None = None
    is_admin: bool | None = None


def update_user(session: Session, user: User, change: UserChange) -> list[str]:
    """Apply ``change``; returns the names of the fields that changed. A new password or a
    disabled account ends the user's sessions on every node."""
    _keep_an_admin(session, user, change.is_admin, change.active)
    changed: list[str] = []
    for field, name in (("full_name", "fullName"), ("email", "email")):
        value = getattr(change, field)
        if value is not None and value.strip()[:255] != getattr(user, field):
            setattr(user, field, value.strip()[:255])
            changed.append(name)
    if change.password is not None:
        user.password_hash = hash_password(check_password(change.password))
        changed.append("password")
    if change.is_admin is not None and change.is_admin != user.is_admin:
        user.is_admin = change.is_admin
        changed.append("admin")
    if change.active is not None and change.active != user.active:
        user.active = change.active
        changed.append("active")
    if "password" in changed or not user.active:
        revoke_user_sessions(session, user.id)
    session.flush()
    return changed


def delete_user(session: Session, user: User) -> None:
    _keep_an_admin(session, user, False, False)
    session.execute(
        delete(SpacePermission).where(
            SpacePermission.subject_type == "user", SpacePermission.subject_name == user.username
        )
    )
    try:
        with session.begin_nested():
            session.delete(user)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"{user.username} created or changed content, which keeps their name; "
            'disable the account instead (PUT with "active": false).'
        ) from exc


def _keep_an_admin(
    session: Session, user: User, is_admin: bool | None, active: bool | None
) -> None:
    """Refuse a change that would leave no active administrator."""
    stays_admin = (user.is_admin if is_admin is None else is_admin) and (
        user.active if active is None else active
    )
    if not user.is_admin or not user.active or stays_admin:
        return
    others = session.scalar(
        select(func.count()).where(
            User.is_admin.is_(True), User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise Conflict("This is the last active administrator; make another one first.")


def find_group(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(Group.name == name))
    if group is None:
        raise NotFound(f"No group {name} exists.")
    return group


def list_groups(session: Session, start: int, limit: int) -> list[Group]:
    return list(session.scalars(select(Group).order_by(Group.name).offset(start).limit(limit)))


def create_group(session: Session, name: str, description: str = "") -> Group:
    group = Group(name=check_name(name, "group name"), description=description.strip())
    try:
        with session.begin_nested():
            session.add(group)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A group {name} already exists.") from exc
    return group


def delete_group(session: Session, group: Group) -> None:
    session.execute(
        delete(SpacePermission).where(
            SpacePermission.subject_type == "group", SpacePermission.subject_name == group.name
        )
    )
    session.delete(group)
    session.flush()


def add_member(session: Session, group: Group, user: User) -> bool:
    """Add ``user`` to ``group``; False when already a member."""
    if user in group.members:
        return False
    group.members.append(user)
    session.flush()
    return True


def remove_member(session: Session, group: Group, user: User) -> None:
    if user not in group.members:
        raise NotFound(f"{user.username} is not a member of {group.name}.")
    group.members.remove(user)
    session.flush()
