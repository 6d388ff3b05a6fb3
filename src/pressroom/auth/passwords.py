"""Password hashing with argon2 (constant-time verification)."""

from __future__ import annotations

import functools
import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Each argon2 check holds 64 MiB and a core for a moment: a burst of first logins (or of
# guesses) queues for a core instead of growing the process by 64 MiB per request.
VERIFICATIONS_AT_ONCE = max(
    1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)
_verification_slots = threading.BoundedSemaphore(VERIFICATIONS_AT_ONCE)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so that a wrong username costs
    as much time as a wrong password and the two cannot be told apart. Made on first
    use: a hash at import time would slow down every command."""
    return str(_hasher.hash("pressroom-no-such-user"))


def hash_password(password: str) -> str:
    with _verification_slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    with _verification_slots:
        try:
            return bool(_hasher.verify(password_hash or _dummy_hash(), password)) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False
