"""Remembering recently verified passwords, so HTTP Basic does not cost an argon2
verification (~90 ms) on every request of a polling client, nor an audit row on every
request: a remembered login is audited once per user, address and method every
``AUDIT_EVERY``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

AUDIT_EVERY = timedelta(minutes=10)


class CredentialCache:
    """Maps a keyed hash of (username, password) to the password hash it was verified
    against. The caller compares that with the user's current hash, so a password changed
    on any node ends the entry; entries also expire after ``ttl`` seconds.

    Only the HMAC of the password is kept, never the password itself.
    """

    def __init__(
        self,
        ttl: float = 300.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = secrets.token_bytes(32)
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[bytes, tuple[float, str]] = OrderedDict()
        self._audited: OrderedDict[tuple[str, str, str], datetime] = OrderedDict()
        self._lock = threading.Lock()
        self._checks: dict[bytes, tuple[threading.Lock, int]] = {}

    def _digest(self, username: str, password: str) -> bytes:
        message = username.encode() + b"\x00" + password.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, username: str, password: str) -> str | None:
        """The password hash this pair was verified against, if remembered."""
        digest = self._digest(username, password)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            expires, stamp = entry
            if expires < self._clock():
                del self._entries[digest]
                return None
            return stamp

    @contextmanager
    def one_check_at_a_time(self, username: str, password: str) -> Iterator[None]:
        """Held while a pair's password is checked: requests that arrive with the same pair
        meanwhile wait for that one check and then find it remembered, instead of each
        running argon2 of its own."""
        digest = self._digest(username, password)
        with self._lock:
            check, waiting = self._checks.get(digest, (threading.Lock(), 0))
            self._checks[digest] = (check, waiting + 1)
        try:
            with check:
                yield
        finally:
            with self._lock:
                check, waiting = self._checks[digest]
                if waiting == 1:
                    del self._checks[digest]
                else:
                    self._checks[digest] = (check, waiting - 1)

    def put(self, username: str, password: str, password_hash: str) -> None:
        digest = self._digest(username, password)
        with self._lock:
            self._entries[digest] = (self._clock() + self._ttl, password_hash)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def audit_due(self, username: str, address: str, method: str, now: datetime) -> bool:
        """Whether a login the cache answered is to be audited: none was for this user,
        address and method within ``AUDIT_EVERY``."""
        with self._lock:
            last = self._audited.get((username, address, method))
        return last is None or now - last >= AUDIT_EVERY

    def audited(self, username: str, address: str, method: str, now: datetime) -> None:
        key = (username, address, method)
        with self._lock:
            self._audited[key] = now
            self._audited.move_to_end(key)
            while len(self._audited) > self._capacity:
                self._audited.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._audited.clear()
