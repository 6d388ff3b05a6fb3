"""The assembler: the pages of an export -> one :class:`Document`.

Pure: it takes page records and a way to look up other pages, and returns the
document tree. It resolves what only the page tree knows: heading levels across
pages, links between pages, anchors, attachments, includes and children lists.

Heading levels follow the Scroll exporters: a page at depth ``d`` of the export
has its title as a heading of level ``d + 1``; headings inside the page hang
below it, the first one a level below the title, later ones never above the
first, skipped levels closed up.

Bookmark names are scoped per page (``f"{page_id}-{name}"``) so two pages can
both have an anchor ``intro``; page titles carry ``f"page-{page_id}"``. A name
is placed once per document: later duplicates (a page included twice) are
dropped and links go to the first.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, Protocol, TypeAlias, runtime_checkable
from urllib.parse import quote, quote_plus

from pressroom.export.ast import (
    Admonition,
    Anchor,
    AnchorTarget,
    AttachmentFile,
    AttachmentTarget,
    Block,
    BlockQuote,
    ChildrenList,
    Colored,
    Columns,
    Div,
    Document,
    Expand,
    ExternalTarget,
    Heading,
    Image,
    IncludePage,
    Index,
    IndexTerm,
    Inline,
    InternalTarget,
    Link,
    LinkTarget,
    ListBlock,
    ListItem,
    OrientedSection,
    PageBreak,
    PageReport,
    PageTarget,
    Paragraph,
    Placeholder,
    Styled,
    Table,
    TableOfContents,
    TaskList,
    Text,
    UserMention,
    node_label,
)
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.failures import failure_detail, is_strict
from pressroom.export.reports import attachment_line, attachment_path, report_blocks
from pressroom.export.storage import Exporter, read_storage

__all__ = [
    "ExportCancelled",
    "ExportOptions",
    "PageCatalog",
    "PageIndex",
    "PageLookup",
    "PageSource",
    "PeopleDirectory",
    "RootPageNotFound",
    "assemble",
]

ContentType: TypeAlias = Literal["page", "blogpost"]
Scope: TypeAlias = Literal["current", "descendants"]

# A children macro with "all" lists this many levels at most.
MAX_CHILDREN_DEPTH: Final = 10


class ExportCancelled(Exception):
    """The export was cancelled between two pages."""


class RootPageNotFound(LookupError):
    """The page to export does not exist (or the lookup cannot see it)."""


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page or blog post as the assembler needs it."""

    id: str
    title: str
    space_key: str
    storage: str
    content_type: ContentType = "page"
    version: int = 1
    parent_id: str | None = None
    position: int = 0
    url: str = ""
    attachments: dict[str, Path] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    creator: str | None = None
    created: str = ""  # ISO 8601; orders children macros sorted by creation
    modified: str = ""


class PageLookup(Protocol):
    """Pages inside and outside the export: for the page tree, links and includes."""

    def page(self, page_id: str) -> PageSource | None: ...

    def page_titled(
        self, space_key: str, title: str, content_type: ContentType = "page"
    ) -> PageSource | None: ...

    def children(self, page_id: str) -> Sequence[PageSource]:
        """Child pages in tree order."""
        ...


@runtime_checkable
class PageCatalog(Protocol):
    """Pages found by label or by date, for contentbylabel, recently-updated and
    page-properties-report. Optional: with a :class:`PageLookup` that is not one
    too, those macros show a placeholder and a warning. A lookup that serves a user
    returns only the pages that user may view and export."""

    def labelled(self, labels: Sequence[str], space_keys: Sequence[str]) -> Sequence[PageSource]:
        """Pages with any of ``labels`` in ``space_keys`` (empty: every space), by title."""
        ...

    def recently_updated(
        self, space_keys: Sequence[str], labels: Sequence[str], limit: int
    ) -> Sequence[PageSource]:
        """The ``limit`` pages modified last, newest first (``labels``: any of them)."""
        ...


@runtime_checkable
class PeopleDirectory(Protocol):
    """Names of the people pages mention. Optional: without it, a mention that carries no
    name of its own (Server's ``ri:userkey``, Cloud's ``ri:account-id``) prints what it
    has and is reported."""

    def person_name(self, username: str | None, userkey: str | None) -> str | None:
        """The display name of the user with that username or user key, if known."""
        ...


class PageIndex:
    """A :class:`PageLookup` and :class:`PageCatalog` over pages held in memory
    (typically a whole space)."""

    def __init__(self, pages: Iterable[PageSource]) -> None:
        self._by_id: dict[str, PageSource] = {}
        self._by_title: dict[tuple[str, ContentType, str], PageSource] = {}
        self._children: defaultdict[str, list[PageSource]] = defaultdict(list)
        for page in pages:
            self._by_id[page.id] = page
            key = (page.space_key.upper(), page.content_type, page.title.casefold())
            self._by_title[key] = page
            if page.parent_id is not None:
                self._children[page.parent_id].append(page)
        for siblings in self._children.values():
            siblings.sort(key=lambda p: (p.position, p.title.casefold()))

    def page(self, page_id: str) -> PageSource | None:
        return self._by_id.get(page_id)

    def page_titled(
        self, space_key: str, title: str, content_type: ContentType = "page"
    ) -> PageSource | None:
        return self._by_title.get((space_key.upper(), content_type, title.casefold()))

    def children(self, page_id: str) -> Sequence[PageSource]:
        return self._children.get(page_id, ())

    def labelled(self, labels: Sequence[str], space_keys: Sequence[str]) -> Sequence[PageSource]:
        wanted = {label.casefold() for label in labels}
        found = [
            page
            for page in self._pages(space_keys)
            if wanted & {label.casefold() for label in page.labels}
        ]
        return sorted(found, key=lambda page: page.title.casefold())

    def recently_updated(
        self, space_keys: Sequence[str], labels: Sequence[str], limit: int
    ) -> Sequence[PageSource]:
        pages = self.labelled(labels, space_keys) if labels else list(self._pages(space_keys))
        return sorted(pages, key=lambda page: page.modified, reverse=True)[:limit]

    def _pages(self, space_keys: Sequence[str]) -> Iterable[PageSource]:
        keys = {key.upper() for key in space_keys}
        return (page for page in self._by_id.values() if not keys or page.space_key in keys)


@dataclass(frozen=True, slots=True)
class ExportOptions:
    root_page_id: str
    scope: Scope = "current"
    exporter: Exporter = "word"
    base_url: str = ""  # links to pages outside the export and attachment downloads
    page_break_between_top_level_pages: bool = True
    index: bool = True  # an index at the end when pages have scroll-indexterm entries
    max_include_depth: int = 5


def assemble(
    lookup: PageLookup,
    options: ExportOptions,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> Document:
    """One document of the root page (and its descendants, in tree order).

    ``progress(done, total)`` is called after each page; ``is_cancelled`` is
    checked before each page and raises :class:`ExportCancelled`.
    """
    root = lookup.page(options.root_page_id)
    if root is None:
        raise RootPageNotFound(f"page {options.root_page_id} not found")
    tree = _page_tree(root, options.scope, lookup)
    with cyclic_collector_paused():
        return _Assembly(lookup, options, tree).run(progress, is_cancelled)


def _page_tree(root: PageSource, scope: Scope, lookup: PageLookup) -> list[tuple[PageSource, int]]:
    if scope == "current":
        return [(root, 0)]
    tree: list[tuple[PageSource, int]] = []
    seen: set[str] = set()
    stack = [(root, 0)]
    while stack:
        page, depth = stack.pop()
        if page.id in seen:  # a parent cycle in bad data
            continue
        seen.add(page.id)
        tree.append((page, depth))
        stack.extend((child, depth + 1) for child in reversed(lookup.children(page.id)))
    return tree


@dataclass(slots=True)
class _PageContext:
    """Where the assembler is: whose content, under which heading level."""

    page: PageSource
    base_level: int
    include_chain: tuple[str, ...]
    open_levels: list[int] = field(default_factory=list)  # storage levels of open headings

    def level_for(self, storage_level: int) -> int:
        while self.open_levels and self.open_levels[-1] >= storage_level:
            self.open_levels.pop()
        self.open_levels.append(storage_level)
        return self.base_level + len(self.open_levels)

    @property
    def current_level(self) -> int:
        return self.base_level + len(self.open_levels)


@dataclass(slots=True)
class _AnchorLink:
    """A link to an anchor, checked once every bookmark of the document is known."""

    link: Link
    page: PageSource
    name: str


class _Assembly:
    def __init__(
        self, lookup: PageLookup, options: ExportOptions, tree: list[tuple[PageSource, int]]
    ) -> None:
        self._lookup = lookup
        self._options = options
        self._tree = tree
        self._exported = {page.id for page, _ in tree}
        self._base_url = options.base_url.rstrip("/")
        self._bookmarks: set[str] = set()
        self._anchor_links: list[_AnchorLink] = []
        self._warnings: dict[str, None] = {}
        self._has_index_terms = False
        # handlers take the node of their key's type
        self._block_handlers: dict[type[Any], Callable[[Any, _PageContext], list[Block]]] = {
            Heading: self._heading,
            Paragraph: self._paragraph,
            IncludePage: self._include,
            ChildrenList: self._children_list,
            BlockQuote: self._container,
            Admonition: self._container,
            Expand: self._container,
            Div: self._container,
            OrientedSection: self._container,
            ListBlock: self._list,
            TaskList: self._task_list,
            Table: self._table,
            Columns: self._columns,
            TableOfContents: self._toc,
            AttachmentFile: self._attachment_file,
            PageReport: self._page_report,
        }

    def run(
        self,
        progress: Callable[[int, int], None] | None,
        is_cancelled: Callable[[], bool] | None,
    ) -> Document:
        blocks: list[Block] = []
        title = self._tree[0][0].title
        total = len(self._tree)
        for done, (page, depth) in enumerate(self._tree):
            if is_cancelled is not None and is_cancelled():
                raise ExportCancelled(f"cancelled after {done} of {total} pages")
            body = read_storage(page.storage, self._options.exporter)
            self._report(page, body.warnings)
            page_title = body.title_override or page.title
            if done == 0:
                title = page_title
            elif depth <= 1 and self._options.page_break_between_top_level_pages:
                blocks.append(PageBreak())
            blocks.append(self._title_heading(page, page_title, depth + 1))
            context = _PageContext(page, depth + 1, (page.id,))
            blocks.extend(self._blocks(body.blocks, context))
            if progress is not None:
                progress(done + 1, total)
        self._check_anchor_links()
        if self._has_index_terms and self._options.index:
            blocks.append(Index())
        return Document(title, blocks, list(self._warnings))

    # -- bookkeeping -----------------------------------------------------------

    def _report(self, page: PageSource, warnings: Iterable[str]) -> None:
        for warning in warnings:
            self._warnings[f"{page.title}: {warning}"] = None

    def _claim(self, bookmark: str) -> bool:
        """Whether ``bookmark`` is still free (and now taken)."""
        if bookmark in self._bookmarks:
            return False
        self._bookmarks.add(bookmark)
        return True

    def _title_heading(self, page: PageSource, title: str, level: int) -> Heading:
        bookmark = f"page-{page.id}"
        bookmarks = [bookmark] if self._claim(bookmark) else []
        return Heading(level, [Text(title)], bookmarks, page_title=True)

    # -- blocks ----------------------------------------------------------------

    def _blocks(self, blocks: list[Block], context: _PageContext) -> list[Block]:
        out: list[Block] = []
        for block in blocks:
            handler = self._block_handlers.get(type(block))
            if handler is None:
                out.append(block)
                continue
            try:
                out.extend(handler(block, context))
            except Exception as error:  # costs this block only (export/failures.py)
                if is_strict():
                    raise
                shown = f"[could not resolve {node_label(block)}]"
                detail = failure_detail(error)
                self._report(context.page, [f"could not resolve a {node_label(block)} ({detail})"])
                out.append(Paragraph([Placeholder(shown)]))
        return out

    def _heading(self, heading: Heading, context: _PageContext) -> list[Block]:
        heading.level = context.level_for(heading.level)
        scoped = (f"{context.page.id}-{name}" for name in heading.bookmarks)
        heading.bookmarks = [name for name in scoped if self._claim(name)]
        heading.children = self._inlines(heading.children, context)
        return [heading]

    def _paragraph(self, paragraph: Paragraph, context: _PageContext) -> list[Block]:
        paragraph.children = self._inlines(paragraph.children, context)
        return [paragraph]

    def _container(
        self, block: BlockQuote | Admonition | Expand | Div | OrientedSection, context: _PageContext
    ) -> list[Block]:
        block.blocks = self._blocks(block.blocks, context)
        return [block]

    def _list(self, block: ListBlock, context: _PageContext) -> list[Block]:
        for item in block.items:
            item.blocks = self._blocks(item.blocks, context)
        return [block]

    def _task_list(self, block: TaskList, context: _PageContext) -> list[Block]:
        for task in block.items:
            task.blocks = self._blocks(task.blocks, context)
        return [block]

    def _table(self, table: Table, context: _PageContext) -> list[Block]:
        for row in table.rows:
            for cell in row.cells:
                cell.blocks = self._blocks(cell.blocks, context)
        return [table]

    def _columns(self, block: Columns, context: _PageContext) -> list[Block]:
        for column in block.columns:
            column.blocks = self._blocks(column.blocks, context)
        return [block]

    def _toc(self, toc: TableOfContents, context: _PageContext) -> list[Block]:
        """A toc macro covers its page (the page being exported, for includes),
        its levels counted from the heading level the page's content starts below."""
        toc.scope_bookmark = f"page-{context.include_chain[0]}"
        toc.levels = (context.base_level + toc.min_level, context.base_level + toc.max_level)
        return [toc]

    def _include(self, include: IncludePage, context: _PageContext) -> list[Block]:
        what = "excerpt of" if include.excerpt_only else "page"
        space = include.space_key or context.page.space_key
        page = self._lookup.page_titled(space, include.title) or self._lookup.page_titled(
            space, include.title, "blogpost"
        )
        if page is None:
            # Pages in spaces the exporter may not view and export are missing too.
            missing = (
                f"included {what} '{include.title}' not found, or not in a space you may export"
            )
            self._report(context.page, [missing])
            return [Paragraph([Placeholder(f"[{missing}]")])]
        if page.id in context.include_chain:
            self._report(context.page, [f"include of '{page.title}' loops back; left out"])
            return []
        if len(context.include_chain) > self._options.max_include_depth:
            self._report(context.page, [f"includes nested too deeply at '{page.title}'"])
            return []
        # Read again rather than share nodes: the assembler rewrites nodes in place.
        body = read_storage(page.storage, self._options.exporter)
        self._report(page, body.warnings)
        source = body.excerpt if include.excerpt_only else body.blocks
        if source is None:
            self._report(context.page, [f"'{page.title}' has no excerpt to include"])
            return []
        inner = _PageContext(page, context.current_level, (*context.include_chain, page.id))
        return self._blocks(source, inner)

    def _children_list(self, children: ChildrenList, context: _PageContext) -> list[Block]:
        parent = context.page
        if children.page_title:
            space = children.space_key or context.page.space_key
            named = self._lookup.page_titled(space, children.page_title)
            if named is None:
                self._report(context.page, [f"children of missing page '{children.page_title}'"])
                return []
            parent = named
        depth = children.depth if children.depth > 0 else MAX_CHILDREN_DEPTH
        items = self._child_items(parent, min(depth, MAX_CHILDREN_DEPTH), children)
        return [ListBlock(False, items)] if items else []

    def _child_items(
        self, parent: PageSource, depth: int, children: ChildrenList
    ) -> list[ListItem]:
        pages = list(self._lookup.children(parent.id))
        sort_key = _CHILD_ORDER.get((children.sort or "").lower())
        if sort_key is not None:
            pages.sort(key=sort_key)
        if children.reverse:
            pages.reverse()
        items: list[ListItem] = []
        for page in pages:
            link = Link(self._page_target(page, None), [Text(page.title)])
            item = ListItem([Paragraph([link])])
            if depth > 1:
                nested = self._child_items(page, depth - 1, children)
                if nested:
                    item.blocks.append(ListBlock(False, nested))
            items.append(item)
        return items

    # -- inlines ---------------------------------------------------------------

    def _inlines(self, inlines: list[Inline], context: _PageContext) -> list[Inline]:
        out: list[Inline] = []
        for node in inlines:
            match node:
                case Link():
                    node.target = self._target(node, context)
                    node.children = self._inlines(node.children, context)
                case Styled() | Colored():
                    node.children = self._inlines(node.children, context)
                case Anchor():
                    node.name = f"{context.page.id}-{node.name}"
                    if not self._claim(node.name):
                        continue
                case Image():
                    self._attach(node, context)
                case UserMention(display_name=None):
                    self._name(node, context)
                case IndexTerm():
                    self._has_index_terms = True
            out.append(node)
        return out

    def _name(self, mention: UserMention, context: _PageContext) -> None:
        if isinstance(self._lookup, PeopleDirectory):
            mention.display_name = self._lookup.person_name(mention.username, mention.userkey)
        if mention.display_name is None and mention.username is None:
            who = mention.account_id or mention.userkey or "?"
            self._report(context.page, [f"mention of an unknown user ({who})"])

    def _attach(self, image: Image, context: _PageContext) -> None:
        if not image.attachment:
            if image.url:
                message = f"remote image {image.url[:200]} is not fetched: shown as a link"
                self._report(context.page, [message])
            return
        owner = self._owner(image.page_title, image.space_key, context)
        path = attachment_path(owner.attachments, image.attachment) if owner else None
        if path is None:
            self._report(context.page, [f"missing image '{image.attachment}'"])
        else:
            image.file = path

    def _owner(
        self, page_title: str | None, space_key: str | None, context: _PageContext
    ) -> PageSource | None:
        if page_title is None:
            return context.page
        return self._lookup.page_titled(space_key or context.page.space_key, page_title)

    def _target(self, link: Link, context: _PageContext) -> LinkTarget:
        target = link.target
        match target:
            case PageTarget():
                space = target.space_key or context.page.space_key
                page = self._lookup.page_titled(space, target.title, target.content_type)
                if page is None:
                    self._report(context.page, [f"link to missing page '{target.title}'"])
                    return ExternalTarget(self._missing_page_url(space, target.title))
                if target.anchor and page.id in self._exported:
                    self._anchor_links.append(_AnchorLink(link, page, target.anchor))
                return self._page_target(page, target.anchor)
            case AnchorTarget():
                self._anchor_links.append(_AnchorLink(link, context.page, target.name))
                return InternalTarget(f"{context.page.id}-{target.name}")
            case AttachmentTarget():
                owner = self._owner(target.page_title, target.space_key, context) or context.page
                return ExternalTarget(self._download_url(owner, target.filename))
        return target

    def _page_target(self, page: PageSource, anchor: str | None) -> LinkTarget:
        if page.id in self._exported:
            return InternalTarget(f"{page.id}-{anchor}" if anchor else f"page-{page.id}")
        url = self._page_url(page)
        return ExternalTarget(f"{url}#{quote(anchor)}" if anchor else url)

    def _check_anchor_links(self) -> None:
        for anchor_link in self._anchor_links:
            page = anchor_link.page
            candidates = [anchor_link.name]
            # Confluence's own heading ids read "PageTitle-HeadingText"
            prefix = page.title.replace(" ", "") + "-"
            if anchor_link.name.startswith(prefix):
                candidates.append(anchor_link.name.removeprefix(prefix))
            for name in candidates:
                if f"{page.id}-{name}" in self._bookmarks:
                    anchor_link.link.target = InternalTarget(f"{page.id}-{name}")
                    break
            else:
                self._report(page, [f"link to missing anchor '{anchor_link.name}'"])
                anchor_link.link.target = self._page_target(page, None)

    # -- URLs ------------------------------------------------------------------

    def _page_url(self, page: PageSource) -> str:
        return page.url or f"{self._base_url}/pages/viewpage.action?pageId={quote(page.id)}"

    def _missing_page_url(self, space_key: str, title: str) -> str:
        return f"{self._base_url}/display/{quote(space_key)}/{quote_plus(title)}"

    def _download_url(self, page: PageSource, filename: str) -> str:
        name = quote(unicodedata.normalize("NFC", filename))
        return f"{self._base_url}/download/attachments/{quote(page.id)}/{name}"

    # -- attachments and reports -------------------------------------------------

    def _attachment_file(self, node: AttachmentFile, context: _PageContext) -> list[Block]:
        owner = self._owner(node.page_title, node.space_key, context)
        path = attachment_path(owner.attachments, node.filename) if owner else None
        if owner is None or path is None:
            self._report(context.page, [f"attached file '{node.filename}' not found"])
            return [Paragraph([Text(f"{node.filename} (attachment not found)")])]
        self._report(
            context.page, [f"'{node.filename}' is shown as a link (file previews are not exported)"]
        )
        target = ExternalTarget(self._download_url(owner, node.filename))
        return [attachment_line(node.filename, target, path)]

    def _page_report(self, report: PageReport, context: _PageContext) -> list[Block]:
        what = {"labelled": "pages by label", "recent": "recently updated pages"}.get(
            report.kind, "page properties report"
        )
        if not isinstance(self._lookup, PageCatalog):
            self._report(context.page, [f"{what}: not available in this export; left a note"])
            return [Paragraph([Placeholder(f"[{what}: not available in this export]")])]
        spaces = [] if report.space_keys == ["*"] else report.space_keys or [context.page.space_key]
        if report.kind == "recent":
            found = self._lookup.recently_updated(spaces, report.labels, report.limit)
        else:
            found = self._lookup.labelled(report.labels, spaces)[: report.limit]
        rows = [(page.title, page.modified, self._properties(page)) for page in found]
        links: list[Inline] = [Link(self._page_target(p, None), [Text(p.title)]) for p in found]
        return report_blocks(report, rows, links)

    def _properties(self, page: PageSource) -> dict[str, str]:
        return read_storage(page.storage, self._options.exporter).page_properties


_CHILD_ORDER: Final[dict[str, Callable[[PageSource], str]]] = {
    "title": lambda page: page.title.casefold(),
    "creation": lambda page: page.created,
    "modified": lambda page: page.modified,
}
