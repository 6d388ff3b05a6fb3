"""``/rest/api/content/{id}/label``: list, add and remove labels, as Confluence does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr

from pressroom.api.confluence_json import label_json, list_json
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, PagingDep
from pressroom.content.labels import (
    MAX_LABEL_NAME,
    LabelName,
    add_labels,
    list_labels,
    remove_label,
)

router = APIRouter(prefix="/rest/api/content", tags=["labels"])

MAX_LABELS_PER_REQUEST = 200


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    prefix: StrictStr = Field(default="global", max_length=32)
    name: StrictStr = Field(max_length=MAX_LABEL_NAME + 64)


def _as_list(value: object) -> object:
    """Confluence takes one label object or an array of them."""
    return [value] if isinstance(value, dict) else value


LabelsIn = Annotated[
    list[LabelIn],
    BeforeValidator(_as_list),
    Body(min_length=1, max_length=MAX_LABELS_PER_REQUEST),
]
LabelPath = Annotated[str, Path(min_length=1, max_length=MAX_LABEL_NAME + 64)]


@router.get("/{content_id:int}/label")
def get_labels(
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
    paging: PagingDep,
    prefix: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    with db.read() as session:
        labels, total = list_labels(
            session, identity, content_id, paging.start, paging.limit, prefix
        )
        results = [label_json(label) for label in labels]
    more = paging.start + len(results) < total
    path = f"/rest/api/content/{content_id}/label" if more else None
    params = {"prefix": prefix} if prefix else {}
    return list_json(results, paging.start, paging.limit, base, path, params)


@router.post("/{content_id:int}/label")
def post_labels(
    content_id: int, body: LabelsIn, db: DbDep, identity: IdentityDep, base: OriginDep
) -> dict[str, Any]:
    """Add labels; the answer lists every label of the content."""
    wanted = [LabelName.checked(label.prefix, label.name) for label in body]
    with db.write() as session:
        labels = add_labels(session, identity, content_id, wanted)
        results = [label_json(label) for label in labels]
    return list_json(results, 0, max(len(results), 1), base, None)


@router.delete("/{content_id:int}/label", status_code=204)
def delete_label_by_query(
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    name: Annotated[str, Query(min_length=1, max_length=MAX_LABEL_NAME + 64)],
) -> Response:
    with db.write() as session:
        remove_label(session, identity, content_id, name)
    return Response(status_code=204)


@router.delete("/{content_id:int}/label/{label}", status_code=204)
def delete_label_by_path(
    content_id: int, label: LabelPath, db: DbDep, identity: IdentityDep
) -> Response:
    with db.write() as session:
        remove_label(session, identity, content_id, label)
    return Response(status_code=204)
