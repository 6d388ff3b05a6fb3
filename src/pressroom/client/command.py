"""``pressroom export``: one asynchronous export from the command line, with progress.

Starts the job, polls its status (every 2 s, as the seed recommends) behind a Rich
progress bar, downloads the file, and cancels the job when interrupted with Ctrl-C.
Exit codes: 0 done, 1 the server refused or the export failed, 2 bad options,
130 interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from pressroom.client.errors import ExportError, ExportFailed, ExportTimeout
from pressroom.client.exporter import DEFAULT_TEMPLATES, ExportClient, Scope
from pressroom.client.status import ExportStatus

INTERRUPTED = 130
LOG_LINES_SHOWN = 20


class ExportScope(StrEnum):
    current = "current"
    descendants = "descendants"


class ExportFormat(StrEnum):
    word = "word"
    pdf = "pdf"


def export_command(
    url: Annotated[str, typer.Option(help="Server base URL, e.g. http://localhost:8090")],
    page: Annotated[str, typer.Option(help="Id of the page or blog post to export")],
    template: Annotated[
        str | None,
        typer.Option(
            help="Template id (Template Information shows it); default: the built-in one",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", help="word (.docx) or pdf")
    ] = ExportFormat.word,
    scope: Annotated[
        ExportScope, typer.Option(help="The page alone, or with all its descendants")
    ] = ExportScope.current,
    user: Annotated[str | None, typer.Option(help="User name for Basic authentication")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="PRESSROOM_PASSWORD", show_default=False, help="Password (asked when omitted)"
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(envvar="PRESSROOM_TOKEN", show_default=False, help="Personal access token"),
    ] = None,
    output: Annotated[
        # A string, not a Path: a trailing "/" means "a directory" and Path drops it.
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File (or directory) to write; default: the server's file name, here",
        ),
    ] = None,
    poll: Annotated[float, typer.Option(min=0.1, help="Seconds between two status requests")] = 2.0,
    timeout: Annotated[
        float | None,
        typer.Option(min=1, help="Give up (and cancel the job) after this many seconds"),
    ] = None,
) -> None:
    """Export a page to Word or PDF through the export REST API and download the file."""
    credentials = _credentials(user, password, token)
    console = Console(stderr=True)
    with ExportClient(
        url,
        auth=credentials if isinstance(credentials, tuple) else None,
        token=credentials if isinstance(credentials, str) else None,
        exporter=format.value,
    ) as client:
        code = run_export(
            client,
            page_id=page,
            template_id=template or DEFAULT_TEMPLATES[format.value],
            scope=scope.value,
            output=output,
            poll_interval=poll,
            timeout=timeout,
            console=console,
        )
    if code:
        raise typer.Exit(code)


def _credentials(
    user: str | None, password: str | None, token: str | None
) -> tuple[str, str] | str | None:
    """(user, password), a token, or None for an anonymous export."""
    if token and user:
        raise typer.BadParameter("Use either --user/--password or --token, not both.")
    if token:
        return token
    if user:
        return user, password or typer.prompt("Password", hide_input=True)
    if password:
        raise typer.BadParameter("--password needs --user.")
    return None


def run_export(
    client: ExportClient,
    *,
    page_id: str,
    template_id: str,
    scope: Scope,
    output: str | None,
    poll_interval: float,
    console: Console,
    timeout: float | None = None,
    on_status: Callable[[ExportStatus], None] | None = None,
) -> int:
    """Start, follow and download one export; answers the exit code. ``on_status`` sees
    every polled status (after the progress bar)."""
    try:
        job_id = client.start_export(page_id, template_id, scope)
    except ExportError as exc:
        return _report(console, exc)
    except KeyboardInterrupt:
        return INTERRUPTED  # no job id yet, so nothing to cancel
    try:
        status = _follow(client, job_id, poll_interval, timeout, console, on_status)
        _show_log(console, status)
        path = client.download(status, output or Path.cwd())
    except KeyboardInterrupt:
        _cancel(client, job_id, console, "Interrupted.")
        return INTERRUPTED
    except ExportTimeout as exc:
        _cancel(client, job_id, console, exc.message)
        return 1
    except ExportError as exc:
        return _report(console, exc)
    typer.echo(str(path))
    return 0


def _follow(
    client: ExportClient,
    job_id: str,
    poll_interval: float,
    timeout: float | None,
    console: Console,
    on_status: Callable[[ExportStatus], None] | None,
) -> ExportStatus:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Queued", total=100)

        def show(status: ExportStatus) -> None:
            _advance(progress, task, status)
            if on_status is not None:
                on_status(status)

        return client.wait(job_id, poll_interval, on_progress=show, timeout=timeout)


def _advance(progress: Progress, task: TaskID, status: ExportStatus) -> None:
    if status.finished:
        description = status.status.capitalize()
    elif status.step <= 0:
        description = "Queued"
    else:
        description = f"Step {status.step}/{status.total_steps}"
    progress.update(task, description=description, completed=round(status.fraction_done * 100))


def _show_log(console: Console, status: ExportStatus) -> None:
    for entry in status.log[:LOG_LINES_SHOWN]:
        console.print(f"[yellow]warning:[/] {escape(entry)}", soft_wrap=True)
    if len(status.log) > LOG_LINES_SHOWN:
        console.print(f"[yellow]… and {len(status.log) - LOG_LINES_SHOWN} more warnings[/]")


def _cancel(client: ExportClient, job_id: str, console: Console, reason: str) -> None:
    try:
        client.cancel(job_id)
    except ExportError as exc:
        console.print(
            f"[red]{escape(reason)} Cancelling job {job_id} failed:[/] {escape(str(exc))}",
            soft_wrap=True,
        )
        return
    console.print(f"{escape(reason)} Export job {job_id} cancelled.", soft_wrap=True)


def _report(console: Console, error: ExportError) -> int:
    if isinstance(error, ExportFailed):
        console.print(
            f"[red]Export {error.status.status}:[/] {escape(error.message)}", soft_wrap=True
        )
    else:
        console.print(f"[red]Error:[/] {escape(str(error))}", soft_wrap=True)
    return 1
