"""``/rest/api/space``: list, create, read spaces and list their content."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sqlalchemy.orm import Session

from pressroom.api.confluence_json import content_json, list_json, parse_expand, space_json
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, Paging, PagingDep
from pressroom.auth.identity import Identity
from pressroom.content.documents import ContentQuery, list_content
from pressroom.content.spaces import create_space, find_space, list_spaces
from pressroom.errors import InvalidInput

router = APIRouter(prefix="/rest/api/space", tags=["spaces"])

ExpandQuery = Annotated[str | None, Query(max_length=500, description="Comma-separated")]


class PlainValue(BaseModel):
    value: StrictStr = ""


class SpaceDescription(BaseModel):
    plain: PlainValue = PlainValue()


class SpaceCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: StrictStr = Field(max_length=255)
    name: StrictStr = Field(max_length=255)
    description: SpaceDescription = SpaceDescription()
    anonymousAccess: bool = False  # noqa: N815  (Confluence's JSON field names)


@router.get("")
def get_spaces(
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    spaceKey: Annotated[list[str] | None, Query()] = None,  # noqa: N803
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    expansions = parse_expand(expand)
    with db.read() as session:
        spaces, total = list_spaces(session, identity, paging.start, paging.limit, spaceKey)
        results = [space_json(s, base, expansions) for s in spaces]
    more = paging.start + len(results) < total
    params = {k: v for k, v in {"expand": expand}.items() if v}
    return list_json(
        results, paging.start, paging.limit, base, "/rest/api/space" if more else None, params
    )


@router.post("", status_code=200)
def post_space(
    body: SpaceCreate, db: DbDep, identity: IdentityDep, base: OriginDep
) -> dict[str, Any]:
    with db.write() as session:
        space = create_space(
            session,
            identity,
            body.key,
            body.name,
            body.description.plain.value,
            anonymous_view=body.anonymousAccess,
        )
        return space_json(space, base, frozenset({"description"}))


@router.get("/{space_key}")
def get_space(
    space_key: str, db: DbDep, identity: IdentityDep, base: OriginDep, expand: ExpandQuery = None
) -> dict[str, Any]:
    expansions = parse_expand(expand) | {"homepage"}
    with db.read() as session:
        return space_json(find_space(session, identity, space_key), base, expansions)


@router.get("/{space_key}/content")
def get_space_content(
    space_key: str,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    with db.read() as session:
        find_space(session, identity, space_key)
        data: dict[str, Any] = {"_links": {"base": base, "context": ""}}
        for content_type in ("page", "blogpost"):
            data[content_type] = _content_list(
                session, identity, base, space_key, content_type, paging, expand
            )
    return data


@router.get("/{space_key}/content/{content_type}")
def get_space_content_of_type(
    space_key: str,
    content_type: str,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    expand: ExpandQuery = None,
) -> dict[str, Any]:
    if content_type not in ("page", "blogpost"):
        raise InvalidInput("The content type must be 'page' or 'blogpost'.")
    with db.read() as session:
        find_space(session, identity, space_key)
        return _content_list(session, identity, base, space_key, content_type, paging, expand)


def _content_list(
    session: Session,
    identity: Identity,
    base: str,
    space_key: str,
    content_type: str,
    paging: Paging,
    expand: str | None,
) -> dict[str, Any]:
    """One page of a space's pages or blog posts, with ``next`` while there are more."""
    expansions = parse_expand(expand)
    query = ContentQuery(space_key=space_key, type=content_type)
    items, total = list_content(session, identity, query, paging.start, paging.limit)
    more = paging.start + len(items) < total
    path = f"/rest/api/space/{space_key}/content/{content_type}" if more else None
    return list_json(
        [content_json(c, base, expansions) for c in items],
        paging.start,
        paging.limit,
        base,
        path,
        {"expand": expand} if expand else None,
    )
