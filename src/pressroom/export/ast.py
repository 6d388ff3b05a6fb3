"""The document tree every reader produces and every writer consumes.

Readers (``storage.py``) know nothing of Word or PDF; writers (``docx/``, ``html.py``)
know nothing of Confluence. The assembler (``assemble.py``) turns several pages into
one :class:`Document`, resolving what only a page tree knows: links between pages,
includes, children lists, attachment files, and heading levels.

Nodes are plain dataclasses. Writers dispatch on the node type; a writer that meets
a node it does not know renders its children (if any) and never fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, TypeAlias, TypeVar

# ---------------------------------------------------------------------------
# Inline nodes
# ---------------------------------------------------------------------------

InlineStyle: TypeAlias = Literal[
    "strong", "em", "underline", "strike", "sup", "sub", "code", "small", "big"
]


@dataclass(slots=True)
class Text:
    text: str


@dataclass(slots=True)
class Styled:
    """Inline formatting: ``<strong>``, ``<em>``, ``<u>``, ``<s>``, ``<code>`` ..."""

    style: InlineStyle
    children: list[Inline] = field(default_factory=list)


@dataclass(slots=True)
class Colored:
    """``<span style="color: ...">``; ``color`` is ``#rrggbb``."""

    color: str
    children: list[Inline] = field(default_factory=list)


@dataclass(slots=True)
class LineBreak:
    pass


@dataclass(slots=True)
class ExternalTarget:
    url: str


@dataclass(slots=True)
class InternalTarget:
    """A bookmark inside the exported document (a page heading or an anchor)."""

    bookmark: str


@dataclass(slots=True)
class PageTarget:
    """A link to a page or blog post by title, as storage format writes it.

    The assembler replaces it by an :class:`InternalTarget` when the page is part of
    the export, else by an :class:`ExternalTarget` to the page's URL.
    """

    title: str
    space_key: str | None = None
    content_type: Literal["page", "blogpost"] = "page"
    posting_day: str | None = None
    anchor: str | None = None


@dataclass(slots=True)
class AnchorTarget:
    """A link to an anchor of the same page (``<ac:link ac:anchor="x">``)."""

    name: str


@dataclass(slots=True)
class AttachmentTarget:
    filename: str
    page_title: str | None = None
    space_key: str | None = None


LinkTarget: TypeAlias = (
    ExternalTarget | InternalTarget | PageTarget | AnchorTarget | AttachmentTarget
)


@dataclass(slots=True)
class Link:
    target: LinkTarget
    children: list[Inline] = field(default_factory=list)


@dataclass(slots=True)
class UserMention:
    """``<ri:user>``: rendered as the person's display name."""

    username: str | None = None
    userkey: str | None = None
    display_name: str | None = None
    account_id: str | None = None


@dataclass(slots=True)
class Image:
    """``<ac:image>`` with an attachment or a URL as its source.

    Sizes are CSS pixels as Confluence stores them (``ac:width``/``ac:height``).
    The assembler fills ``file`` for attachments it found.
    """

    attachment: str | None = None
    page_title: str | None = None
    space_key: str | None = None
    url: str | None = None
    width: int | None = None
    height: int | None = None
    align: Literal["left", "center", "right"] | None = None
    alt: str | None = None
    title: str | None = None
    border: bool = False
    file: Path | None = None
    caption: list[Inline] = field(default_factory=list)  # the reader moves it below


@dataclass(slots=True)
class Emoticon:
    name: str
    glyph: str


@dataclass(slots=True)
class Date:
    """``<time datetime="2024-05-01"/>``."""

    iso: str


@dataclass(slots=True)
class Status:
    """The status macro: a coloured lozenge."""

    title: str
    colour: str = "Grey"
    subtle: bool = False


@dataclass(slots=True)
class Anchor:
    """A bookmark target: the anchor macro, scroll-bookmark, heading ids."""

    name: str


@dataclass(slots=True)
class IndexTerm:
    """scroll-indexterm: an index entry at this place (``entry`` may be ``a:b`` for sub-entries)."""

    entry: str


@dataclass(slots=True)
class Placeholder:
    """Inline content that only the assembler can fill (e.g. a jira issue key) or a
    text rendered verbatim by writers."""

    text: str


Inline: TypeAlias = (
    Text
    | Styled
    | Colored
    | LineBreak
    | Link
    | UserMention
    | Image
    | Emoticon
    | Date
    | Status
    | Anchor
    | IndexTerm
    | Placeholder
)

# ---------------------------------------------------------------------------
# Block nodes
# ---------------------------------------------------------------------------

Alignment: TypeAlias = Literal["left", "center", "right", "justify"]


@dataclass(slots=True)
class Heading:
    """A heading. ``level`` is 1-based and unbounded after assembly; writers map
    levels past their maximum (Word: 9) to bold paragraphs."""

    level: int
    children: list[Inline] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)
    page_title: bool = False


@dataclass(slots=True)
class Paragraph:
    children: list[Inline] = field(default_factory=list)
    align: Alignment | None = None
    indent: int = 0  # indentation steps; the Confluence editor indents 30px per step
    caption: bool = False  # the caption of the image(s) just above


@dataclass(slots=True)
class BlockQuote:
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class CodeBlock:
    """``<pre>``, the code macro and the noformat macro (``language`` None)."""

    code: str
    language: str | None = None
    title: str | None = None
    line_numbers: bool = False
    first_line: int = 1


@dataclass(slots=True)
class HorizontalRule:
    pass


@dataclass(slots=True)
class ListItem:
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class ListBlock:
    ordered: bool
    items: list[ListItem] = field(default_factory=list)
    start: int = 1


@dataclass(slots=True)
class TaskItem:
    checked: bool
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class TaskList:
    """``ac:task-list`` (``checked``: complete) or a Cloud decision list (``decisions``,
    ``checked``: decided)."""

    items: list[TaskItem] = field(default_factory=list)
    decisions: bool = False


@dataclass(slots=True)
class TableCell:
    blocks: list[Block] = field(default_factory=list)
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    background: str | None = None
    align: Alignment | None = None


@dataclass(slots=True)
class TableRow:
    cells: list[TableCell] = field(default_factory=list)
    header: bool = False


@dataclass(slots=True)
class Table:
    """A table. ``column_widths`` are relative weights or pixels (None: automatic);
    ``width_percent`` is the table width as a share of the text area."""

    rows: list[TableRow] = field(default_factory=list)
    column_widths: list[float | None] = field(default_factory=list)
    width_percent: float | None = None


AdmonitionKind: TypeAlias = Literal["info", "note", "tip", "warning", "panel"]


@dataclass(slots=True)
class Admonition:
    """info, note, tip, warning and panel macros: a shaded, bordered box."""

    kind: AdmonitionKind
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    background: str | None = None
    border_color: str | None = None
    title_background: str | None = None


@dataclass(slots=True)
class Expand:
    """The expand macro: exported open, as a title and its body."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class TableOfContents:
    """The toc macro. ``min_level``/``max_level`` are heading levels of its page.

    As in Scroll exports, it covers the page it is on (with the pages below it):
    the assembler sets ``scope_bookmark`` to that page's title bookmark and
    ``levels`` to the document heading levels the page's levels became. Without
    them a writer lists the whole document."""

    min_level: int = 1
    max_level: int = 6
    scope_bookmark: str | None = None
    levels: tuple[int, int] | None = None


@dataclass(slots=True)
class PageBreak:
    pass


@dataclass(slots=True)
class OrientedSection:
    """scroll-landscape / scroll-portrait: its body on pages of that orientation."""

    landscape: bool
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Column:
    blocks: list[Block] = field(default_factory=list)
    width_percent: float | None = None


@dataclass(slots=True)
class Columns:
    """section/column macros and ``ac:layout`` sections: side-by-side columns."""

    columns: list[Column] = field(default_factory=list)


@dataclass(slots=True)
class Index:
    """Where the index of scroll-indexterm entries goes."""


@dataclass(slots=True)
class IncludePage:
    """include and excerpt-include: the assembler replaces it by that page's content
    (or its excerpt)."""

    title: str
    space_key: str | None = None
    excerpt_only: bool = False


@dataclass(slots=True)
class ChildrenList:
    """The children macro: the assembler replaces it by a list of links."""

    page_title: str | None = None
    depth: int = 1  # 0: all levels
    sort: str | None = None
    reverse: bool = False
    space_key: str | None = None


@dataclass(slots=True)
class AttachmentFile:
    """view-file, viewpdf, viewxls, viewppt, viewdoc: the assembler replaces it by a
    link to the attachment with its name, size and type."""

    filename: str
    page_title: str | None = None
    space_key: str | None = None


PageReportKind: TypeAlias = Literal["labelled", "recent", "properties"]


@dataclass(slots=True)
class PageReport:
    """contentbylabel (``labelled``), recently-updated (``recent``) and
    page-properties-report (``properties``): the assembler replaces it by a list of
    links to the pages found, or a table of their page properties.

    ``space_keys`` empty means the current page's space, ``["*"]`` every space."""

    kind: PageReportKind
    labels: list[str] = field(default_factory=list)
    space_keys: list[str] = field(default_factory=list)
    limit: int = 15
    headings: list[str] = field(default_factory=list)  # properties shown (empty: all)


@dataclass(slots=True)
class Div:
    """A group of blocks with no layout of its own (excerpt bodies, unknown macros)."""

    blocks: list[Block] = field(default_factory=list)


Block: TypeAlias = (
    Heading
    | Paragraph
    | BlockQuote
    | CodeBlock
    | HorizontalRule
    | ListBlock
    | TaskList
    | Table
    | Admonition
    | Expand
    | TableOfContents
    | PageBreak
    | OrientedSection
    | Columns
    | Index
    | IncludePage
    | ChildrenList
    | AttachmentFile
    | PageReport
    | Div
)

# ---------------------------------------------------------------------------
# Pages and documents
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class PageBody:
    """What the reader makes of one page's storage format."""

    blocks: list[Block] = field(default_factory=list)
    excerpt: list[Block] | None = None
    title_override: str | None = None
    page_properties: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """One export: every page's blocks, page titles as headings, in tree order."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# One walk over the tree: every traversal of readers, assembler and writers
# ---------------------------------------------------------------------------

_LEAF_BLOCKS: Final = frozenset({Paragraph, Heading, CodeBlock, HorizontalRule, PageBreak})
BlockT = TypeVar("BlockT")


def nested_blocks(block: Block) -> list[list[Block]]:
    """The lists of blocks directly inside ``block``: list items, table cells, columns,
    the bodies of boxes, quotes and sections."""
    if type(block) in _LEAF_BLOCKS:  # nearly every block: answer before matching
        return []
    match block:
        case ListBlock(items=items):
            return [item.blocks for item in items]
        case TaskList(items=tasks):
            return [task.blocks for task in tasks]
        case Table(rows=rows):
            return [cell.blocks for row in rows for cell in row.cells]
        case Columns(columns=columns):
            return [column.blocks for column in columns]
        case (
            BlockQuote(blocks=body)
            | Admonition(blocks=body)
            | Expand(blocks=body)
            | OrientedSection(blocks=body)
            | Div(blocks=body)
        ):
            return [body]
    return []


def walk_blocks(
    blocks: list[Block], kind: type[BlockT] | tuple[type, ...] | None = None
) -> Iterator[BlockT]:
    """Every block (of ``kind``) in document order, however deeply nested in boxes,
    lists and tables (a stack, not recursion: documents hold tens of thousands)."""
    pending: list[Block] = blocks[::-1]
    while pending:
        block = pending.pop()
        if kind is None or isinstance(block, kind):
            yield block  # type: ignore[misc]
        for nested in reversed(nested_blocks(block)):
            pending.extend(reversed(nested))


def inline_children(node: Inline) -> list[Inline] | None:
    """The inlines inside ``node`` (formatting, colour, link text); None for leaves."""
    if isinstance(node, Styled | Colored | Link):
        return node.children
    return None


def walk_inlines(inlines: list[Inline]) -> Iterator[Inline]:
    """Every inline node in reading order, containers before what they contain."""
    pending: list[Inline] = inlines[::-1]
    while pending:
        node = pending.pop()
        yield node
        children = inline_children(node)
        if children:
            pending.extend(reversed(children))


def text_runs(blocks: list[Block]) -> Iterator[list[Inline]]:
    """The running text of every paragraph and heading in ``blocks``, nested or not."""
    texts: Iterator[Paragraph | Heading] = walk_blocks(blocks, (Paragraph, Heading))
    return (block.children for block in texts)


def mention_text(mention: UserMention) -> str:
    """How a mention reads: the person's name, else what identifies them."""
    return mention.display_name or mention.username or mention.userkey or "unknown user"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class TextSpelling:
    """How :func:`inline_text` spells what is not plain text."""

    line_break: str = " "
    date: Callable[[str], str] = _same  # ISO date -> as the document shows it
    label: Callable[[str], str] = _same  # status lozenges and mentions


PLAIN: Final = TextSpelling()


def inline_text(inlines: list[Inline], spelling: TextSpelling = PLAIN) -> str:
    """The text a reader sees in ``inlines``: dates, statuses, mentions and emoticons
    included, anchors, index terms and images left out."""
    parts: list[str] = []
    for node in walk_inlines(inlines):
        match node:
            case Text(text=text) | Placeholder(text=text):
                parts.append(text)
            case LineBreak():
                parts.append(spelling.line_break)
            case Emoticon(glyph=glyph):
                parts.append(glyph)
            case Date(iso=iso):
                parts.append(spelling.date(iso))
            case Status(title=title):
                parts.append(spelling.label(title))
            case UserMention():
                parts.append(spelling.label(mention_text(node)))
    return "".join(parts)


_LABELS: Final[dict[type, str]] = {
    ListBlock: "list",
    Admonition: "box",
    Div: "group",
    IncludePage: "included page",
    ChildrenList: "list of child pages",
    AttachmentFile: "attachment",
    PageReport: "page report",
    Styled: "formatted text",
    Colored: "coloured text",
    UserMention: "mention",
}
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def node_label(node: Block | Inline) -> str:
    """What a node is called in a warning or placeholder: ``table``, ``code block``."""
    label = _LABELS.get(type(node))
    return label or _WORD_START.sub(" ", type(node).__name__).lower()
