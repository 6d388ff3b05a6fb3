"""Attachments over HTTP: Confluence's multipart upload endpoints and the download path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from pressroom.api.confluence_json import content_json, list_json
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, SettingsDep, require_xsrf_token
from pressroom.api.downloads import content_disposition
from pressroom.auth.identity import Identity
from pressroom.config import Settings
from pressroom.content.attachments import (
    IncomingFile,
    StoredFile,
    add_attachment,
    check_may_attach,
    find_attachment_file,
    receive_file,
    save_attachment,
    update_attachment_data,
)
from pressroom.content.models import Content
from pressroom.db import Database
from pressroom.errors import (
    InvalidInput,
    NotAuthenticated,
    NotFound,
    UnsupportedMediaType,
)

router = APIRouter(tags=["attachments"])

MAX_FILES = 50
MAX_TEXT_FIELD_BYTES = 64 * 1024
RETURNED_EXPANSIONS = frozenset({"version", "container"})
# Raster images are safe to show in the browser; everything else is downloaded.
INLINE_MEDIA_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff"}
)
UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "comment": {"type": "string"},
                        "minorEdit": {"type": "boolean"},
                    },
                    "required": ["file"],
                }
            }
        },
        "required": True,
    }
}

# Saves one received file inside the request's transaction (comment None: not sent).
SaveOne = Callable[[Session, IncomingFile, "str | None", bool], Content]


@dataclass(frozen=True, slots=True)
class AttachmentForm:
    """The fields of a Confluence attachment upload: ``file`` parts, ``comment``, ``minorEdit``."""

    files: list[UploadFile]
    comments: list[str]
    minor_edit: bool

    def comment_for(self, index: int) -> str | None:
        if not self.comments:
            return None
        return self.comments[0] if len(self.comments) == 1 else self.comments[index]


@asynccontextmanager
async def attachment_form(
    request: Request, db: Database, identity: Identity, content_id: int
) -> AsyncIterator[AttachmentForm]:
    """The parsed upload for the page or attachment ``content_id``, once the caller is
    known to hold the 'attach' grant; its spooled files are closed on exit."""
    require_xsrf_token(request)
    if identity.anonymous:
        raise NotAuthenticated("Log in to add or change attachments.")
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "Send attachments as multipart/form-data with the file in a part named 'file'."
        )
    await run_in_threadpool(_check_may_attach, db, identity, content_id)
    async with request.form(
        max_files=MAX_FILES, max_fields=MAX_FILES + 10, max_part_size=MAX_TEXT_FIELD_BYTES
    ) as form:
        yield _parsed(form)


def _check_may_attach(db: Database, identity: Identity, content_id: int) -> None:
    with db.read() as session:
        check_may_attach(session, identity, content_id)


def _parsed(form: FormData) -> AttachmentForm:
    parts = form.getlist("file")
    files = [part for part in parts if isinstance(part, UploadFile)]
    if not parts:
        raise InvalidInput("Send the file in a multipart part named 'file'.")
    if len(files) != len(parts):
        raise InvalidInput("The 'file' part must be a file upload with a filename.")
    comments = _text_fields(form, "comment")
    if len(comments) > 1 and len(comments) != len(files):
        raise InvalidInput(
            f"Send one 'comment' per file, in the same order ({len(files)} files, "
            f"{len(comments)} comments), or a single comment for all."
        )
    return AttachmentForm(files, comments, _minor_edit(_text_fields(form, "minorEdit")))


def _text_fields(form: FormData, name: str) -> list[str]:
    values = form.getlist(name)
    texts = [value for value in values if isinstance(value, str)]
    if len(texts) != len(values):
        raise InvalidInput(f"The '{name}' part must be text, not a file.")
    return texts


def _minor_edit(values: list[str]) -> bool:
    if not values:
        return False
    value = values[0].strip().lower()
    if value not in {"true", "false"}:
        raise InvalidInput("'minorEdit' must be true or false.")
    return value == "true"


def _save_all(
    db: Database, settings: Settings, base: str, form: AttachmentForm, save_one: SaveOne
) -> list[dict[str, Any]]:
    """Receive every file, then save them all in one transaction, or none of them."""
    received: list[IncomingFile] = []
    try:
        for upload in form.files:
            received.append(
                receive_file(settings, upload.filename, upload.file, upload.content_type)
            )
        with db.write() as session:
            saved = [
                save_one(session, incoming, form.comment_for(index), form.minor_edit)
                for index, incoming in enumerate(received)
            ]
            return [content_json(item, base, RETURNED_EXPANSIONS) for item in saved]
    finally:
        for incoming in received:
            incoming.discard()


async def _upload(
    request: Request,
    db: Database,
    identity: Identity,
    base: str,
    container_id: int,
    save_one: SaveOne,
) -> list[dict[str, Any]]:
    settings: Settings = request.app.state.settings
    async with attachment_form(request, db, identity, container_id) as form:
        return await run_in_threadpool(_save_all, db, settings, base, form, save_one)


@router.post("/rest/api/content/{content_id:int}/child/attachment", openapi_extra=UPLOAD_BODY)
async def create_attachments(
    content_id: int,
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    settings: SettingsDep,
    allowDuplicated: Annotated[bool, Query()] = False,  # noqa: N803
) -> dict[str, Any]:
    """Add one or more attachments. A name already on the page is a 400, unless
    ``allowDuplicated=true``: then the file becomes that attachment's new version."""

    def save_one(
        session: Session, incoming: IncomingFile, comment: str | None, minor: bool
    ) -> Content:
        if allowDuplicated:
            return save_attachment(
                session, identity, settings, content_id, incoming, comment, minor
            )
        return add_attachment(
            session, identity, settings, content_id, incoming, comment or "", minor
        )

    results = await _upload(request, db, identity, base, content_id, save_one)
    return list_json(results, 0, len(results), base, None)


@router.put("/rest/api/content/{content_id:int}/child/attachment", openapi_extra=UPLOAD_BODY)
async def create_or_update_attachments(
    content_id: int,
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Add each file, or a new version of the page's attachment that has its name."""

    def save_one(
        session: Session, incoming: IncomingFile, comment: str | None, minor: bool
    ) -> Content:
        return save_attachment(session, identity, settings, content_id, incoming, comment, minor)

    results = await _upload(request, db, identity, base, content_id, save_one)
    return list_json(results, 0, len(results), base, None)


@router.post(
    "/rest/api/content/{content_id:int}/child/attachment/{attachment_id:int}/data",
    openapi_extra=UPLOAD_BODY,
)
async def update_attachment_data_of_page(
    content_id: int,
    attachment_id: int,
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
) -> dict[str, Any]:
    """Upload a new version of an attachment of the page ``content_id``."""
    return await _new_version(request, db, identity, base, attachment_id, content_id)


async def update_attachment_from_form(
    content_id: int, request: Request, db: Database, identity: Identity, base: str
) -> dict[str, Any]:
    """Multipart ``PUT /rest/api/content/{attachmentId}``: a new version of the attachment."""
    return await _new_version(request, db, identity, base, content_id, None)


async def _new_version(
    request: Request,
    db: Database,
    identity: Identity,
    base: str,
    attachment_id: int,
    container_id: int | None,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings

    def save_one(
        session: Session, incoming: IncomingFile, comment: str | None, minor: bool
    ) -> Content:
        return update_attachment_data(
            session,
            identity,
            settings,
            attachment_id,
            incoming,
            comment,
            minor,
            container_id=container_id,
        )

    async with attachment_form(request, db, identity, attachment_id) as form:
        if len(form.files) != 1:
            raise InvalidInput("Send exactly one 'file' part: the new version's bytes.")
        results = await run_in_threadpool(_save_all, db, settings, base, form, save_one)
    return results[0]


@router.head("/download/attachments/{content_id:int}/{filename}", include_in_schema=False)
@router.get("/download/attachments/{content_id:int}/{filename}")
def download_attachment(
    content_id: int,
    filename: str,
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The bytes of an attachment (current version, or ``version``), whatever ``Accept`` says."""
    with db.read() as session:
        stored = find_attachment_file(session, identity, settings, content_id, filename, version)
    response = _file_response(stored)
    if _etag_matches(request.headers.get("if-none-match"), response.headers["etag"]):
        kept = {name: response.headers[name] for name in ("etag", "last-modified", "cache-control")}
        return Response(status_code=304, headers=kept)
    return response


def _file_response(stored: StoredFile) -> FileResponse:
    try:
        status = stored.path.stat()
    except FileNotFoundError as exc:  # purged since the row was read
        raise NotFound("This attachment was deleted a moment ago.") from exc
    inline = stored.media_type in INLINE_MEDIA_TYPES
    headers = {
        "Content-Disposition": content_disposition(
            stored.filename, "inline" if inline else "attachment"
        ),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return FileResponse(
        stored.path, media_type=stored.media_type, headers=headers, stat_result=status
    )


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates
