"""Confluence REST JSON shapes for users, spaces, content, versions and lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from pressroom.auth.models import User
from pressroom.content.models import Content, ContentVersion, Label, Space
from pressroom.errors import InvalidInput

JSON = dict[str, Any]

EXPANDABLE = frozenset(
    {
        "body",
        "body.storage",
        "version",
        "ancestors",
        "space",
        "children",
        "children.page",
        "children.attachment",
        "history",
        "history.lastUpdated",
        "container",
        "metadata",
        "metadata.labels",
        "extensions",
        "homepage",
        "description",
        "description.plain",
    }
)


def parse_expand(value: str | None) -> frozenset[str]:
    """The requested expansions; unknown names are a 400 that lists the known ones."""
    if not value:
        return frozenset()
    names = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(names - EXPANDABLE)
    if unknown:
        raise InvalidInput(
            f"Unknown expand value(s): {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(EXPANDABLE))}."
        )
    return frozenset(names)


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_json(user: User | None, base: str) -> JSON:
    if user is None:
        return {"type": "anonymous", "displayName": "Anonymous", "_links": {}}
    return {
        "type": "known",
        "username": user.username,
        "userKey": user.user_key,
        "displayName": user.display_name,
        "email": user.email,
        "profilePicture": {
            "path": "/images/icons/profilepics/default.svg",
            "width": 48,
            "height": 48,
            "isDefault": True,
        },
        "_links": {"self": f"{base}/rest/api/user?key={user.user_key}"},
    }


def space_json(space: Space, base: str, expand: frozenset[str] = frozenset()) -> JSON:
    data: JSON = {
        "id": space.id,
        "key": space.key,
        "name": space.name,
        "type": "global",
        "status": "current",
        "_links": {
            "webui": f"/display/{quote(space.key)}",
            "self": f"{base}/rest/api/space/{quote(space.key)}",
        },
        "_expandable": {
            "homepage": f"/rest/api/content/{space.homepage_id}" if space.homepage_id else "",
            "description": "",
        },
    }
    if "description" in expand or "description.plain" in expand:
        data["description"] = {"plain": {"value": space.description, "representation": "plain"}}
    if "homepage" in expand and space.homepage is not None:
        data["homepage"] = content_json(space.homepage, base)
    return data


def version_json(
    number: int, when: datetime, by: User | None, base: str, message: str = "", minor: bool = False
) -> JSON:
    return {
        "by": user_json(by, base),
        "when": iso(when),
        "number": number,
        "message": message,
        "minorEdit": minor,
        "_links": {},
    }


def webui_path(content: Content) -> str:
    if content.type == "attachment":
        return f"/pages/viewpageattachments.action?pageId={content.parent_id}"
    return f"/pages/viewpage.action?pageId={content.id}"


def download_path(content: Content) -> str:
    name = quote(content.title)
    return f"/download/attachments/{content.parent_id}/{name}?version={content.version}&api=v2"


def content_json(
    content: Content,
    base: str,
    expand: frozenset[str] = frozenset(),
    related: ContentRelations | None = None,
) -> JSON:
    """One item of /rest/api/content. ``related`` carries what expansions had to query."""
    related = related or ContentRelations()
    data: JSON = {
        "id": str(content.id),
        "type": content.type,
        "status": content.status,
        "title": content.title,
        "_links": {
            "webui": webui_path(content),
            "tinyui": f"/x/{content.id}",
            "self": f"{base}/rest/api/content/{content.id}",
        },
        "_expandable": _expandable(content, expand),
    }
    if content.type == "attachment":
        data["_links"]["download"] = download_path(content)
        data["metadata"] = {"mediaType": content.media_type, "comment": content.comment}
        data["extensions"] = {
            "mediaType": content.media_type,
            "fileSize": content.file_size,
            "comment": content.comment,
        }
    elif "extensions" in expand or content.type == "page":
        data["extensions"] = {"position": content.position}
    _add_expansions(data, content, base, expand, related)
    return data


class ContentRelations:
    """What some expansions need beyond the row: ancestors, children, labels."""

    def __init__(
        self,
        ancestors: list[Content] | None = None,
        child_pages: list[Content] | None = None,
        child_attachments: list[Content] | None = None,
        labels: list[Label] | None = None,
        created_by: User | None = None,
    ) -> None:
        self.ancestors = ancestors or []
        self.child_pages = child_pages or []
        self.child_attachments = child_attachments or []
        self.labels = labels or []
        self.created_by = created_by


def _add_expansions(
    data: JSON, content: Content, base: str, expand: frozenset[str], related: ContentRelations
) -> None:
    if "space" in expand:
        data["space"] = space_json(content.space, base)
    if "version" in expand:
        data["version"] = _current_version(content, base)
    if "history" in expand or "history.lastUpdated" in expand:
        data["history"] = {
            "latest": True,
            "createdBy": user_json(content.creator, base),
            "createdDate": iso(content.created_at),
            "lastUpdated": _current_version(content, base),
            "_links": {"self": f"{base}/rest/api/content/{content.id}/history"},
        }
    if "body" in expand or "body.storage" in expand:
        data["body"] = {"storage": {"value": content.body, "representation": "storage"}}
    if "ancestors" in expand:
        data["ancestors"] = [content_json(a, base) for a in related.ancestors]
    if "container" in expand:
        container = content.parent if content.type == "attachment" else None
        data["container"] = (
            content_json(container, base) if container else space_json(content.space, base)
        )
    if expand & {"children", "children.page", "children.attachment"}:
        data["children"] = _children_json(content, base, expand, related)
    if "metadata" in expand or "metadata.labels" in expand:
        metadata = data.setdefault("metadata", {})
        metadata["labels"] = list_json(
            [label_json(label) for label in related.labels], 0, 200, base, None
        )


def _current_version(content: Content, base: str) -> JSON:
    return version_json(content.version, content.modified_at, content.modifier, base)


def _children_json(
    content: Content, base: str, expand: frozenset[str], related: ContentRelations
) -> JSON:
    children: JSON = {"_expandable": {}}
    if "children.page" in expand:
        pages = [content_json(c, base) for c in related.child_pages]
        children["page"] = list_json(pages, 0, len(pages) or 25, base, None)
    else:
        children["_expandable"]["page"] = f"/rest/api/content/{content.id}/child/page"
    if "children.attachment" in expand:
        files = [content_json(c, base) for c in related.child_attachments]
        children["attachment"] = list_json(files, 0, len(files) or 25, base, None)
    else:
        children["_expandable"]["attachment"] = f"/rest/api/content/{content.id}/child/attachment"
    return children


def _expandable(content: Content, expand: frozenset[str]) -> JSON:
    base_path = f"/rest/api/content/{content.id}"
    candidates = {
        "space": f"/rest/api/space/{quote(content.space.key)}",
        "version": "",
        "history": f"{base_path}/history",
        "body": "",
        "ancestors": "",
        "container": (
            f"/rest/api/content/{content.parent_id}"
            if content.type == "attachment"
            else f"/rest/api/space/{quote(content.space.key)}"
        ),
        "children": f"{base_path}/child",
        "metadata": "",
    }
    return {
        name: path
        for name, path in candidates.items()
        if name not in expand and not any(e.startswith(name + ".") for e in expand)
    }


def label_json(label: Label) -> JSON:
    return {"prefix": label.prefix, "name": label.name, "id": str(label.id), "label": label.name}


def history_json(content: Content, versions: list[ContentVersion], base: str) -> JSON:
    first = versions[0] if versions else None
    return {
        "latest": content.status == "current",
        "createdBy": user_json(first.author if first else content.creator, base),
        "createdDate": iso(content.created_at),
        "lastUpdated": _current_version(content, base),
        "previousVersion": (
            version_json(v.number, v.created_at, v.author, base, v.message, v.minor_edit)
            if (v := _previous(versions))
            else None
        ),
        "_links": {"self": f"{base}/rest/api/content/{content.id}/history"},
    }


def _previous(versions: list[ContentVersion]) -> ContentVersion | None:
    return versions[-2] if len(versions) >= 2 else None


def list_json(
    results: list[JSON],
    start: int,
    limit: int,
    base: str,
    next_path: str | None,
    params: dict[str, str] | None = None,
) -> JSON:
    """A Confluence list; ``_links.next`` is set when ``next_path`` is given and more exist."""
    links: JSON = {"base": base, "context": ""}
    if next_path is not None:
        query = {**(params or {}), "start": str(start + limit), "limit": str(limit)}
        links["next"] = f"{next_path}?{urlencode(query)}"
    return {
        "results": results,
        "start": start,
        "limit": limit,
        "size": len(results),
        "_links": links,
    }
