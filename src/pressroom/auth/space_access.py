"""The one check every write path makes: does the caller hold a grant on a space?

Callers first find the space or content as the caller may view it (a space the caller
may not view answers 404, or 401 to anonymous callers, exactly like a missing one); then
:func:`require_grant` refuses what the caller may see but not do, naming the grant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, space_grants_of
from pressroom.auth.space_grants import PERMISSIONS
from pressroom.errors import NotAuthenticated, NotFound, PermissionDenied

if TYPE_CHECKING:
    from pressroom.content.models import Space

# How a message names the content an action is about.
CONTENT_NOUNS = {"page": "pages", "blogpost": "blog posts", "attachment": "attachments"}


def require_grant(
    session: Session, identity: Identity, space: Space, grant: str, action: str
) -> None:
    """Raise unless the caller holds ``grant`` (and ``view``) on ``space``.

    ``action`` completes "You need the 'edit' permission on space DOCS to …", e.g.
    "edit pages"."""
    if grant not in PERMISSIONS:
        raise ValueError(f"unknown grant {grant!r}")
    held = space_grants_of(session, identity, space.id)
    if grant in held:
        return
    if identity.anonymous:
        raise NotAuthenticated(f"Log in to {action} in space {space.key}.")
    if "view" not in held:
        raise NotFound(f"No space with key {space.key} exists or you may not view it.")
    raise PermissionDenied(
        f"You need the '{grant}' permission on space {space.key} to {action}; "
        "ask a space administrator for it."
    )
