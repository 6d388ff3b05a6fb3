"""Who sees a job: its owner (user or anonymous session) and administrators; for anyone
else it does not exist. Export needs the space's export permission."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)

PERMISSIONS = "/rest/pressroom/1/space/{key}/permissions"


def _user(admin: TestClient, name: str) -> tuple[str, str]:
    password = f"{name}-password-123"
    response = admin.post(
        "/rest/pressroom/1/admin/users",
        json={
            "username": name,
            "password": password,
            "fullName": name.title(),
            "email": f"{name}@example.com",
        },
    )
    assert response.status_code == 201, response.text
    return name, password


def _grant(admin: TestClient, key: str, users: dict[str, list[str]], anonymous: list[str]) -> None:
    response = admin.put(
        PERMISSIONS.format(key=key), json={"anonymous": anonymous, "users": users, "groups": {}}
    )
    assert response.status_code == 200, response.text


def _start(client: TestClient, page_id: str) -> str:
    response = client.post(
        f"{WORD_BASE}/exports", json={"pageId": page_id, "templateId": DEFAULT_TEMPLATE}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def test_only_the_owner_and_admins_see_a_job(
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
) -> None:
    start_workers()
    create_space(job_client)
    page = create_page(job_client, "Shared")
    alice, bob = _user(job_client, "alice"), _user(job_client, "bob")
    _grant(job_client, "DOC", {"alice": ["view", "export"], "bob": ["view", "export"]}, [])
    with TestClient(job_app) as as_alice, TestClient(job_app) as as_bob:
        as_alice.auth, as_bob.auth = alice, bob
        job_id = _start(as_alice, page["id"])
        done = wait_for_status(as_alice, job_id, finished)
        assert done["status"] == "complete"
        path = done["downloadUrl"].split("testserver", 1)[1]
        assert as_alice.get(path).status_code == 200
        for request in (
            lambda: as_bob.get(f"{WORD_BASE}/exports/{job_id}/status"),
            lambda: as_bob.get(path),
            lambda: as_bob.delete(f"{WORD_BASE}/exports/{job_id}"),
        ):
            assert request().status_code == 404
        assert job_client.get(f"{WORD_BASE}/exports/{job_id}/status").status_code == 200
        assert job_client.get(path).status_code == 200


def test_export_needs_the_export_permission(
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
) -> None:
    create_space(job_client)
    page = create_page(job_client, "Read only")
    carol = _user(job_client, "carol")
    _grant(job_client, "DOC", {"carol": ["view"]}, [])
    with TestClient(job_app) as as_carol:
        as_carol.auth = carol
        assert as_carol.get(f"/rest/api/content/{page['id']}").status_code == 200
        response = as_carol.post(
            f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
        )
        assert response.status_code == 403
        assert "export" in response.json()["message"]


def test_anonymous_jobs_belong_to_their_session_cookie(
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
) -> None:
    start_workers()
    create_space(job_client, "PUB", anonymousAccess=True)
    page = create_page(job_client, "Public manual", space="PUB")
    with TestClient(job_app) as visitor, TestClient(job_app) as stranger:
        job_id = _start(visitor, page["id"])
        assert visitor.cookies, "the start response sets a session cookie"
        done = wait_for_status(visitor, job_id, finished)
        assert done["status"] == "complete"
        path = done["downloadUrl"].split("testserver", 1)[1]
        assert visitor.get(path).status_code == 200
        assert stranger.get(f"{WORD_BASE}/exports/{job_id}/status").status_code == 404
        assert stranger.get(path).status_code == 404
        second = _start(visitor, page["id"])  # the same session keeps its jobs
        assert visitor.get(f"{WORD_BASE}/exports/{second}/status").status_code == 200


def test_anonymous_export_of_a_private_space_needs_login(
    job_client: TestClient, anonymous: TestClient
) -> None:
    create_space(job_client, "PRIV")
    page = create_page(job_client, "Secret", space="PRIV")
    response = anonymous.post(
        f"{WORD_BASE}/exports", json={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
    )
    assert response.status_code == 401
    sync = anonymous.get(
        f"{WORD_BASE}/export-sync", params={"pageId": page["id"], "templateId": DEFAULT_TEMPLATE}
    )
    assert sync.status_code == 401


def test_every_response_carries_the_node_affinity_cookie(job_client: TestClient) -> None:
    response = job_client.get("/status")
    assert any(name.upper().endswith("NODE") for name in response.cookies), response.cookies
