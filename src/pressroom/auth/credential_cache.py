"""Remembering recently verified passwords, so HTTP Basic does not cost an argon2
verification (~90 ms) on every request of a polling client."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from pressroom.auth.identity import Identity


class CredentialCache:
    """Maps a keyed hash of (username, password) to the identity it proved.

    Only the HMAC is kept, never the password; entries expire after ``ttl`` seconds
    and the whole cache is dropped whenever a user's password or status changes.
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
        self._entries: OrderedDict[bytes, tuple[float, Identity]] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, username: str, password: str) -> bytes:
        message = username.encode() + b"\x00" + password.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, username: str, password: str) -> Identity | None:
        digest = self._digest(username, password)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            expires, identity = entry
            if expires < self._clock():
                del self._entries[digest]
                return None
            return identity

    def put(self, username: str, password: str, identity: Identity) -> None:
        digest = self._digest(username, password)
        with self._lock:
            self._entries[digest] = (self._clock() + self._ttl, identity)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
