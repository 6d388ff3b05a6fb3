"""Domain exceptions. Services raise them; ``api/errors.py`` maps them to HTTP once."""

from __future__ import annotations


class PressroomError(Exception):
    """Base of every error a user can act on; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(PressroomError):
    """A parameter or body field is missing or not allowed (400)."""


class NotAuthenticated(PressroomError):
    """The request carries no valid identity and the resource is not public (401)."""


class PermissionDenied(PressroomError):
    """Authenticated, but not allowed to do this (403)."""


class NotFound(PressroomError):
    """Unknown, or invisible to this user: the two are indistinguishable (404)."""


class Conflict(PressroomError):
    """The request contradicts the current state, e.g. a stale version number (409)."""


class TooLarge(PressroomError):
    """A body or upload is over its configured limit (413)."""


class UnsupportedMediaType(PressroomError):
    """The request body has a content type this endpoint does not take (415)."""


class TooManyRequests(PressroomError):
    """Too many attempts or jobs; try again after ``retry_after`` seconds (429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(PressroomError):
    """This node cannot serve the request now, though the request is right (503)."""


def kind_of(error: PressroomError) -> str:
    """The name of the kind above (``"TooLarge"``…) that ``error`` is, for storing."""
    for kind in type(error).__mro__:
        if kind.__module__ == __name__ and kind is not PressroomError:
            return kind.__name__
    return PressroomError.__name__
