"""What a failure inside one element of a page costs.

Readers and writers handle each element (an emoticon, a table, a macro) on its own.
When handling one fails, the **lenient** policy (the default, in production) costs
that element only: the caller puts a visible placeholder in its place (such as
``[unreadable emoticon]``) and a warning naming the page and the element goes to the
job's ``log``; the rest of the page and the export go on. The **strict** policy
re-raises the same failure instead, so that tests, fuzzing and property tests see
every crash (the test suite runs strict: ``tests/conftest.py``).

The switch is process-wide, not per thread or context: exports run in worker
threads and in the Word writer's pool processes (handed the policy with each
export), and all of them must see the same policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

MAX_DETAIL: Final = 160  # characters of an error message quoted in a warning

_strict = False


def is_strict() -> bool:
    """Whether failures inside one element raise (tests) instead of being contained."""
    return _strict


@contextmanager
def strict_failures(enabled: bool = True) -> Iterator[None]:
    """Within the block, element failures raise (``enabled``) or are contained."""
    global _strict
    before = _strict
    _strict = enabled
    try:
        yield
    finally:
        _strict = before


def failure_detail(error: BaseException) -> str:
    """``TypeName: message``, short enough for one line of a job log."""
    message = " ".join(str(error).split())
    if len(message) > MAX_DETAIL:
        message = message[: MAX_DETAIL - 1] + "\u2026"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
