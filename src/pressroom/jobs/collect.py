"""Step 1 of an export: pages and attachments from the database, as the plain records
the export pipeline takes (it never opens a database session itself)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from pressroom.auth.identity import Identity, exportable_space_ids, visible_space_ids
from pressroom.auth.models import User
from pressroom.content.export_selection import PageResolver, ResolvedPage
from pressroom.content.models import DOCUMENT_TYPES, Content, Label, Space
from pressroom.errors import TooLarge
from pressroom.export.assemble import ContentType, PageSource
from pressroom.ids import parse_content_id

# A contentbylabel or recently-updated macro lists this many pages at most.
MAX_REPORTED_PAGES = 500


class DatabasePages:
    """A PageLookup, PageCatalog and PeopleDirectory (see export/assemble.py) over one
    session, limited to the spaces ``identity`` may view **and** export: pages anywhere
    else do not exist for the export, so includes, ``$scroll.includepage`` and
    cross-space macros (children, contentbylabel, recently-updated, page properties
    reports) never show them. The export's own tree is loaded in a few queries up front;
    pages outside it (links, includes, reports) are loaded when asked for, then kept.

    With a ``resolver``, every page is as it is in the export's version, variant and
    language; a page not in them (absent from the version, outside the variant) does not
    exist for the export, nor do its descendants."""

    def __init__(
        self,
        session: Session,
        identity: Identity,
        attachments_dir: Path,
        base_url: str,
        resolver: PageResolver | None = None,
        *,
        reading: bool = False,
    ) -> None:
        self._session = session
        self._resolver = resolver
        # ``reading``: for the page view, pages the caller may view (not only export).
        readable = visible_space_ids if reading else exportable_space_ids
        self._readable = readable(session, identity)
        self._attachments_dir = attachments_dir
        self._base_url = base_url.rstrip("/")
        self._pages: dict[int, PageSource | None] = {}
        self._children: dict[int, list[PageSource]] = {}

    def preload_tree(self, root_id: int, max_pages: int) -> int:
        """Load the root and all its descendants; returns how many pages that is."""
        level = [root_id]
        loaded: list[Content] = []
        while level:
            rows = (
                self._load(Content.id.in_(level))
                if not loaded
                else self._load(Content.parent_id.in_(level), Content.type == "page")
            )
            loaded.extend(rows)
            if len(loaded) > max_pages:
                raise TooLarge(
                    f"The export has more than {max_pages} pages, the limit of this server; "
                    "export a smaller part of the page tree."
                )
            self._remember(rows)
            level = [row.id for row in rows if row.type == "page" and self._pages.get(row.id)]
        self._remember(loaded, children_known=True)
        return sum(1 for row in loaded if self._pages.get(row.id))

    def page(self, page_id: str) -> PageSource | None:
        key = parse_content_id(page_id)
        if key is None:
            return None
        if key not in self._pages:
            self._remember(self._load(Content.id == key))
            self._pages.setdefault(key, None)
        return self._pages[key]

    def page_titled(
        self, space_key: str, title: str, content_type: ContentType = "page"
    ) -> PageSource | None:
        rows = self._load(
            Content.space.has(Space.key == space_key),
            Content.title == title,
            Content.type == content_type,
        )
        self._remember(rows)
        return self._pages.get(rows[0].id) if rows else None

    def children(self, page_id: str) -> Sequence[PageSource]:
        key = parse_content_id(page_id)
        if key is None:
            return ()
        if key not in self._children:
            rows = self._load(Content.parent_id == key, Content.type == "page")
            self._remember(rows)
            self._children[key] = [p for row in rows if (p := self._pages.get(row.id))]
        return self._children[key]

    def labelled(self, labels: Sequence[str], space_keys: Sequence[str]) -> Sequence[PageSource]:
        if not labels:
            return []
        rows = self._load(
            _has_label(labels),
            *_in_spaces(space_keys),
            order=(func.lower(Content.title), Content.id),
            limit=MAX_REPORTED_PAGES,
        )
        return self._sources(rows)

    def recently_updated(
        self, space_keys: Sequence[str], labels: Sequence[str], limit: int
    ) -> Sequence[PageSource]:
        conditions = [*_in_spaces(space_keys)] + ([_has_label(labels)] if labels else [])
        rows = self._load(
            *conditions,
            order=(Content.modified_at.desc(), Content.id.desc()),
            limit=max(0, min(limit, MAX_REPORTED_PAGES)),
        )
        return self._sources(rows)

    def person_name(self, username: str | None, userkey: str | None) -> str | None:
        if userkey:
            match = User.user_key == userkey
        elif username:
            match = User.username == username
        else:
            return None
        user = self._session.scalar(select(User).where(match))
        return user.display_name if user else None

    def _load(
        self,
        *conditions: object,
        order: tuple[Any, ...] = (Content.position, Content.id),
        limit: int | None = None,
    ) -> list[Content]:
        statement = (
            select(Content)
            .where(Content.status == "current", Content.type.in_(DOCUMENT_TYPES), *conditions)  # type: ignore[arg-type]
            .options(selectinload(Content.labels))
            .order_by(*order)
            .limit(limit)
        )
        if self._readable is not None:
            statement = statement.where(Content.space_id.in_(self._readable))
        return list(self._session.scalars(statement))

    def _sources(self, rows: list[Content]) -> list[PageSource]:
        self._remember(rows)
        return [page for row in rows if (page := self._pages.get(row.id)) is not None]

    def _remember(self, rows: list[Content], children_known: bool = False) -> None:
        fresh = [row for row in rows if row.id not in self._pages]
        resolved = self._resolve(fresh)
        files = self._attachment_files([row.id for row in fresh if resolved[row.id]])
        for row in fresh:
            page = resolved[row.id]
            source = None if page is None else self._source(row, page, files.get(row.id, {}))
            self._pages[row.id] = source
        if children_known:
            by_parent: defaultdict[int, list[PageSource]] = defaultdict(list)
            for row in rows:
                source = self._pages.get(row.id)
                if row.parent_id is not None and row.type == "page" and source is not None:
                    by_parent[row.parent_id].append(source)
            for row in rows:
                self._children.setdefault(row.id, by_parent.get(row.id, []))

    def _resolve(self, rows: list[Content]) -> dict[int, ResolvedPage | None]:
        if self._resolver is None:
            return {row.id: ResolvedPage(row.title, row.body) for row in rows}
        return self._resolver.resolve(rows)

    def _attachment_files(self, page_ids: list[int]) -> dict[int, dict[str, Path]]:
        files: defaultdict[int, dict[str, Path]] = defaultdict(dict)
        if not page_ids:
            return files
        statement = select(Content.parent_id, Content.title, Content.file_key).where(
            Content.type == "attachment",
            Content.status == "current",
            Content.parent_id.in_(page_ids),
        )
        for parent_id, name, file_key in self._session.execute(statement):
            if parent_id is not None and file_key:
                files[parent_id][name] = self._attachments_dir / file_key
        return files

    def _source(self, row: Content, page: ResolvedPage, attachments: dict[str, Path]) -> PageSource:
        return PageSource(
            id=str(row.id),
            title=page.title,
            space_key=row.space.key,
            storage=page.storage,
            content_type="blogpost" if row.type == "blogpost" else "page",
            version=row.version,
            parent_id=str(row.parent_id) if row.parent_id is not None else None,
            position=row.position,
            url=f"{self._base_url}/pages/viewpage.action?pageId={row.id}",
            attachments=attachments,
            labels=tuple(label.name for label in row.labels),
            creator=row.creator.display_name if row.creator else None,
            created=row.created_at.isoformat(),
            modified=row.modified_at.isoformat(),
        )


def _has_label(labels: Sequence[str]) -> ColumnElement[bool]:
    return Content.labels.any(func.lower(Label.name).in_([label.lower() for label in labels]))


def _in_spaces(space_keys: Sequence[str]) -> list[ColumnElement[bool]]:
    """No keys: every space (the caller's readable ones, as always)."""
    if not space_keys:
        return []
    return [Content.space.has(func.upper(Space.key).in_([key.upper() for key in space_keys]))]
