"""``pressroom export`` against a live server."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from types import SimpleNamespace

import docx
import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from pressroom.cli import cli
from pressroom.client import ExportClient, ExportStatus, exporter
from pressroom.client.command import INTERRUPTED, run_export
from tests.client.conftest import LiveServer
from tests.conftest import ADMIN, create_page, create_space
from tests.jobs.conftest import WORD_BASE

runner = CliRunner()


@pytest.fixture
def page_id(admin_http: httpx.Client) -> str:
    create_space(admin_http)  # type: ignore[arg-type]
    root = create_page(admin_http, "Operator Guide", "<p>Ship it.</p>")  # type: ignore[arg-type]
    create_page(admin_http, "Chapter 1", parent=root["id"])  # type: ignore[arg-type]
    return str(root["id"])


def _recording_console() -> Console:
    return Console(file=io.StringIO(), record=True, width=200)


def _export(live_server: LiveServer, *options: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    arguments = ["export", "--url", live_server.url, "--poll", "0.1", "--timeout", "60", *options]
    return runner.invoke(cli, arguments, env=env or {})


def test_export_downloads_under_the_servers_file_name(
    live_server: LiveServer,
    page_id: str,
    downloads: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_server.start_workers()
    monkeypatch.chdir(downloads)
    result = _export(
        live_server,
        *("--user", ADMIN[0], "--page", page_id, "--scope", "descendants"),
        env={"PRESSROOM_PASSWORD": ADMIN[1]},
    )
    assert result.exit_code == 0, result.output
    [written] = list(downloads.iterdir())
    assert re.fullmatch(r"Operator Guide-v1-\d{8}_\d{6}\.docx", written.name)
    assert str(written) in result.stdout
    assert "Chapter 1" in [p.text for p in docx.Document(str(written)).paragraphs]
    assert ADMIN[1] not in result.output


def test_output_option_names_the_file(
    live_server: LiveServer, page_id: str, downloads: Path
) -> None:
    live_server.start_workers()
    target = downloads / "guide.docx"
    result = _export(
        live_server,
        *("--user", ADMIN[0], "--password", ADMIN[1], "--page", page_id, "-o", str(target)),
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in downloads.iterdir()] == ["guide.docx"]
    docx.Document(str(target))


def test_token_from_the_environment(
    live_server: LiveServer, admin_http: httpx.Client, page_id: str, downloads: Path
) -> None:
    token = admin_http.post("/rest/pat/latest/tokens", json={"name": "ci"}).json()["rawToken"]
    live_server.start_workers()
    result = _export(
        live_server, "--page", page_id, "-o", str(downloads), env={"PRESSROOM_TOKEN": token}
    )
    assert result.exit_code == 0, result.output
    assert token not in result.output
    assert len(list(downloads.glob("Operator Guide-v1-*.docx"))) == 1


def test_server_message_and_failure_exit_code(live_server: LiveServer, downloads: Path) -> None:
    result = _export(
        live_server,
        *("--user", ADMIN[0], "--password", ADMIN[1], "--page", "999999", "-o", str(downloads)),
    )
    assert result.exit_code == 1
    assert "No page with id 999999 exists" in result.output
    assert list(downloads.iterdir()) == []


def test_anonymous_refusal_says_to_log_in(
    live_server: LiveServer, page_id: str, downloads: Path
) -> None:
    result = _export(live_server, "--page", page_id, "-o", str(downloads))
    assert result.exit_code == 1
    assert "401: Log in to export this page" in result.output


def test_ctrl_c_while_polling_exits_130(
    live_server: LiveServer, page_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(
        exporter, "time", SimpleNamespace(monotonic=time.monotonic, sleep=interrupt)
    )
    result = _export(live_server, "--user", ADMIN[0], "--password", ADMIN[1], "--page", page_id)
    assert result.exit_code == INTERRUPTED
    assert "cancelled" in result.output


def test_timeout_gives_up_and_cancels(
    live_server: LiveServer, admin_http: httpx.Client, page_id: str
) -> None:
    console = _recording_console()
    with ExportClient(live_server.url, auth=ADMIN) as client:  # no workers: stays queued
        code = run_export(
            client,
            page_id=page_id,
            template_id=client.default_template,
            scope="current",
            output=None,
            poll_interval=0.1,
            timeout=0.3,
            console=console,
        )
    assert code == 1
    text = console.export_text()
    job_id = re.search(r"Export job (\S+) cancelled", text).group(1)  # type: ignore[union-attr]
    assert "did not end within 0.3 s" in text
    status = admin_http.get(f"{WORD_BASE}/exports/{job_id}/status").json()
    assert status["status"] == "cancelled"


def test_user_and_token_together_are_a_usage_error(live_server: LiveServer) -> None:
    result = _export(live_server, "--page", "1", "--user", "a", "--token", "t")
    assert result.exit_code == 2
    assert "either" in result.output


def test_ctrl_c_cancels_the_job_on_the_server(
    live_server: LiveServer, admin_http: httpx.Client, page_id: str, downloads: Path
) -> None:
    seen: list[ExportStatus] = []
    console = _recording_console()

    def press_ctrl_c(status: ExportStatus) -> None:
        seen.append(status)
        raise KeyboardInterrupt

    # no workers: the job is still queued when the first status arrives
    with ExportClient(live_server.url, auth=ADMIN) as client:
        code = run_export(
            client,
            page_id=page_id,
            template_id=client.default_template,
            scope="current",
            output=downloads,
            poll_interval=0.1,
            console=console,
            on_status=press_ctrl_c,
        )
    assert code == INTERRUPTED
    assert f"Interrupted. Export job {seen[0].job_id} cancelled." in console.export_text()
    assert seen[0].status == "incomplete"
    status = admin_http.get(f"{WORD_BASE}/exports/{seen[0].job_id}/status").json()
    assert status["status"] == "cancelled"
    assert list(downloads.iterdir()) == []


def test_cancelled_job_exits_non_zero_with_the_message(
    live_server: LiveServer, page_id: str, downloads: Path
) -> None:
    console = _recording_console()

    def cancel_from_elsewhere(status: ExportStatus) -> None:
        with ExportClient(live_server.url, auth=ADMIN) as other:
            other.cancel(status.job_id)

    with ExportClient(live_server.url, auth=ADMIN) as client:
        code = run_export(
            client,
            page_id=page_id,
            template_id=client.default_template,
            scope="current",
            output=downloads,
            poll_interval=0.1,
            console=console,
            on_status=cancel_from_elsewhere,
        )
    assert code == 1
    assert "Export cancelled: The export was cancelled." in console.export_text()
    assert list(downloads.iterdir()) == []


def test_output_with_a_trailing_slash_is_a_new_directory(
    live_server: LiveServer, page_id: str, downloads: Path
) -> None:
    """Typer would turn "dir/" into Path("dir"), a file name; the slash must count."""
    live_server.start_workers()
    result = _export(
        live_server,
        *("--user", ADMIN[0], "--password", ADMIN[1], "--page", page_id),
        *("-o", f"{downloads}/new/"),
    )
    assert result.exit_code == 0, result.output
    [written] = list((downloads / "new").iterdir())
    assert written.name.startswith("Operator Guide-v1-")


def test_export_format_pdf_downloads_the_pdf(
    live_server: LiveServer,
    page_id: str,
    downloads: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_server.start_workers()
    monkeypatch.chdir(downloads)
    result = _export(
        live_server,
        *("--format", "pdf", "--user", ADMIN[0], "--page", page_id, "--scope", "descendants"),
        env={"PRESSROOM_PASSWORD": ADMIN[1]},
    )
    assert result.exit_code == 0, result.output
    [written] = list(downloads.iterdir())
    assert re.fullmatch(r"Operator Guide-v1-\d{8}_\d{6}\.pdf", written.name)
    assert written.read_bytes().startswith(b"%PDF-")
