"""Macros of the storage format (``ac:structured-macro``, legacy ``ac:macro``).

Each handler takes the reader (to read macro bodies) and one :class:`MacroCall`
and returns document nodes. A macro is either block-level or inline; the reader
places the result, flattening block results when a block macro sits in running
text.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol, TypeAlias

from lxml import etree

from pressroom.export.ast import (
    Admonition,
    AdmonitionKind,
    Anchor,
    AttachmentFile,
    Block,
    ChildrenList,
    CodeBlock,
    Column,
    Columns,
    Div,
    Expand,
    Heading,
    IncludePage,
    IndexTerm,
    Inline,
    LineBreak,
    OrientedSection,
    PageBody,
    PageBreak,
    PageReport,
    PageReportKind,
    Paragraph,
    Placeholder,
    Status,
    Styled,
    Table,
    TableOfContents,
    Text,
    inline_text,
    nested_blocks,
)
from pressroom.export.storage_markup import ac, flag, integer, length, ri, tag_name, text_of
from pressroom.export.storage_markup import colour as css_colour

Exporter: TypeAlias = Literal["word", "pdf"]


class BodyReader(Protocol):
    """What macro handlers need of the storage reader."""

    exporter: Exporter
    page: PageBody

    def blocks(self, element: etree._Element) -> list[Block]: ...

    def element_blocks(self, element: etree._Element) -> list[Block]: ...

    def inlines(self, element: etree._Element) -> list[Inline]: ...

    def warn(self, message: str) -> None: ...


@dataclass(slots=True)
class MacroCall:
    name: str
    element: etree._Element
    parameters: dict[str, str] = field(default_factory=dict)
    parameter_elements: dict[str, etree._Element] = field(default_factory=dict)
    rich_body: etree._Element | None = None
    plain_body: str | None = None

    def parameter(self, *names: str) -> str | None:
        """The first of ``names`` that is set to a non-blank value."""
        for name in names:
            value = self.parameters.get(name)
            if value:
                return value
        return None


def read_macro_call(element: etree._Element) -> MacroCall:
    call = MacroCall(name=(ac(element, "name") or "").strip().lower(), element=element)
    for child in element:
        name = tag_name(child)
        if name == "ac:parameter" or name == "ac:default-parameter":
            key = "" if name == "ac:default-parameter" else (ac(child, "name") or "")
            call.parameters[key] = text_of(child).strip()
            call.parameter_elements[key] = child
        elif name == "ac:rich-text-body":
            call.rich_body = child
        elif name == "ac:plain-text-body":
            call.plain_body = text_of(child)
    return call


BlockMacro: TypeAlias = Callable[[BodyReader, MacroCall], list[Block]]
InlineMacro: TypeAlias = Callable[[BodyReader, MacroCall], list[Inline]]


# ---------------------------------------------------------------------------
# Text of nodes (bookmark names, page property values, inline fallbacks)
# ---------------------------------------------------------------------------


def flatten(blocks: Iterable[Block]) -> list[Inline]:
    """Blocks as running text: what a block macro becomes inside a sentence."""
    out: list[Inline] = []
    for block in blocks:
        match block:
            case Paragraph(children=parts) | Heading(children=parts):
                pass
            case CodeBlock(code=code):
                parts = [Styled("code", [Text(code)])]
            case _:
                parts = flatten(b for body in nested_blocks(block) for b in body)
        if parts and out:
            out.append(LineBreak())
        out.extend(parts)
    return out


def block_text(blocks: Iterable[Block]) -> str:
    return " ".join(inline_text(flatten(blocks)).split())


# ---------------------------------------------------------------------------
# Bodies and parameters
# ---------------------------------------------------------------------------


def _body(reader: BodyReader, call: MacroCall) -> list[Block]:
    if call.rich_body is not None:
        return reader.blocks(call.rich_body)
    if call.plain_body and call.plain_body.strip():
        return [Paragraph([Text(call.plain_body.strip())])]
    return []


def _inline_body(reader: BodyReader, call: MacroCall) -> list[Inline]:
    if call.rich_body is not None:
        return reader.inlines(call.rich_body)
    if call.plain_body and call.plain_body.strip():
        return [Text(call.plain_body.strip())]
    return []


def _page_reference(call: MacroCall, *keys: str) -> tuple[str, str | None] | None:
    """(title, space key) of the ``ri:page`` in a parameter, or of ``SPACE:Title`` text."""
    for key in keys:
        element = call.parameter_elements.get(key)
        if element is None:
            continue
        for resource in element.iter(etree.Element):
            if tag_name(resource) in ("ri:page", "ri:blog-post"):
                title = ri(resource, "content-title")
                if title:
                    return title, ri(resource, "space-key")
        text = call.parameters.get(key, "")
        if text:
            space, colon, title = text.partition(":")
            return (title, space) if colon and title else (text, None)
    return None


# ---------------------------------------------------------------------------
# Confluence macros
# ---------------------------------------------------------------------------


def _code(reader: BodyReader, call: MacroCall) -> list[Block]:
    language = call.parameter("language")
    return [
        CodeBlock(
            code=(call.plain_body or "").strip("\n"),
            language=language.lower() if language else None,
            title=call.parameter("title"),
            line_numbers=flag(call.parameters.get("linenumbers")),
            first_line=integer(call.parameters.get("firstline"), 1),
        )
    ]


def _noformat(reader: BodyReader, call: MacroCall) -> list[Block]:
    if call.plain_body is None and call.rich_body is not None:
        return [CodeBlock(text_of(call.rich_body).strip("\n"))]
    return [CodeBlock((call.plain_body or "").strip("\n"))]


def _admonition(kind: AdmonitionKind) -> BlockMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Block]:
        return [Admonition(kind, _body(reader, call), title=call.parameter("title"))]

    return render


def _panel(reader: BodyReader, call: MacroCall) -> list[Block]:
    return [
        Admonition(
            "panel",
            _body(reader, call),
            title=call.parameter("title"),
            background=css_colour(call.parameter("bgColor")),
            border_color=css_colour(call.parameter("borderColor")),
            title_background=css_colour(call.parameter("titleBGColor")),
        )
    ]


def _expand(reader: BodyReader, call: MacroCall) -> list[Block]:
    return [Expand(call.parameter("title") or "Click here to expand...", _body(reader, call))]


def _toc(reader: BodyReader, call: MacroCall) -> list[Block]:
    low = integer(call.parameters.get("minLevel"), 1)
    high = integer(call.parameters.get("maxLevel"), 6)
    low = min(max(low, 1), 9)
    return [TableOfContents(min_level=low, max_level=max(low, min(high, 9)))]


def _anchor(reader: BodyReader, call: MacroCall) -> list[Inline]:
    name = call.parameter("", "name")
    return [Anchor(name)] if name else []


_STATUS_COLOURS: Final = {"grey", "red", "yellow", "green", "blue", "purple"}


def _status(reader: BodyReader, call: MacroCall) -> list[Inline]:
    colour = (call.parameter("colour", "color") or "Grey").strip().lower()
    return [
        Status(
            title=call.parameter("title") or "",
            colour=colour.capitalize() if colour in _STATUS_COLOURS else "Grey",
            subtle=flag(call.parameters.get("subtle")),
        )
    ]


def _excerpt(reader: BodyReader, call: MacroCall) -> list[Block]:
    blocks = _body(reader, call)
    if reader.page.excerpt is None:
        # a copy: the assembler rewrites the page's nodes in place
        reader.page.excerpt = copy.deepcopy(blocks)
    return [] if flag(call.parameters.get("hidden")) else [Div(blocks)]


def _include(excerpt_only: bool) -> BlockMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Block]:
        page = _page_reference(call, "", "page", "0")
        if page is None:
            reader.warn(f"{call.name} macro names no page; left out")
            return []
        return [IncludePage(title=page[0], space_key=page[1], excerpt_only=excerpt_only)]

    return render


def _children(reader: BodyReader, call: MacroCall) -> list[Block]:
    page = _page_reference(call, "page")
    depth = 0 if flag(call.parameters.get("all")) else integer(call.parameters.get("depth"), 1)
    return [
        ChildrenList(
            page_title=page[0] if page else None,
            depth=max(depth, 0),
            sort=call.parameter("sort"),
            reverse=flag(call.parameters.get("reverse")),
            space_key=page[1] if page else None,
        )
    ]


def _jira(reader: BodyReader, call: MacroCall) -> list[Inline]:
    key = call.parameter("key", "")
    if key:
        reader.warn(f"jira macro: issue {key} is shown as its key (issue details are not exported)")
        return [Placeholder(key)]
    query = call.parameter("jqlQuery", "jql")
    if query:
        reader.warn("jira macro: an issue list is shown as its query (issues are not exported)")
        return [Placeholder(f"[Jira issues: {query}]")]
    reader.warn("jira macro names no issue or query: shown as a placeholder")
    return [Placeholder("[Jira issues]")]


def _view_file(reader: BodyReader, call: MacroCall) -> list[Block]:
    for key in ("name", "", "file"):
        element = call.parameter_elements.get(key)
        if element is None:
            continue
        for resource in element.iter(etree.Element):
            if tag_name(resource) == "ri:attachment" and ri(resource, "filename"):
                owner = _attachment_owner(resource)
                return [AttachmentFile(ri(resource, "filename") or "", *owner)]
        if call.parameters.get(key):
            return [AttachmentFile(call.parameters[key])]
    reader.warn(f"{call.name} macro names no attachment: shown as a placeholder")
    return [Paragraph([Placeholder(f"[{call.name}: no file named]")])]


def _attachment_owner(resource: etree._Element) -> tuple[str | None, str | None]:
    for child in resource:
        if tag_name(child) in ("ri:page", "ri:blog-post"):
            return ri(child, "content-title"), ri(child, "space-key")
    return None, None


def _tab(reader: BodyReader, call: MacroCall) -> list[Block]:
    return [Expand(call.parameter("title", "") or "Tab", _body(reader, call))]


# ---------------------------------------------------------------------------
# Reports over other pages: by label, by date, their page properties
# ---------------------------------------------------------------------------

_CQL_LABELS = re.compile(r"\blabel\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s()]+)|in\s*\(([^)]*)\))", re.I)
_CQL_SPACES = re.compile(r"\bspace\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s()]+)|in\s*\(([^)]*)\))", re.I)


def _words(text: str) -> list[str]:
    """Labels or space keys of a parameter (labels never hold spaces or commas)."""
    parts = (part.strip("\"'") for part in re.split(r"[,\s]+", text))
    return [part for part in parts if part]


def _cql_values(pattern: re.Pattern[str], cql: str) -> list[str]:
    values: list[str] = []
    for single, several in pattern.findall(cql):
        values.extend(_words(several) if several else [single.strip("\"'")])
    return values


def _spaces(call: MacroCall, cql: str) -> list[str]:
    element = call.parameter_elements.get("spaces")
    if element is None:
        element = call.parameter_elements.get("spaceKey")
    keys = [
        ri(resource, "space-key") or ""
        for resource in (element.iter(etree.Element) if element is not None else ())
        if tag_name(resource) == "ri:space"
    ]
    keys += _words(call.parameter("spaces", "spaceKey", "space") or "") if not keys else []
    keys += _cql_values(_CQL_SPACES, cql)
    spaces: list[str] = []
    for key in keys:
        if key.lower() in ("@all", "*"):
            return ["*"]
        if key and key.lower() not in (
            "@self",
            "currentspace",
            "currentspace()",
            "@personal",
            "@global",
        ):
            spaces.append(key)
    return spaces


def _page_report(kind: PageReportKind) -> BlockMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Block]:
        cql = call.parameter("cql") or ""
        labels = _words(call.parameter("labels", "label") or "") + _cql_values(_CQL_LABELS, cql)
        if kind != "recent" and not labels:
            reader.warn(f"{call.name} macro names no label: shown as a placeholder")
            return [Paragraph([Placeholder(f"[{call.name}: no label given]")])]
        limit = integer(call.parameter("max", "maxResults", "pageSize"), 15)
        headings = [h.strip() for h in (call.parameter("headings") or "").split(",") if h.strip()]
        return [
            PageReport(
                kind,
                labels=list(dict.fromkeys(labels)),
                space_keys=_spaces(call, cql),
                limit=min(max(limit, 1), 500),
                headings=headings,
            )
        ]

    return render


_LAYOUT_WIDTHS: Final[dict[str, tuple[float, ...]]] = {
    "two_equal": (50, 50),
    "two_left_sidebar": (30, 70),
    "two_right_sidebar": (70, 30),
    "three_equal": (100 / 3, 100 / 3, 100 / 3),
    "three_with_sidebars": (25, 50, 25),
    "three_left_sidebars": (25, 25, 50),
    "three_right_sidebars": (50, 25, 25),
    "four_equal": (25, 25, 25, 25),
    "five_equal": (20, 20, 20, 20, 20),
}


def layout_columns(section_type: str | None, cells: list[list[Block]]) -> list[Block]:
    """An ``ac:layout-section``: one cell stays in the flow, more sit side by side."""
    if len(cells) <= 1:
        return cells[0] if cells else []
    widths = _LAYOUT_WIDTHS.get(section_type or "", ())
    if len(widths) != len(cells):
        widths = (100 / len(cells),) * len(cells)
    return [Columns([Column(blocks, width) for blocks, width in zip(cells, widths, strict=True)])]


def _section(reader: BodyReader, call: MacroCall) -> list[Block]:
    if call.rich_body is None:
        return []
    measured: list[tuple[list[Block], tuple[float, str] | None]] = []
    loose: list[Block] = []
    for child in call.rich_body:
        if tag_name(child) in ("ac:structured-macro", "ac:macro"):
            inner = read_macro_call(child)
            if inner.name == "column":
                measured.append((_body(reader, inner), length(inner.parameter("width"))))
                continue
        if isinstance(child.tag, str):
            loose.extend(reader.element_blocks(child))
    if loose:
        measured.append((loose, None))
    return [Columns(_columns(measured))] if measured else []


def _columns(measured: list[tuple[list[Block], tuple[float, str] | None]]) -> list[Column]:
    pixel_total = sum(w[0] for _, w in measured if w is not None and w[1] == "px")
    all_pixels = all(w is not None and w[1] == "px" for _, w in measured)
    columns: list[Column] = []
    for blocks, width in measured:
        percent: float | None = None
        if width is not None and width[1] == "%":
            percent = width[0]
        elif width is not None and all_pixels and pixel_total > 0:
            percent = 100 * width[0] / pixel_total
        columns.append(Column(blocks, percent))
    return columns


def _column(reader: BodyReader, call: MacroCall) -> list[Block]:
    return [Columns(_columns([(_body(reader, call), length(call.parameter("width")))]))]


def _details(reader: BodyReader, call: MacroCall) -> list[Block]:
    blocks = _body(reader, call)
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                if len(row.cells) >= 2 and not all(cell.header for cell in row.cells):
                    key = block_text(row.cells[0].blocks)
                    if key:
                        reader.page.page_properties[key] = block_text(row.cells[1].blocks)
            break
    return [] if flag(call.parameters.get("hidden")) else blocks


# ---------------------------------------------------------------------------
# Scroll exporter macros
# ---------------------------------------------------------------------------

_EXPORTER_WORDS: Final[dict[Exporter, tuple[str, ...]]] = {
    "word": ("word", "office", "docx"),
    "pdf": ("pdf",),
}


def _names_us(reader: BodyReader, call: MacroCall) -> bool | None:
    """Whether the ``exporter`` parameter lists our exporter; None if it lists none."""
    listed = [t.strip().lower() for t in re.split(r"[,;\s]+", call.parameter("exporter") or "")]
    listed = [t for t in listed if t]
    if not listed:
        return None
    words = _EXPORTER_WORDS[reader.exporter]
    return any(word in token for token in listed for word in words)


def _keeps(kind: str, reader: BodyReader, call: MacroCall) -> bool:
    match kind:
        case "ignore":
            return _names_us(reader, call) is False
        case "only":
            return _names_us(reader, call) is not False
        case "pdf-ignore":
            return reader.exporter != "pdf"
    return reader.exporter == "pdf"  # pdf-only


def _conditional_block(kind: str) -> BlockMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Block]:
        return _body(reader, call) if _keeps(kind, reader, call) else []

    return render


def _conditional_inline(kind: str) -> InlineMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Inline]:
        return _inline_body(reader, call) if _keeps(kind, reader, call) else []

    return render


def _oriented(landscape: bool) -> BlockMacro:
    def render(reader: BodyReader, call: MacroCall) -> list[Block]:
        return [OrientedSection(landscape, _body(reader, call))]

    return render


def _scroll_title(reader: BodyReader, call: MacroCall) -> list[Block]:
    title = call.parameter("title")
    if title is None and call.rich_body is not None:
        title = " ".join(text_of(call.rich_body).split()) or None
    if title:
        reader.page.title_override = title
    return []


def _index_term(reader: BodyReader, call: MacroCall) -> list[Inline]:
    body = _inline_body(reader, call)
    levels = [
        call.parameter("entry", "term", "name", "indexterm", "index-term", "primary", ""),
        call.parameter("subentry", "sub-entry", "secondary", "subterm"),
        call.parameter("tertiary", "subsubentry"),
    ]
    entry = ":".join(level for level in levels if level) or inline_text(body).strip()
    if not entry:
        reader.warn("scroll-indexterm macro without an entry; left out")
        return body
    return [IndexTerm(entry), *body]


def _bookmark(reader: BodyReader, call: MacroCall) -> list[Inline]:
    name = call.parameter("name", "bookmark", "id", "title", "")
    body = _inline_body(reader, call)
    return [Anchor(name), *body] if name else body


def _table_layout(reader: BodyReader, call: MacroCall) -> list[Block]:
    blocks = _body(reader, call)
    widths = _width_list(call.parameter("widths", "columnWidths", "column-widths", "colWidths"))
    table_width = length(call.parameter("tableWidth", "table-width", "width"))
    for block in blocks:
        if isinstance(block, Table):
            if widths:
                block.column_widths = list(widths)
            if table_width is not None and table_width[1] == "%":
                block.width_percent = table_width[0]
    return blocks


def _width_list(text: str | None) -> list[float | None]:
    if not text:
        return []
    widths: list[float | None] = []
    for part in text.split(","):
        measured = length(part)
        widths.append(measured[0] if measured and measured[0] > 0 else None)
    return widths if any(w is not None for w in widths) else []


def _body_in_place(reader: BodyReader, call: MacroCall) -> list[Block]:
    return _body(reader, call)


def _body_as_group(reader: BodyReader, call: MacroCall) -> list[Block]:
    return [Div(_body(reader, call))]


def _nothing(reader: BodyReader, call: MacroCall) -> list[Block]:
    return []


def render_unknown(reader: BodyReader, call: MacroCall) -> list[Block]:
    if call.rich_body is not None:
        reader.warn(f"unsupported macro '{call.name}': rendered its body only")
        return [Div(reader.blocks(call.rich_body))]
    reader.warn(f"unsupported macro '{call.name}': shown as a placeholder")
    return [Paragraph([Placeholder(f"[unsupported macro: {call.name or '?'}]")])]


BLOCK_MACROS: Final[dict[str, BlockMacro]] = {
    "code": _code,
    "noformat": _noformat,
    "info": _admonition("info"),
    "note": _admonition("note"),
    "tip": _admonition("tip"),
    "warning": _admonition("warning"),
    "panel": _panel,
    "expand": _expand,
    "toc": _toc,
    "excerpt": _excerpt,
    "excerpt-include": _include(excerpt_only=True),
    "include": _include(excerpt_only=False),
    "children": _children,
    "section": _section,
    "column": _column,
    "details": _details,
    "page-properties": _details,
    "detailssummary": _page_report("properties"),
    "page-properties-report": _page_report("properties"),
    "contentbylabel": _page_report("labelled"),
    "recently-updated": _page_report("recent"),
    "view-file": _view_file,
    "viewpdf": _view_file,
    "viewxls": _view_file,
    "viewppt": _view_file,
    "viewdoc": _view_file,
    "ui-tabs": _body_as_group,
    "ui-tab": _tab,
    "ui-expand": _expand,
    "scroll-ignore": _conditional_block("ignore"),
    "scroll-only": _conditional_block("only"),
    "scroll-pdf-ignore": _conditional_block("pdf-ignore"),
    "scroll-pdf-only": _conditional_block("pdf-only"),
    "scroll-pagebreak": lambda reader, call: [PageBreak()],
    "scroll-landscape": _oriented(landscape=True),
    "scroll-portrait": _oriented(landscape=False),
    "scroll-title": _scroll_title,
    "scroll-pagetitle": _scroll_title,
    "scroll-content-block": _body_in_place,
    # Variants choose these before the reader (content/conditions.py); what is left shows.
    "conditional-content": _body_in_place,
    "scroll-conditional-content": _body_in_place,
    "scroll-tablelayout": _table_layout,
    "scroll-exportbutton": _nothing,
}

INLINE_MACROS: Final[dict[str, InlineMacro]] = {
    "anchor": _anchor,
    "status": _status,
    "jira": _jira,
    "jiraissues": _jira,
    "scroll-ignore-inline": _conditional_inline("ignore"),
    "scroll-only-inline": _conditional_inline("only"),
    "scroll-pdf-ignore-inline": _conditional_inline("pdf-ignore"),
    "scroll-pdf-only-inline": _conditional_inline("pdf-only"),
    "scroll-indexterm": _index_term,
    "scroll-bookmark": _bookmark,
}
