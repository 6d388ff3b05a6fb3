"""CQL search: ``/rest/api/content/search`` (content items) and ``/rest/api/search``
(search results wrapping content), as Confluence Server/Data Center answers them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from pressroom.api.confluence_json import (
    content_json,
    iso,
    list_json,
    parse_expand,
    webui_path,
)
from pressroom.api.content import relations_for
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, PagingDep
from pressroom.content.models import Content
from pressroom.content.search import excerpt_of, search_content
from pressroom.errors import InvalidInput

router = APIRouter(tags=["search"])

CqlParam = Annotated[str | None, Query(description="A CQL query, e.g. type=page AND space=DEV")]
ExpandQuery = Annotated[str | None, Query(max_length=500, description="Comma-separated")]


def _required(cql: str | None) -> str:
    if cql is None or not cql.strip():
        raise InvalidInput(
            "The cql parameter is required, e.g. ?cql=type=page AND space=DEV ORDER BY title."
        )
    return cql


@router.get("/rest/api/content/search")
def search_contents(
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    cql: CqlParam = None,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    """Content matching ``cql``, as items of ``/rest/api/content``."""
    query = _required(cql)
    expansions = parse_expand(expand)
    with db.read() as session:
        found = search_content(session, identity, query, paging.start, paging.limit)
        results = [_content(session, c, base, expansions) for c in found.items]
    more = paging.start + len(results) < found.total
    params = {k: v for k, v in {"cql": query, "expand": expand}.items() if v}
    path = "/rest/api/content/search" if more else None
    return list_json(results, paging.start, paging.limit, base, path, params)


@router.get("/rest/api/search")
def search(
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    cql: CqlParam = None,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    """Search results: each wraps its content with a title, excerpt, url and space."""
    query = _required(cql)
    expansions = parse_expand(_content_expansions(expand))
    began = time.monotonic()
    with db.read() as session:
        found = search_content(session, identity, query, paging.start, paging.limit)
        results = [_result(session, c, base, expansions) for c in found.items]
    more = paging.start + len(results) < found.total
    params = {k: v for k, v in {"cql": query, "expand": expand}.items() if v}
    data = list_json(
        results, paging.start, paging.limit, base, "/rest/api/search" if more else None, params
    )
    data["totalSize"] = found.total
    data["cqlQuery"] = query
    data["searchDuration"] = round((time.monotonic() - began) * 1000)
    return data


def _content_expansions(expand: str | None) -> str | None:
    """``content.version`` on a search result is ``version`` on its content."""
    if not expand:
        return expand
    names = (part.strip() for part in expand.split(","))
    return ",".join(name.removeprefix("content.") for name in names if name)


def _content(
    session: Session, content: Content, base: str, expand: frozenset[str]
) -> dict[str, Any]:
    return content_json(content, base, expand, relations_for(session, content, expand))


def _result(
    session: Session, content: Content, base: str, expand: frozenset[str]
) -> dict[str, Any]:
    space = content.space
    return {
        "content": _content(session, content, base, expand),
        "title": content.title,
        "excerpt": excerpt_of(content),
        "url": webui_path(content),
        "resultGlobalContainer": {
            "title": space.name,
            "displayUrl": f"/display/{quote(space.key)}",
        },
        "entityType": "content",
        "iconCssClass": _icon(content),
        "lastModified": iso(content.modified_at),
        "friendlyLastModified": _friendly(content.modified_at),
    }


def _icon(content: Content) -> str:
    if content.type == "attachment":
        return "aui-icon content-type-attachment"
    return f"aui-icon content-type-{content.type}"


def _friendly(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}"
