"""Attachments: the files of pages and blog posts, versioned, kept under the home directory.

An attachment is a ``Content`` row of type "attachment" whose parent is its page, with a
``ContentVersion`` row per version. The bytes of version N of attachment I live at
``<attachments_dir>/I/N``: paths are built from numbers only, never from a user's string.

An upload is first received into ``<attachments_dir>/incoming`` (size-limited, streamed in
chunks), outside any transaction; inside the transaction it is moved into place. Files moved
into place by a transaction that does not commit are removed again, and files of purged
attachments are removed only once the purge commits: session events below take care of
both, so every caller of this module gets it right without bookkeeping of its own.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from PIL import Image
from sqlalchemy import CursorResult, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from pressroom.auth.identity import Identity
from pressroom.auth.space_access import require_grant
from pressroom.clock import utcnow
from pressroom.config import Settings
from pressroom.content.documents import get_content
from pressroom.content.models import DOCUMENT_TYPES, Content, ContentVersion
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, TooLarge

log = logging.getLogger("pressroom.attachments")

CHUNK_BYTES = 1024 * 1024
MAX_FILENAME = 255
MAX_COMMENT = 4000
INCOMING_DIR = "incoming"
FILE_KEY = re.compile(r"^[0-9]+/[0-9]+$")
MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
# What clients send when they do not know; the content or the name tells more.
GENERIC_MEDIA_TYPES = frozenset(
    {
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "application/x-unknown",
        "application/download",
        "application/force-download",
    }
)
SNIFFED_IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")
# Bidirectional overrides let "exe.png" display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(slots=True)
class IncomingFile:
    """An upload received into the store, not yet an attachment; ``discard`` when done."""

    filename: str
    path: Path
    size: int
    media_type: str

    def discard(self) -> None:
        """Remove the received bytes if no attachment took them."""
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One version of an attachment, as the download path serves it."""

    path: Path
    filename: str
    media_type: str
    size: int
    version: int


def checked_filename(name: str | None) -> str:
    """The attachment's name as sent, in Unicode NFC, if it is safe to keep; else a 400
    saying why. (macOS sends decomposed names, NFD; storage format may name the file
    in either form: both are one attachment.)"""
    if not name or not name.strip():
        raise InvalidInput("The file name must not be empty.")
    if len(name) > MAX_FILENAME:
        raise InvalidInput(f"The file name must be at most {MAX_FILENAME} characters long.")
    if "/" in name or "\\" in name:
        raise InvalidInput("The file name must not contain '/' or '\\': send the bare name.")
    if name in {".", ".."}:
        raise InvalidInput("The file name must not be '.' or '..'.")
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in name):
        raise InvalidInput("The file name must not contain control characters.")
    return unicodedata.normalize("NFC", name)


def checked_comment(comment: str) -> str:
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"The comment must be at most {MAX_COMMENT} characters long.")
    if "\x00" in comment:
        raise InvalidInput("The comment must not contain NUL characters.")
    return comment


def receive_file(
    settings: Settings, filename: str | None, stream: BinaryIO, declared_media_type: str | None
) -> IncomingFile:
    """Copy ``stream`` into the store's incoming folder, in chunks, within the upload limit."""
    name = checked_filename(filename)
    incoming = settings.attachments_dir / INCOMING_DIR
    incoming.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=incoming, suffix=".part")
    path = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as target:
            size = _copy_within_limit(stream, target, settings.max_upload_bytes, name)
            target.flush()
            os.fsync(target.fileno())
        media_type = _media_type(declared_media_type, path, name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return IncomingFile(filename=name, path=path, size=size, media_type=media_type)


def _copy_within_limit(source: BinaryIO, target: BinaryIO, limit: int, name: str) -> int:
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise TooLarge(
                f"The file '{name}' is larger than the upload limit of {limit} bytes. "
                "Send a smaller file, or ask the administrator to raise "
                "PRESSROOM_MAX_UPLOAD_BYTES."
            )
        target.write(chunk)
    return size


def _media_type(declared: str | None, path: Path, name: str) -> str:
    """The client's type if it is specific, else what the bytes or the name say."""
    specific = (declared or "").split(";", 1)[0].strip().lower()
    if MEDIA_TYPE.match(specific) and specific not in GENERIC_MEDIA_TYPES:
        return specific
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return _sniffed_image_type(path) or guessed or "application/octet-stream"


def _sniffed_image_type(path: Path) -> str | None:
    try:
        with Image.open(path, formats=SNIFFED_IMAGE_FORMATS) as image:
            return Image.MIME.get(image.format or "")
    except Exception:  # any failure only means "not an image we know"
        return None


def add_attachment(
    session: Session,
    identity: Identity,
    settings: Settings,
    container_id: int,
    upload: IncomingFile,
    comment: str = "",
    minor_edit: bool = False,
) -> Content:
    """A new attachment on a page or blog post; its name must be new on that page."""
    container = _container(session, identity, container_id)
    comment = checked_comment(comment)
    if _current_attachment(session, container.id, upload.filename) is not None:
        raise InvalidInput(_duplicate_message(upload.filename))
    now = utcnow()
    attachment = Content(
        type="attachment",
        space_id=container.space_id,
        parent_id=container.id,
        title=upload.filename,
        version=1,
        creator_id=identity.user_id,
        modifier_id=identity.user_id,
        created_at=now,
        modified_at=now,
        media_type=upload.media_type,
        file_size=upload.size,
        comment=comment,
    )
    session.add(attachment)
    _flush_or(session, InvalidInput(_duplicate_message(upload.filename)))
    attachment.file_key = _file_key(attachment.id, 1)
    session.add(_version_row(attachment, 1, identity, comment, minor_edit))
    session.flush()
    _move_into_place(session, settings, upload, attachment.file_key)
    return attachment


def update_attachment_data(
    session: Session,
    identity: Identity,
    settings: Settings,
    attachment_id: int,
    upload: IncomingFile,
    comment: str | None = None,
    minor_edit: bool = False,
    *,
    container_id: int | None = None,
) -> Content:
    """A new version of the attachment's bytes; its name stays. One writer wins each number.

    ``comment`` None keeps the current comment; ``container_id``, when given, must be the
    attachment's page.
    """
    attachment = _attachment(session, identity, attachment_id, container_id)
    comment = attachment.comment if comment is None else checked_comment(comment)
    current = attachment.version
    number = current + 1
    file_key = _file_key(attachment.id, number)
    statement = (
        update(Content)
        .where(Content.id == attachment.id, Content.version == current)
        .values(
            version=number,
            file_key=file_key,
            file_size=upload.size,
            media_type=upload.media_type,
            comment=comment,
            modified_at=utcnow(),
            modifier_id=identity.user_id,
        )
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    if result.rowcount != 1:
        raise Conflict(_raced_message(attachment, number))
    session.refresh(attachment)
    session.add(_version_row(attachment, number, identity, comment, minor_edit))
    _flush_or(session, Conflict(_raced_message(attachment, number)))
    _move_into_place(session, settings, upload, file_key)
    return attachment


def save_attachment(
    session: Session,
    identity: Identity,
    settings: Settings,
    container_id: int,
    upload: IncomingFile,
    comment: str | None = None,
    minor_edit: bool = False,
) -> Content:
    """Add the file, or a new version of the page's attachment with the same name."""
    container = _container(session, identity, container_id)
    existing = _current_attachment(session, container.id, upload.filename)
    if existing is None:
        return add_attachment(
            session, identity, settings, container.id, upload, comment or "", minor_edit
        )
    return update_attachment_data(
        session, identity, settings, existing.id, upload, comment, minor_edit
    )


def find_attachment_file(
    session: Session,
    identity: Identity,
    settings: Settings,
    container_id: int,
    filename: str,
    version: int | None = None,
) -> StoredFile:
    """The bytes of the named attachment of a page: its current version, or ``version``."""
    container = get_content(session, identity, container_id)
    attachment = _current_attachment(session, container.id, filename)
    if attachment is None:
        raise NotFound(f"Content {container_id} has no attachment named '{filename}'.")
    if version is None or version == attachment.version:
        stored: Content | ContentVersion = attachment
        number = attachment.version
    else:
        found = session.scalar(
            select(ContentVersion).where(
                ContentVersion.content_id == attachment.id, ContentVersion.number == version
            )
        )
        if found is None:
            raise NotFound(
                f"The attachment '{filename}' has no version {version}; "
                f"its current version is {attachment.version}."
            )
        stored, number = found, version
    return StoredFile(
        path=_stored_path(settings, stored.file_key),
        filename=attachment.title,
        media_type=stored.media_type or "application/octet-stream",
        size=stored.file_size or 0,
        version=number,
    )


def remove_files_on_commit(session: Session, settings: Settings, content_id: int) -> None:
    """Before purging ``content_id``: remove the files of it and of every attachment below
    it once the purge commits (the database cascades the rows, not the files)."""
    tree = select(Content.id).where(Content.id == content_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Content.id).where(Content.parent_id == tree.c.id))
    attachment_ids = session.scalars(
        select(Content.id).where(Content.id.in_(select(tree.c.id)), Content.type == "attachment")
    )
    doomed = session.info.setdefault(_DOOMED_DIRS, [])
    doomed.extend(settings.attachments_dir / str(int(i)) for i in attachment_ids)


def check_may_attach(session: Session, identity: Identity, content_id: int) -> None:
    """Refuse, before an upload is read, a caller who may not add or replace attachments
    of ``content_id`` (a page, blog post or attachment); the save checks again."""
    _attachable(session, identity, content_id)


def _attachable(session: Session, identity: Identity, content_id: int) -> Content:
    if identity.anonymous:
        raise NotAuthenticated("Log in to add or change attachments.")
    content = get_content(session, identity, content_id)
    require_grant(session, identity, content.space, "attach", "add or replace attachments")
    return content


def _container(session: Session, identity: Identity, container_id: int) -> Content:
    container = _attachable(session, identity, container_id)
    if container.type not in DOCUMENT_TYPES:
        raise InvalidInput("Attachments belong to pages and blog posts; give a page's id.")
    return container


def _attachment(
    session: Session, identity: Identity, attachment_id: int, container_id: int | None
) -> Content:
    attachment = _attachable(session, identity, attachment_id)
    if attachment.type != "attachment":
        raise InvalidInput(
            f"Content {attachment_id} is a {attachment.type}, not an attachment; "
            "update pages with a JSON PUT."
        )
    if container_id is not None and attachment.parent_id != container_id:
        raise NotFound(f"Content {container_id} has no attachment with id {attachment_id}.")
    return attachment


def _current_attachment(session: Session, container_id: int, filename: str) -> Content | None:
    return session.scalar(
        select(Content).where(
            Content.parent_id == container_id,
            Content.type == "attachment",
            Content.status == "current",
            Content.title == unicodedata.normalize("NFC", filename),
        )
    )


def _version_row(
    attachment: Content, number: int, identity: Identity, comment: str, minor_edit: bool
) -> ContentVersion:
    return ContentVersion(
        content_id=attachment.id,
        number=number,
        title=attachment.title,
        author_id=identity.user_id,
        created_at=attachment.modified_at,
        message=comment,
        minor_edit=minor_edit,
        media_type=attachment.media_type,
        file_size=attachment.file_size,
        file_key=attachment.file_key,
    )


def _flush_or(session: Session, error: Exception) -> None:
    """Flush; a unique constraint another writer got to first becomes ``error``."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise error from exc


def _duplicate_message(filename: str) -> str:
    return (
        "Cannot add a new attachment with same file name as an existing attachment: "
        f"{filename}. Upload a new version with POST .../child/attachment/{{id}}/data "
        "or PUT .../child/attachment."
    )


def _raced_message(attachment: Content, number: int) -> str:
    return (
        f"Someone else uploaded version {number} of '{attachment.title}' at the same time; "
        "send the file again."
    )


def _file_key(attachment_id: int, number: int) -> str:
    return f"{int(attachment_id)}/{int(number)}"


def _stored_path(settings: Settings, file_key: str | None) -> Path:
    if not file_key or not FILE_KEY.match(file_key):
        raise NotFound("This attachment version has no file in the store.")
    path = settings.attachments_dir / file_key
    if not path.is_file():
        log.error("attachment file missing path=%s", path)
        raise NotFound(
            "The file of this attachment version is missing from the server's store; "
            "upload it again or ask the administrator to restore the home directory."
        )
    return path


# --- files follow their transaction -------------------------------------------------------

_PLACED_FILES = "pressroom.attachments.placed"
_DOOMED_DIRS = "pressroom.attachments.doomed"


@dataclass(frozen=True, slots=True)
class _PlacedFile:
    path: Path
    device: int
    inode: int

    def remove_if_unchanged(self) -> None:
        # Another writer may have won the same version number after our rollback and put
        # its own file here: remove only the file we put.
        try:
            status = self.path.stat()
            if (status.st_dev, status.st_ino) == (self.device, self.inode):
                self.path.unlink()
            self.path.parent.rmdir()
        except OSError:
            pass


def _move_into_place(session: Session, settings: Settings, upload: IncomingFile, key: str) -> None:
    target = settings.attachments_dir / key
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(upload.path, target)
    status = target.stat()
    placed = _PlacedFile(target, status.st_dev, status.st_ino)
    session.info.setdefault(_PLACED_FILES, []).append(placed)


@event.listens_for(Session, "after_commit")
def _keep_files_of_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_PLACED_FILES, None)
    for directory in session.info.pop(_DOOMED_DIRS, []):
        shutil.rmtree(directory, ignore_errors=True)


@event.listens_for(Session, "after_transaction_end")
def _drop_files_of_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED_DIRS, None)
    for placed in session.info.pop(_PLACED_FILES, []):
        placed.remove_if_unchanged()
