"""``/rest/api/content``: pages and blog posts as Confluence Server/Data Center serves them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError
from sqlalchemy.orm import Session

from pressroom.api.confluence_json import (
    ContentRelations,
    content_json,
    history_json,
    list_json,
    parse_expand,
)
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, PagingDep, SettingsDep
from pressroom.api.errors import describe_validation
from pressroom.auth.identity import Identity
from pressroom.content.attachments import remove_files_on_commit
from pressroom.content.documents import (
    ContentQuery,
    DocumentChange,
    ancestors_of,
    children_of,
    create_document,
    delete_document,
    get_content,
    list_content,
    update_document,
    versions_of,
)
from pressroom.content.export_selection import PageResolver, choose
from pressroom.content.models import Content
from pressroom.db import Database
from pressroom.errors import InvalidInput, NotFound, UnsupportedMediaType
from pressroom.ids import parse_content_id

router = APIRouter(prefix="/rest/api/content", tags=["content"])

ExpandQuery = Annotated[str | None, Query(max_length=500, description="Comma-separated")]
ContentId = Annotated[int, Field(ge=1, le=2**62)]


class SpaceRef(BaseModel):
    key: StrictStr = Field(min_length=1, max_length=255)


class ContentRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int | StrictStr

    def numeric_id(self) -> int:
        parsed = self.id if isinstance(self.id, int) else parse_content_id(self.id)
        if parsed is not None:
            return parsed
        raise InvalidInput(f"The ancestor id '{self.id}' is not a numeric content id.")


class StorageValue(BaseModel):
    value: StrictStr
    representation: Literal["storage"] = "storage"


class BodyIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    storage: StorageValue


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    number: int = Field(ge=1)
    message: StrictStr = ""
    minorEdit: bool = False  # noqa: N815


class ContentCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["page", "blogpost"]
    title: StrictStr = Field(max_length=255)
    space: SpaceRef
    ancestors: list[ContentRef] = []
    body: BodyIn | None = None
    status: Literal["current"] = "current"


class ContentUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: VersionIn
    title: StrictStr | None = Field(default=None, max_length=255)
    type: Literal["page", "blogpost", "attachment"] | None = None
    body: BodyIn | None = None
    ancestors: list[ContentRef] = []
    status: Literal["current"] = "current"


def relations_for(session: Session, content: Content, expand: frozenset[str]) -> ContentRelations:
    """Run the queries the requested expansions need."""
    related = ContentRelations()
    if "ancestors" in expand:
        related.ancestors = ancestors_of(session, content)
    if "children.page" in expand:
        related.child_pages = children_of(session, content.id, "page", 0, 200)
    if "children.attachment" in expand:
        related.child_attachments = children_of(session, content.id, "attachment", 0, 200)
    if expand & {"metadata", "metadata.labels"}:
        related.labels = list(content.labels)
    return related


def _content_response(
    session: Session, content: Content, base: str, expand: frozenset[str]
) -> dict[str, Any]:
    return content_json(content, base, expand, relations_for(session, content, expand))


@router.get("")
def get_contents(
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    spaceKey: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
    title: Annotated[str | None, Query(max_length=255)] = None,
    type: Annotated[Literal["page", "blogpost"], Query()] = "page",
    status: Annotated[Literal["current", "trashed"], Query()] = "current",
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    expansions = parse_expand(expand)
    query = ContentQuery(space_key=spaceKey, title=title, type=type, status=status)
    with db.read() as session:
        items, total = list_content(session, identity, query, paging.start, paging.limit)
        results = [_content_response(session, c, base, expansions) for c in items]
    more = paging.start + len(results) < total
    params = {"spaceKey": spaceKey, "title": title, "type": type, "expand": expand}
    if status != "current":
        params["status"] = status
    return list_json(
        results,
        paging.start,
        paging.limit,
        base,
        "/rest/api/content" if more else None,
        {k: v for k, v in params.items() if v},
    )


@router.post("")
def post_content(
    body: ContentCreate,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    expansions = parse_expand(expand) | {"version", "space", "body.storage", "ancestors"}
    parent_id = body.ancestors[-1].numeric_id() if body.ancestors else None
    with db.write() as session:
        content = create_document(
            session,
            identity,
            content_type=body.type,
            space_key=body.space.key,
            title=body.title,
            body=body.body.storage.value if body.body else "",
            parent_id=parent_id,
        )
        return _content_response(session, content, base, expansions)


@router.get("/{content_id:int}")
def get_one(
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    expand: ExpandQuery = None,
    status: Annotated[Literal["current", "trashed", "any"], Query()] = "current",
    versionId: Annotated[str | None, Query(max_length=64)] = None,  # noqa: N803
    languageKey: Annotated[str | None, Query(max_length=64)] = None,  # noqa: N803
) -> dict[str, Any]:
    """The content; with ``versionId`` or ``languageKey`` (Pressroom's), a page's title
    and body as they are in that version and language."""
    expansions = parse_expand(expand)
    with db.read() as session:
        content = get_content(session, identity, content_id, status=status)
        answer = _content_response(session, content, base, expansions)
        if versionId or languageKey:
            _as_selected(session, content, answer, versionId, languageKey)
        return answer


def _as_selected(
    session: Session,
    content: Content,
    answer: dict[str, Any],
    version_id: str | None,
    language_key: str | None,
) -> None:
    selection = choose(session, content.space, version_id, "all", language_key)
    page = PageResolver(session, selection, filter_conditions=False).resolve([content])
    resolved = page[content.id]
    if resolved is None:
        raise NotFound(f"Page {content.id} is not in version {version_id}.")
    answer["title"] = resolved.title
    storage = answer.get("body", {}).get("storage")
    if isinstance(storage, dict):
        storage["value"] = resolved.storage


@router.put(
    "/{content_id:int}",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": ContentUpdate.model_json_schema()},
                "multipart/form-data": {"schema": {"type": "object"}},
            },
            "required": True,
        }
    },
)
async def put_content(
    content_id: int,
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    """Update a page or blog post (JSON), or upload a new version of an attachment (multipart).
    On trashed content, a JSON update with the next version number restores it."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/"):
        from pressroom.api.attachments import update_attachment_from_form

        return await update_attachment_from_form(content_id, request, db, identity, base)
    if not content_type.startswith("application/json"):
        raise UnsupportedMediaType("Send the update as application/json.")
    try:
        change = ContentUpdate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise InvalidInput(describe_validation(exc.errors())) from exc
    expansions = parse_expand(expand) | {"version", "space", "body.storage", "ancestors"}
    return await run_in_threadpool(_update, db, identity, base, content_id, change, expansions)


def _update(
    db: Database,
    identity: Identity,
    base: str,
    content_id: int,
    change: ContentUpdate,
    expansions: frozenset[str],
) -> dict[str, Any]:
    document_change = DocumentChange(
        version_number=change.version.number,
        title=change.title,
        body=change.body.storage.value if change.body else None,
        parent_id=change.ancestors[-1].numeric_id() if change.ancestors else None,
        message=change.version.message,
        minor_edit=change.version.minorEdit,
    )
    with db.write() as session:
        content = update_document(session, identity, content_id, document_change)
        return _content_response(session, content, base, expansions)


@router.delete("/{content_id:int}", status_code=204)
def delete_one(
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    status: Annotated[Literal["current", "trashed"], Query()] = "current",
) -> Response:
    purge = status == "trashed"
    with db.write() as session:
        if purge:
            remove_files_on_commit(session, settings, content_id)
        delete_document(session, identity, content_id, purge=purge)
    return Response(status_code=204)


@router.get("/{content_id:int}/history")
def get_history(
    content_id: int, db: DbDep, identity: IdentityDep, base: OriginDep
) -> dict[str, Any]:
    with db.read() as session:
        content = get_content(session, identity, content_id)
        return history_json(content, versions_of(session, content), base)


@router.get("/{content_id:int}/child")
def get_child(
    content_id: int, db: DbDep, identity: IdentityDep, base: OriginDep, expand: ExpandQuery = None
) -> dict[str, Any]:
    expansions = parse_expand(expand)
    with db.read() as session:
        content = get_content(session, identity, content_id)
        data: dict[str, Any] = {"_links": {"base": base, "context": ""}}
        for kind in ("page", "attachment"):
            if f"{kind}" in expansions or f"children.{kind}" in expansions or not expansions:
                items = children_of(session, content.id, kind, 0, 25)
                data[kind] = list_json([content_json(c, base) for c in items], 0, 25, base, None)
        return data


@router.get("/{content_id:int}/child/{child_type}")
def getchildren_of(
    content_id: int,
    child_type: Literal["page", "attachment"],
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    expand: ExpandQuery = None,
    filename: Annotated[str | None, Query(max_length=255)] = None,
) -> dict[str, Any]:
    expansions = parse_expand(expand)
    with db.read() as session:
        content = get_content(session, identity, content_id)
        items = children_of(
            session, content.id, child_type, paging.start, paging.limit + 1, filename
        )
        more = len(items) > paging.limit
        results = [_content_response(session, c, base, expansions) for c in items[: paging.limit]]
    path = f"/rest/api/content/{content_id}/child/{child_type}" if more else None
    params = {k: v for k, v in {"expand": expand, "filename": filename}.items() if v}
    return list_json(results, paging.start, paging.limit, base, path, params)
