"""Labels on pages, blog posts and attachments: list, add, remove.

A label is a (prefix, name) row shared by all content that carries it; adding a
label creates the row on first use. Two requests may create the same new label at
once: the unique constraint lets one win, the other re-reads the winner's row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.auth.space_access import require_grant
from pressroom.content.documents import get_content
from pressroom.content.models import Label, content_labels
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound

LABEL_PREFIXES = ("global", "my", "team")
# The characters Confluence's label parser refuses in a name (besides whitespace).
FORBIDDEN_CHARACTERS = frozenset(":;,.?&[]()#^*@!<>")
MAX_LABEL_NAME = 255


@dataclass(frozen=True, slots=True)
class LabelName:
    """A validated label: prefix one of global/my/team, name lowercased."""

    prefix: str
    name: str

    @classmethod
    def checked(cls, prefix: str, name: str) -> LabelName:
        prefix = prefix.strip().lower()
        if prefix not in LABEL_PREFIXES:
            raise InvalidInput(
                f"The label prefix '{prefix}' is not allowed; use one of "
                f"{', '.join(LABEL_PREFIXES)}."
            )
        return cls(prefix, checked_label_name(name))


def checked_label_name(name: str) -> str:
    """``name`` lowercased, or InvalidInput saying what is wrong with it."""
    name = name.strip().lower()
    if not name:
        raise InvalidInput("The label name must not be empty.")
    if len(name) > MAX_LABEL_NAME:
        raise InvalidInput(f"The label name must be at most {MAX_LABEL_NAME} characters long.")
    if any(char.isspace() for char in name):
        raise InvalidInput(f"The label '{name}' contains a space; labels are single words.")
    bad = sorted({char for char in name if char in FORBIDDEN_CHARACTERS})
    if bad:
        raise InvalidInput(
            f"The label '{name}' contains {' '.join(bad)}; labels cannot contain any of "
            f"{''.join(sorted(FORBIDDEN_CHARACTERS))}."
        )
    if not name.isprintable():
        raise InvalidInput("The label name contains control or invalid characters.")
    return name


def list_labels(
    session: Session,
    identity: Identity,
    content_id: int,
    start: int,
    limit: int,
    prefix: str | None = None,
) -> tuple[list[Label], int]:
    """One page of the labels of the content, ordered by name, and how many there are."""
    content = get_content(session, identity, content_id)
    statement = _labels_of(content.id)
    if prefix is not None:
        statement = statement.where(Label.prefix == prefix.lower())
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = statement.order_by(Label.name, Label.prefix).offset(start).limit(limit)
    return list(session.scalars(page)), total


def add_labels(
    session: Session, identity: Identity, content_id: int, labels: list[LabelName]
) -> list[Label]:
    """Attach ``labels`` (those already there are left alone); all labels of the content."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to add labels.")
    content = get_content(session, identity, content_id)
    require_grant(session, identity, content.space, "edit", "add labels")
    for wanted in dict.fromkeys(labels):
        label = _label_row(session, wanted)
        _attach(session, content.id, label)
    session.expire(content, ["labels"])
    return list(session.scalars(_labels_of(content.id).order_by(Label.name, Label.prefix)))


def remove_label(session: Session, identity: Identity, content_id: int, name: str) -> None:
    """Detach the label called ``name`` (``prefix:name`` picks one prefix)."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to remove labels.")
    content = get_content(session, identity, content_id)
    require_grant(session, identity, content.space, "edit", "remove labels")
    prefix, _, bare = name.rpartition(":")
    bare = bare.strip().lower()
    condition = Label.name == bare
    if prefix:
        condition = and_(condition, Label.prefix == prefix.strip().lower())
    matching = _labels_of(content.id).where(condition).with_only_columns(Label.id)
    label_ids = list(session.scalars(matching))
    if not label_ids:
        raise NotFound(f"The content {content_id} has no label '{name}'.")
    session.execute(
        delete(content_labels).where(
            content_labels.c.content_id == content.id, content_labels.c.label_id.in_(label_ids)
        )
    )
    session.expire(content, ["labels"])


def _labels_of(content_id: int) -> Select[Label]:
    return (
        select(Label)
        .join(content_labels, content_labels.c.label_id == Label.id)
        .where(content_labels.c.content_id == content_id)
    )


def _find(session: Session, wanted: LabelName) -> Label | None:
    return session.scalar(
        select(Label).where(Label.prefix == wanted.prefix, Label.name == wanted.name)
    )


def _label_row(session: Session, wanted: LabelName) -> Label:
    existing = _find(session, wanted)
    if existing is not None:
        return existing
    label = Label(prefix=wanted.prefix, name=wanted.name)
    try:
        with session.begin_nested():
            session.add(label)
            session.flush()
    except IntegrityError as exc:
        winner = _find(session, wanted)
        if winner is None:
            raise Conflict("The labels changed while this request ran; try again.") from exc
        return winner
    return label


def _attach(session: Session, content_id: int, label: Label) -> None:
    linked = select(content_labels.c.label_id).where(
        content_labels.c.content_id == content_id, content_labels.c.label_id == label.id
    )
    if session.scalar(linked) is not None:
        return
    try:
        with session.begin_nested():
            session.execute(insert(content_labels).values(content_id=content_id, label_id=label.id))
    except IntegrityError as exc:
        if session.scalar(linked) is None:
            raise Conflict("The content changed while labels were added; try again.") from exc
