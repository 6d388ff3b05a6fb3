"""Logged values cannot forge log lines: control characters are escaped in one place."""

from __future__ import annotations

import base64
import io
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pressroom.logs import configure_logging

FORGED = (
    "mallory\n2026-11-26 12:00:00,000 INFO pressroom.audit audit event=login.success actor=admin"
)
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+ ")


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """The process's log, configured as ``pressroom serve`` does, into a buffer."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging(stream=stream)
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]


def test_a_username_with_a_newline_is_logged_on_one_line(
    server_log: io.StringIO, anonymous: TestClient
) -> None:
    encoded = base64.b64encode(f"{FORGED}:wrong".encode()).decode()
    response = anonymous.get("/rest/api/space", headers={"Authorization": f"Basic {encoded}"})
    assert response.status_code == 401
    lines = server_log.getvalue().splitlines()
    audit = [line for line in lines if "event=login.failure" in line]
    assert len(audit) == 1
    assert "actor=mallory\\n2026-11-26" in audit[0]
    assert all(RECORD.match(line) for line in lines), lines
    assert not any("event=login.success" in line and "login.failure" not in line for line in lines)


@pytest.mark.parametrize("control", ["\r", "\x1b", "\x85", "\u2028", "\u2029", "\x00", "\t"])
def test_every_control_character_is_escaped(server_log: io.StringIO, control: str) -> None:
    logging.getLogger("pressroom.test").warning("value=%s end", f"a{control}b")
    [line] = server_log.getvalue().splitlines()
    assert control not in line
    assert line.endswith(f"value=a{ascii(control)[1:-1]}b end")


def test_a_traceback_stays_under_its_record(server_log: io.StringIO) -> None:
    try:
        raise ValueError(FORGED)
    except ValueError:
        logging.getLogger("pressroom.test").exception("failed user=%s", "x")
    first, *rest = server_log.getvalue().splitlines()
    assert RECORD.match(first)
    assert rest and all(line.startswith("  | ") for line in rest)
