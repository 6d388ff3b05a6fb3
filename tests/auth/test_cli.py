"""``pressroom user create|passwd|disable``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pressroom.cli import cli
from pressroom.config import Settings
from tests.auth.conftest import MakeClient, login


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PRESSROOM_HOME", str(settings.home))
    monkeypatch.setenv("PRESSROOM_DATABASE_URL", settings.resolved_database_url)
    return CliRunner()


def test_user_create_passwd_disable(
    run: CliRunner, client: TestClient, make_client: MakeClient
) -> None:
    created = run.invoke(
        cli, ["user", "create", "dora", "--full-name", "Dora"], input="dora-secret-1\n" * 2
    )
    assert created.exit_code == 0, created.output
    assert "dora-secret-1" not in created.output
    caller = make_client()
    assert caller.get("/rest/api/user/current", auth=("dora", "dora-secret-1")).status_code == 200
    browser = make_client()
    login(browser, "dora", "dora-secret-1")

    changed = run.invoke(
        cli, ["user", "passwd", "dora"], env={"PRESSROOM_NEW_PASSWORD": "dora-2nd-secret"}
    )
    assert changed.exit_code == 0, changed.output
    assert caller.get("/rest/api/user/current", auth=("dora", "dora-secret-1")).status_code == 401
    assert caller.get("/rest/api/user/current", auth=("dora", "dora-2nd-secret")).status_code == 200
    assert browser.get("/rest/api/user/current").json()["type"] == "anonymous"

    assert run.invoke(cli, ["user", "disable", "dora"]).exit_code == 0
    assert caller.get("/rest/api/user/current", auth=("dora", "dora-2nd-secret")).status_code == 401


def test_user_errors_exit_1(run: CliRunner, client: TestClient) -> None:
    duplicate = run.invoke(
        cli, ["user", "create", "admin"], env={"PRESSROOM_NEW_PASSWORD": "x" * 10}
    )
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    short = run.invoke(cli, ["user", "create", "zed"], env={"PRESSROOM_NEW_PASSWORD": "short"})
    assert short.exit_code == 1
    assert run.invoke(cli, ["user", "disable", "nobody"]).exit_code == 1
