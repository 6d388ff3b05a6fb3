"""``pressroom user create|passwd|disable`` and ``pressroom token create``."""

from __future__ import annotations

from typing import Annotated

import typer

from pressroom.auth import directory
from pressroom.auth.audit import record_event
from pressroom.auth.tokens import MAX_DAYS, create_token
from pressroom.clock import utcnow
from pressroom.config import Settings
from pressroom.db import Database
from pressroom.errors import PressroomError

user_cli = typer.Typer(
    help="Manage user accounts.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
token_cli = typer.Typer(
    help="Manage personal access tokens.", no_args_is_help=True, pretty_exceptions_show_locals=False
)

UsernameArg = Annotated[str, typer.Argument(help="The username")]


def _database() -> Database:
    settings = Settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


def _ask_password(password: str | None) -> str:
    if password:
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _fail(exc: PressroomError) -> typer.Exit:
    typer.echo(exc.message, err=True)
    return typer.Exit(1)


@user_cli.command("create")
def create_user(
    username: UsernameArg,
    full_name: Annotated[str, typer.Option("--full-name")] = "",
    email: Annotated[str, typer.Option("--email")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator")] = False,
    password: Annotated[
        str | None, typer.Option(envvar="PRESSROOM_NEW_PASSWORD", help="Asked for when not set")
    ] = None,
) -> None:
    """Create a user (the password is asked for, or read from PRESSROOM_NEW_PASSWORD)."""
    secret = _ask_password(password)
    db = _database()
    try:
        with db.write() as session:
            directory.create_user(session, username, secret, full_name, email, admin)
            record_event(session, "user.create", at=utcnow(), actor="cli", subject=username)
    except PressroomError as exc:
        raise _fail(exc) from exc
    finally:
        db.dispose()
    typer.echo(f"Created user {username}.")


@user_cli.command("passwd")
def change_password(
    username: UsernameArg,
    password: Annotated[str | None, typer.Option(envvar="PRESSROOM_NEW_PASSWORD")] = None,
) -> None:
    """Set a new password; the user's browser sessions end."""
    _change(username, directory.UserChange(password=_ask_password(password)), "password")


@user_cli.command("disable")
def disable_user(username: UsernameArg) -> None:
    """Disable an account: its sessions end, its password and tokens stop working."""
    _change(username, directory.UserChange(active=False), "disabled")


def _change(username: str, change: directory.UserChange, what: str) -> None:
    db = _database()
    try:
        with db.write() as session:
            user = directory.find_user(session, username)
            changed = directory.update_user(session, user, change)
            detail = {"changed": changed}
            record_event(
                session, "user.update", at=utcnow(), actor="cli", subject=username, detail=detail
            )
    except PressroomError as exc:
        raise _fail(exc) from exc
    finally:
        db.dispose()
    typer.echo(f"User {username}: {what}.")


@token_cli.command("create")
def create_access_token(
    user: Annotated[str, typer.Option("--user", help="Owner of the token")],
    name: Annotated[str, typer.Option("--name")] = "cli",
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=MAX_DAYS, help="Expiry; default never")
    ] = None,
) -> None:
    """Create a personal access token and print it (it is shown only this once)."""
    db = _database()
    now = utcnow()
    try:
        with db.write() as session:
            owner = directory.find_user(session, user)
            token, raw = create_token(session, owner, name, days, now)
            detail = {"name": token.name, "days": days}
            record_event(
                session,
                "token.create",
                at=now,
                actor="cli",
                subject=f"token:{token.id}",
                detail=detail,
            )
    except PressroomError as exc:
        raise _fail(exc) from exc
    finally:
        db.dispose()
    typer.echo(raw)
