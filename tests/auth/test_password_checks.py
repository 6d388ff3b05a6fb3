"""A burst of password logins costs one argon2 check per distinct pair, and never more
checks at once than the process has cores (each check holds 64 MiB)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from pressroom.auth import passwords
from tests.conftest import ADMIN, serving

CALLERS = 12


class CountingHasher:
    """The real (cheap) argon2 hasher, counting its checks and how many ran at once."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self._lock = threading.Lock()
        self.checks = 0
        self.running = 0
        self.most_at_once = 0

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.checks += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            return self._hasher.verify(password_hash, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def all_at_once(base_url: str, credentials: list[tuple[str, str]]) -> list[int]:
    start = threading.Barrier(len(credentials))
    statuses: list[int] = [0] * len(credentials)

    def call(index: int) -> None:
        start.wait(timeout=30)
        response = httpx.get(f"{base_url}/rest/api/space", auth=credentials[index], timeout=60)
        statuses[index] = response.status_code

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(credentials))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_a_burst_of_first_logins_with_one_password_checks_it_once(
    base_url: str, hasher: CountingHasher
) -> None:
    statuses = all_at_once(base_url, [ADMIN] * CALLERS)
    assert statuses == [200] * CALLERS
    assert hasher.checks == 1


def test_a_burst_of_guesses_never_checks_more_passwords_at_once_than_there_are_cores(
    base_url: str, hasher: CountingHasher
) -> None:
    guesses = [(f"nobody-{i}", f"guess-{i}") for i in range(CALLERS)]
    statuses = all_at_once(base_url, guesses)
    assert set(statuses) <= {401, 429} and 401 in statuses
    assert 1 <= hasher.most_at_once <= passwords.VERIFICATIONS_AT_ONCE
