"""``/rest/pressroom/1/content/{id}/info``: the page information screen's data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pressroom.api.confluence_json import iso
from pressroom.api.deps import DbDep, IdentityDep
from pressroom.content.page_info import page_info

router = APIRouter(prefix="/rest/pressroom/1/content", tags=["content"])


@router.get("/{content_id:int}/info")
def get_page_info(content_id: int, db: DbDep, identity: IdentityDep) -> dict[str, Any]:
    """Id, title, space, version, creator and last modifier with dates, place in the tree."""
    with db.read() as session:
        info = page_info(session, identity, content_id)
    return {
        "id": str(info.id),
        "type": info.type,
        "title": info.title,
        "space": {"key": info.space_key, "name": info.space_name},
        "version": info.version,
        "createdDate": iso(info.created_at),
        "createdBy": info.created_by,
        "lastModifiedDate": iso(info.modified_at),
        "lastModifiedBy": info.modified_by,
        "parentId": str(info.parent_id) if info.parent_id else None,
        "ancestors": [{"id": str(i), "title": t} for i, t in info.ancestors],
        "childPages": info.child_pages,
        "attachments": info.attachments,
        "labels": info.labels,
        "tinyUrl": f"/x/{info.id}",
    }
