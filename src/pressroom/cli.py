"""The ``pressroom`` command: serve, and the tools around the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pressroom import render_command
from pressroom.auth.commands import token_cli, user_cli
from pressroom.client.command import export_command
from pressroom.config import Settings

cli = typer.Typer(help="Pressroom: documentation export server.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
cli.add_typer(token_cli, name="token")
cli.command("export")(export_command)


@cli.command()
def serve(
    demo: Annotated[bool, typer.Option(help="Seed the DEMO space (idempotent)")] = False,
    host: Annotated[str | None, typer.Option(help="Overrides PRESSROOM_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides PRESSROOM_PORT")] = None,
    fd: Annotated[
        int | None,
        typer.Option(help="Serve on this already-bound socket (systemd socket activation)"),
    ] = None,
) -> None:
    """Run the HTTP server (migrations run at start)."""
    import uvicorn

    from pressroom.metrics_dir import prepare_metrics_dir

    settings = Settings()
    prepare_metrics_dir(settings)  # before anything imports prometheus-client

    from pressroom.app import create_app
    from pressroom.bootstrap import bootstrap
    from pressroom.db import Database
    from pressroom.jobs.worker import EmbeddedWorkers
    from pressroom.logs import configure_logging

    configure_logging()
    if host:
        settings.host = host
    if port:
        settings.port = port
    db = Database(settings.resolved_database_url)
    bootstrap(settings, db)
    if demo:
        from pressroom.content.demo import seed_demo

        seed_demo(settings, db)
    workers = EmbeddedWorkers(settings.workers, drain_seconds=settings.drain_seconds)
    app = create_app(settings, db, companions=[workers])
    where = f"socket fd {fd}" if fd is not None else f"http://{settings.host}:{settings.port}"
    typer.echo(f"Pressroom on {where} (home: {settings.home})")
    # log_config=None: Uvicorn's records reach the escaping formatter of configure_logging.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        fd=fd,
        # Longer than a proxy's idle upstream connections (nginx: 60 s), so the proxy
        # never sends a request on a connection this side has just closed.
        timeout_keep_alive=75,
        log_level="warning",
        access_log=False,
        log_config=None,
    )


@cli.command()
def worker(
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default PRESSROOM_WORKERS)")
    ] = None,
) -> None:
    """Run export workers only (for more machines sharing one database and queue).
    SIGTERM stops them gracefully (PRESSROOM_DRAIN_SECONDS)."""
    from pressroom.metrics_dir import prepare_metrics_dir

    settings = Settings()
    prepare_metrics_dir(settings)  # before anything imports prometheus-client

    from pressroom.jobs.worker import run_worker
    from pressroom.logs import configure_logging

    configure_logging()
    run_worker(settings, workers or settings.workers)


@cli.command(
    "render",
    help=render_command.DESCRIPTION + " Options: pressroom render --help.",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def render(context: typer.Context) -> None:
    raise typer.Exit(render_command.main(context.args))


@cli.command()
def backup(
    out: Annotated[Path, typer.Argument(help="The archive to write, e.g. pressroom.tar.gz")],
) -> None:
    """Back up the database (SQLite backup API, or pg_dump), attachments and templates."""
    from pressroom.backup import BackupFailed, create_backup

    try:
        summary = create_backup(Settings(), out)
    except BackupFailed as exc:
        typer.echo(f"backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {out} ({summary.database} database, {summary.files} files)")


@cli.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive made by `pressroom backup`")],
    replace: Annotated[
        bool, typer.Option(help="Overwrite a database that holds spaces already")
    ] = False,
) -> None:
    """Restore a backup into this home and database (stop every node first)."""
    from pressroom.backup import BackupFailed, restore_backup

    try:
        summary = restore_backup(Settings(), archive, replace=replace)
    except BackupFailed as exc:
        typer.echo(f"restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"restored {archive} ({summary.database} database, {summary.files} files)")


@cli.command("db-ping")
def db_ping(url: Annotated[str, typer.Option(help="SQLAlchemy database URL")]) -> None:
    """Exit 0 when the database at URL answers."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 3} if "postgres" in url else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        typer.echo(f"not reachable: {type(exc).__name__}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
