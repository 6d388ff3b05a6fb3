"""No password, token, cookie or CSRF value reaches the logs or the audit trail."""

from __future__ import annotations

import base64
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pressroom.auth.cookies import SESSION_COOKIE
from pressroom.auth.models import AuditEvent
from pressroom.db import Database
from tests.auth.conftest import ALICE, MakeClient, csrf_token_of, login, new_token, set_settings

pytestmark = pytest.mark.usefixtures("private_page")
SPACE = "/rest/api/space/PRIV"
WRONG = "wrong-Passw0rd-xyzzy"
NEW_PASSWORD = "brand-new-secret-42"


def test_no_secret_in_logs_or_audit(
    client: TestClient,
    make_client: MakeClient,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    set_settings(client, urlParamAuthEnabled=True)
    secrets = _exercise_every_method(client, make_client)

    # httpx is the test's own client logging the URLs it requests, not the server.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in server)
    assert "pressroom.audit" in {record.name for record in caplog.records}
    assert "login.failure" in logged and "token.create" in logged
    with db.read() as session:
        audit = "\n".join(
            f"{e.event} {e.actor} {e.subject} {e.detail}"
            for e in session.scalars(select(AuditEvent))
        )
    assert "settings.change" in audit
    for secret in secrets:
        assert secret not in logged, f"a secret reached the log: {secret[:4]}…"
        assert secret not in audit, f"a secret reached the audit trail: {secret[:4]}…"


def _exercise_every_method(client: TestClient, make_client: MakeClient) -> list[str]:
    caller = make_client()
    raw = new_token(client, ALICE)["rawToken"]
    caller.get(SPACE, headers={"Authorization": f"Bearer {raw}"})
    caller.get(SPACE, headers={"Authorization": f"Bearer {raw}x"})
    for password in (ALICE[1], WRONG):
        encoded = base64.b64encode(f"alice:{password}".encode()).decode()
        caller.get(SPACE, headers={"Authorization": f"Basic {encoded}"})
        caller.get(SPACE, params={"os_username": "alice", "os_password": password})
    browser = make_client()
    login(browser, ALICE[0], WRONG)
    login(browser, *ALICE)
    cookie = browser.cookies[SESSION_COOKIE]
    csrf = csrf_token_of(browser.get("/login").text)
    browser.post("/logout", data={"atl_token": csrf})
    client.put("/rest/pressroom/1/admin/users/alice", json={"password": NEW_PASSWORD})
    client.post("/rest/pressroom/1/admin/users", json={"username": "carol", "password": WRONG * 2})
    return [ALICE[1], WRONG, NEW_PASSWORD, raw, cookie, csrf, "admin-secret"]
