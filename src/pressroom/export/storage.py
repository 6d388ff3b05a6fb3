"""The storage format reader: Confluence storage XHTML -> :class:`PageBody`.

Storage format is untrusted input: ``storage_parse`` parses it safely, and
whatever goes wrong ends up in ``PageBody.warnings``; the reader never fails an
export. Macros live in ``storage_macros``, links and media in
``storage_resources``.

One pass over the lxml tree: block-level and inline elements are dispatched
through two tables; running text between block elements gathers into a pending
paragraph (:class:`_Line`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeAlias, TypeGuard

from lxml import etree

from pressroom.export.ast import (
    Admonition,
    AdmonitionKind,
    Alignment,
    Anchor,
    AnchorTarget,
    Block,
    BlockQuote,
    CodeBlock,
    Colored,
    Date,
    ExternalTarget,
    Heading,
    HorizontalRule,
    Image,
    IndexTerm,
    Inline,
    InlineStyle,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    PageBody,
    Paragraph,
    Placeholder,
    Styled,
    Table,
    TableCell,
    TableRow,
    TaskItem,
    TaskList,
    Text,
    inline_text,
)
from pressroom.export.failures import failure_detail, is_strict
from pressroom.export.storage_macros import (
    BLOCK_MACROS,
    INLINE_MACROS,
    Exporter,
    MacroCall,
    flatten,
    layout_columns,
    read_macro_call,
    render_unknown,
)
from pressroom.export.storage_markup import (
    ac,
    alignment,
    colour,
    css,
    element_label,
    highlight,
    integer,
    length,
    pixels,
    start_tag,
    tag_name,
    text_of,
)
from pressroom.export.storage_parse import parse_storage
from pressroom.export.storage_resources import (
    emoticon,
    html_image,
    resource_link,
    storage_image,
    unsafe_scheme,
)

__all__ = ["Exporter", "StorageReader", "read_storage"]

# Deeper element nesting is read as plain text: keeps recursion far from Python's limit.
MAX_DEPTH: Final = 64
INDENT_STEP_PX: Final = 30


def read_storage(xml: str, exporter: Exporter = "word") -> PageBody:
    """Read one page's storage format. Never raises; problems become warnings."""
    return StorageReader(exporter).read(xml)


# ---------------------------------------------------------------------------
# Running text
# ---------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\n\f]+")


def _append_text(children: list[Inline], text: str | None) -> None:
    if not text:
        return
    if not text.isprintable() or "  " in text:  # printable: no tab, newline or form feed
        text = _SPACES.sub(" ", text)
    last = children[-1] if children else None
    if isinstance(last, Text):
        if last.text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        last.text += text
    elif isinstance(last, LineBreak):
        text = text.lstrip(" ")
        if text:
            children.append(Text(text))
    else:
        children.append(Text(text))


def _append_inlines(children: list[Inline], inlines: list[Inline]) -> None:
    for node in inlines:
        if isinstance(node, Text):
            _append_text(children, node.text)
            continue
        if isinstance(node, LineBreak) and children and isinstance(children[-1], Text):
            children[-1].text = children[-1].text.rstrip(" ")
        children.append(node)


def _strip_edge(children: list[Inline], at_start: bool) -> None:
    """Remove whitespace (and trailing line breaks) at one edge of a paragraph."""
    index = 0 if at_start else -1
    while children:
        node = children[index]
        if isinstance(node, Text):
            node.text = node.text.lstrip(" ") if at_start else node.text.rstrip(" ")
            if node.text:
                return
        elif isinstance(node, LineBreak) and not at_start:
            pass
        elif isinstance(node, _WRAPPERS):
            _strip_edge(node.children, at_start)
            if node.children:
                return
        else:
            return
        children.pop(index)


_WRAPPERS: Final = (Styled, Colored)


def _trimmed(children: list[Inline]) -> list[Inline]:
    _strip_edge(children, at_start=True)
    _strip_edge(children, at_start=False)
    return children


class _Line:
    """Inline content waiting to become a paragraph."""

    __slots__ = ("align", "children", "indent")

    def __init__(self, align: Alignment | None = None, indent: int = 0) -> None:
        self.children: list[Inline] = []
        self.align = align
        self.indent = indent

    def flush_into(self, blocks: list[Block]) -> None:
        if self.children:
            children = _trimmed(self.children)
            if children:
                blocks.append(Paragraph(children, self.align, self.indent))
            self.children = []


def _invisible(block: Block) -> TypeGuard[Paragraph]:
    if not isinstance(block, Paragraph):
        return False
    first = block.children[0] if block.children else None
    return not isinstance(first, Text) and all(
        isinstance(node, _INVISIBLE_INLINES) for node in block.children
    )


_INVISIBLE_INLINES: Final = (Anchor, IndexTerm)


def _bookmarks_joined(blocks: list[Block]) -> list[Block]:
    """Move paragraphs holding only anchors or index terms into the next paragraph or
    heading: a bookmark alone would print as an empty paragraph."""
    for block in blocks:
        if _invisible(block):
            break
    else:
        return blocks
    joined: list[Block] = []
    carried: list[Inline] = []
    for block in blocks:
        if _invisible(block):
            carried.extend(block.children)
            continue
        if carried:
            if isinstance(block, Paragraph | Heading):
                block.children[:0] = carried
            else:
                joined.append(Paragraph(carried))
            carried = []
        joined.append(block)
    if carried:
        joined.append(Paragraph(carried))
    return joined


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------

_STYLES: Final[dict[str, InlineStyle]] = {
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "u": "underline",
    "ins": "underline",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
    "sup": "sup",
    "sub": "sub",
    "code": "code",
    "tt": "code",
    "kbd": "code",
    "samp": "code",
    "small": "small",
    "big": "big",
}
_MACRO_TAGS: Final = frozenset({"ac:structured-macro", "ac:macro"})


class StorageReader:
    """Reads one page. Holds what a page accumulates: warnings, excerpt, properties."""

    def __init__(self, exporter: Exporter = "word") -> None:
        self.exporter: Exporter = exporter
        self.page = PageBody()
        self._depth = 0

    def read(self, xml: str) -> PageBody:
        try:
            root = parse_storage(xml, self.page.warnings)
            if root is not None:
                self.page.blocks = self.blocks(root)
        except Exception as error:
            # Failures inside an element cost that element (see _place); one here is
            # outside every element, in parsing or in the page's own structure.
            if is_strict():
                raise
            self.warn(f"could not read the page content: {failure_detail(error)}")
        return self.page

    def warn(self, message: str) -> None:
        if message not in self.page.warnings:
            self.page.warnings.append(message)

    # -- block context -------------------------------------------------------

    def blocks(
        self, parent: etree._Element, align: Alignment | None = None, indent: int = 0
    ) -> list[Block]:
        """The children of ``parent`` as blocks; loose text becomes paragraphs."""
        out: list[Block] = []
        line = _Line(align, indent)
        if self._depth >= MAX_DEPTH:
            self.warn("content nested too deeply: read as plain text")
            _append_text(line.children, text_of(parent))
        else:
            self._depth += 1
            try:
                self._place_children(parent, out, line)
            finally:
                self._depth -= 1
        line.flush_into(out)
        return _bookmarks_joined(out)

    def element_blocks(self, element: etree._Element) -> list[Block]:
        """One element as blocks (loose inline content becomes a paragraph)."""
        out: list[Block] = []
        line = _Line()
        name = tag_name(element)
        if name is not None:
            self._place(element, name, out, line)
        line.flush_into(out)
        return out

    def _place_children(self, parent: etree._Element, out: list[Block], line: _Line) -> None:
        _append_text(line.children, parent.text)
        for child in parent:
            name = tag_name(child)
            if name is not None:
                self._place(child, name, out, line)
            tail = child.tail
            if tail:
                _append_text(line.children, tail)

    def _place(self, element: etree._Element, name: str, out: list[Block], line: _Line) -> None:
        try:
            self._place_element(element, name, out, line)
        except Exception as error:
            if is_strict():
                raise
            placeholder = self._unreadable(element, error)
            if _is_block(element, name):
                line.flush_into(out)
                out.append(Paragraph([placeholder]))
            else:
                _append_inlines(line.children, [placeholder])

    def _unreadable(self, element: etree._Element, error: Exception) -> Placeholder:
        """A failure reading ``element``: the placeholder that takes its place, and a
        warning naming the element (the assembler adds the page)."""
        shown = f"[unreadable {element_label(element)}]"
        self.warn(
            f"could not read {start_tag(element)} ({failure_detail(error)}): shown as {shown}"
        )
        return Placeholder(shown)

    def _place_element(
        self, element: etree._Element, name: str, out: list[Block], line: _Line
    ) -> None:
        block_reader = _BLOCK_READERS.get(name)
        if block_reader is not None:
            line.flush_into(out)
            out.extend(block_reader(self, element))
            return
        inline_reader = _INLINE_READERS.get(name)
        if inline_reader is not None:
            inlines = inline_reader(self, element)
            _append_inlines(line.children, inlines)
            if name == "ac:image":
                _captions_below(inlines, out, line)
            return
        if name in _MACRO_TAGS:
            call = read_macro_call(element)
            inline_macro = INLINE_MACROS.get(call.name)
            if inline_macro is not None:
                _append_inlines(line.children, inline_macro(self, call))
            else:
                line.flush_into(out)
                out.extend(self._block_macro(call))
            return
        # Unknown or wrapper elements (div, section, ac:layout-cell...): their content
        # belongs to the flow they sit in.
        if self._depth >= MAX_DEPTH:
            self.warn("content nested too deeply: read as plain text")
            _append_text(line.children, text_of(element))
            return
        self._depth += 1
        try:
            self._place_children(element, out, line)
        finally:
            self._depth -= 1

    def _block_macro(self, call: MacroCall) -> list[Block]:
        render = BLOCK_MACROS.get(call.name)
        return render(self, call) if render is not None else render_unknown(self, call)

    # -- inline context ------------------------------------------------------

    def inlines(self, parent: etree._Element) -> list[Inline]:
        """The content of ``parent`` as running text; blocks inside are flattened."""
        out: list[Inline] = []
        if self._depth >= MAX_DEPTH:
            self.warn("content nested too deeply: read as plain text")
            _append_text(out, text_of(parent))
            return out
        self._depth += 1
        try:
            _append_text(out, parent.text)
            for child in parent:
                name = tag_name(child)
                if name is not None:
                    _append_inlines(out, self._inline(child, name))
                _append_text(out, child.tail)
        finally:
            self._depth -= 1
        return out

    def _inline(self, element: etree._Element, name: str) -> list[Inline]:
        try:
            return self._inline_element(element, name)
        except Exception as error:
            if is_strict():
                raise
            return [self._unreadable(element, error)]

    def _inline_element(self, element: etree._Element, name: str) -> list[Inline]:
        inline_reader = _INLINE_READERS.get(name)
        if inline_reader is not None:
            return _captions_inline(inline_reader(self, element))
        if name in _MACRO_TAGS:
            call = read_macro_call(element)
            inline_macro = INLINE_MACROS.get(call.name)
            if inline_macro is not None:
                return inline_macro(self, call)
            return flatten(self._block_macro(call))
        block_reader = _BLOCK_READERS.get(name)
        if block_reader is not None:
            return flatten(block_reader(self, element))
        return self.inlines(element)

    def _styled(self, element: etree._Element) -> list[Inline]:
        children = self.inlines(element)
        style = _STYLES[tag_name(element) or ""]
        return [Styled(style, children)] if children else []

    def _definition_term(self, element: etree._Element) -> list[Block]:
        return [Paragraph([Styled("strong", _trimmed(self.inlines(element)))])]

    def _definition(self, element: etree._Element) -> list[Block]:
        return self.blocks(element, indent=1)

    def _date(self, element: etree._Element) -> list[Inline]:
        return [Date(element.get("datetime") or text_of(element).strip())]

    def _span(self, element: etree._Element) -> list[Inline]:
        declarations = css(element.get("style"))
        children = self.inlines(element)
        if not children:
            return []
        decoration = declarations.get("text-decoration", "")
        if "underline" in decoration:
            children = [Styled("underline", children)]
        if "line-through" in decoration:
            children = [Styled("strike", children)]
        colour_value = colour(declarations.get("color") or element.get("color"))
        if colour_value is not None:
            return [Colored(colour_value, children)]
        return children

    # -- blocks --------------------------------------------------------------

    def _paragraph(self, element: etree._Element) -> list[Block]:
        declarations = css(element.get("style"))
        align = alignment(declarations.get("text-align") or element.get("align"))
        offset = pixels(declarations.get("margin-left") or declarations.get("padding-left"))
        indent = max(1, round(offset / INDENT_STEP_PX)) if offset else 0
        return self.blocks(element, align, indent)

    def _heading(self, element: etree._Element) -> list[Block]:
        level = int((tag_name(element) or "h1")[1:])
        children = _trimmed(self.inlines(element))
        text = " ".join(inline_text(children).split())
        # Confluence links to a heading by its text, older pages by its text without
        # spaces; exported HTML pasted back carries ids
        names = (text, text.replace(" ", ""), (element.get("id") or "").strip())
        bookmarks = list(dict.fromkeys(name for name in names if name))
        return [Heading(level, children, bookmarks)]

    def _list(self, element: etree._Element, ordered: bool) -> list[Block]:
        items: list[ListItem] = []
        for child in element:
            name = tag_name(child)
            if name == "li":
                items.append(ListItem(self.blocks(child)))
            elif name is not None:
                # stray content (often a nested list beside its item) joins the last item
                if not items:
                    items.append(ListItem())
                items[-1].blocks.extend(self.element_blocks(child))
        start = max(integer(element.get("start"), 1), 0) if ordered else 1
        return [ListBlock(ordered, items, start)] if items else []

    def _task_list(self, element: etree._Element) -> list[Block]:
        items: list[TaskItem] = []
        for child in element:
            name = tag_name(child)
            if name == "ac:task":
                items.append(self._task(child))
            elif name == "ac:task-list" and items:
                items[-1].blocks.extend(self._task_list(child))
        return [TaskList(items)] if items else []

    def _task(self, element: etree._Element) -> TaskItem:
        status = ""
        blocks: list[Block] = []
        for child in element:
            name = tag_name(child)
            if name == "ac:task-status":
                status = text_of(child).strip().lower()
            elif name == "ac:task-body":
                blocks = self.blocks(child)
        return TaskItem(checked=status == "complete", blocks=blocks)

    def _table(self, element: etree._Element) -> list[Block]:
        table = Table()
        before: list[Block] = []
        width = length(css(element.get("style")).get("width") or element.get("width"))
        if width is not None and width[1] == "%" and width[0] > 0:
            table.width_percent = min(width[0], 100.0)
        widths: list[tuple[float, str] | None] = []
        for child in element:
            name = tag_name(child)
            if name == "colgroup":
                widths.extend(_column_width(col) for col in child if tag_name(col) == "col")
            elif name == "col":
                widths.append(_column_width(child))
            elif name in ("thead", "tbody", "tfoot"):
                table.rows.extend(
                    self._row(row, name == "thead") for row in child if tag_name(row) == "tr"
                )
            elif name == "tr":
                table.rows.append(self._row(child, False))
            elif name == "caption":
                before.extend(self.blocks(child))
        table.rows = [row for row in table.rows if row.cells]
        units = {w[1] for w in widths if w is not None}
        if len(units) == 1 and units <= {"px", "%"}:
            table.column_widths = [w[0] if w is not None else None for w in widths]
        return [*before, table] if table.rows else before

    def _row(self, element: etree._Element, in_head: bool) -> TableRow:
        cells = [
            self._cell(cell, name == "th")
            for cell in element
            if (name := tag_name(cell)) in ("td", "th")
        ]
        header = in_head or (bool(cells) and all(cell.header for cell in cells))
        return TableRow(cells, header)

    def _cell(self, element: etree._Element, header: bool) -> TableCell:
        if not element.keys():  # the usual plain cell
            return TableCell(blocks=self.blocks(element), header=header)
        declarations = css(element.get("style"))
        background = highlight(element.get("data-highlight-colour")) or colour(
            declarations.get("background-color") or element.get("bgcolor")
        )
        if background is None:
            for css_class in (element.get("class") or "").split():
                if css_class.startswith("highlight-"):
                    background = highlight(css_class.removeprefix("highlight-"))
        return TableCell(
            blocks=self.blocks(element),
            header=header,
            colspan=min(max(integer(element.get("colspan"), 1), 1), 1000),
            rowspan=min(max(integer(element.get("rowspan"), 1), 1), 10_000),
            background=background,
            align=alignment(declarations.get("text-align") or element.get("align")),
        )

    def _layout(self, element: etree._Element) -> list[Block]:
        out: list[Block] = []
        for child in element:
            if tag_name(child) == "ac:layout-section":
                out.extend(self._layout_section(child))
        return out

    def _layout_section(self, element: etree._Element) -> list[Block]:
        cells = [self.blocks(c) for c in element if tag_name(c) == "ac:layout-cell"]
        return layout_columns(ac(element, "type"), cells)

    def _adf_extension(self, element: etree._Element) -> list[Block]:
        """Cloud's ADF-only content: read natively where we know the node (decision
        lists, panels), else its storage fallback, else the text of its content."""
        node = _first_child(element, "ac:adf-node")
        if node is not None:
            native = self._adf_node(node)
            if native is not None:
                return native
        fallback = _first_child(element, "ac:adf-fallback")
        if fallback is not None:
            return self.blocks(fallback)
        if node is None:
            return []
        self.warn(f"ADF node '{node.get('type')}' without a fallback: its content only")
        return self._adf_content(node)

    def _adf_node(self, node: etree._Element) -> list[Block] | None:
        match node.get("type"):
            case "decision-list":
                items = [
                    TaskItem(_adf_attribute(item, "state") == "DECIDED", self._adf_content(item))
                    for item in node
                    if tag_name(item) == "ac:adf-node" and item.get("type") == "decision-item"
                ]
                return [TaskList(items, decisions=True)] if items else []
            case "panel":
                return [self._adf_panel(node)]
        return None

    def _adf_panel(self, node: etree._Element) -> Admonition:
        kind = _ADF_PANELS.get((_adf_attribute(node, "panel-type") or "").lower(), "panel")
        background = colour(_adf_attribute(node, "panel-color")) if kind == "panel" else None
        return Admonition(kind, self._adf_content(node), background=background)

    def _adf_content(self, node: etree._Element) -> list[Block]:
        """The content of an ADF node: its ``ac:adf-content``, nested nodes read in turn."""
        blocks: list[Block] = []
        for child in node:
            name = tag_name(child)
            if name == "ac:adf-content":
                blocks.extend(self.blocks(child))
            elif name == "ac:adf-node":
                blocks.extend(self._adf_node(child) or self._adf_content(child))
        return blocks

    # -- links, images, emoticons ---------------------------------------------

    def _anchor_element(self, element: etree._Element) -> list[Inline]:
        children = self.inlines(element)
        href = (element.get("href") or "").strip()
        if not href:
            name = element.get("name") or element.get("id")
            return [Anchor(name), *children] if name else children
        if href.startswith("#"):
            return [Link(AnchorTarget(href[1:]), children or [Text(href[1:])])]
        scheme = unsafe_scheme(href)
        if scheme:
            self.warn(f"left out a link with the unsafe scheme '{scheme}'")
            return children
        return [Link(ExternalTarget(href), children or [Text(href)])]

    def _link(self, element: etree._Element) -> list[Inline]:
        anchor = ac(element, "anchor")
        resource: etree._Element | None = None
        body: list[Inline] | None = None
        for child in element:
            name = tag_name(child)
            if name is None:
                continue
            if name.startswith("ri:") and resource is None:
                resource = child
            elif name == "ac:plain-text-link-body":
                text = " ".join(text_of(child).split())
                body = [Text(text)] if text else None
            elif name == "ac:link-body":
                body = _trimmed(self.inlines(child)) or None
        if resource is None:
            if anchor:
                return [Link(AnchorTarget(anchor), body or [Text(anchor)])]
            return body or []
        return resource_link(resource, anchor, body)

    def _image(self, element: etree._Element) -> list[Inline]:
        image = storage_image(element)
        if image is None:
            self.warn("image without a source: left out")
            return []
        caption = _first_child(element, "ac:caption")
        if caption is not None:
            image.caption = _trimmed(self.inlines(caption))
        return [image]


_BlockReader: TypeAlias = Callable[[StorageReader, etree._Element], list[Block]]
_InlineReader: TypeAlias = Callable[[StorageReader, etree._Element], list[Inline]]

_BLOCK_READERS: Final[dict[str, _BlockReader]] = {
    "p": StorageReader._paragraph,
    "blockquote": lambda reader, e: [BlockQuote(reader.blocks(e))],
    "pre": lambda reader, e: [CodeBlock(_verbatim(e))],
    "hr": lambda reader, e: [HorizontalRule()],
    "ul": lambda reader, e: reader._list(e, ordered=False),
    "ol": lambda reader, e: reader._list(e, ordered=True),
    "table": StorageReader._table,
    "ac:task-list": StorageReader._task_list,
    "ac:layout": StorageReader._layout,
    "ac:layout-section": StorageReader._layout_section,
    "ac:adf-extension": StorageReader._adf_extension,
    "ac:adf-node": lambda reader, e: reader._adf_node(e) or reader._adf_content(e),
    "colgroup": lambda reader, e: [],
    "dt": StorageReader._definition_term,
    "dd": StorageReader._definition,
    **{f"h{level}": StorageReader._heading for level in range(1, 7)},
}
_INLINE_READERS: Final[dict[str, _InlineReader]] = {
    "br": lambda reader, e: [LineBreak()],
    "span": StorageReader._span,
    "font": StorageReader._span,
    "a": StorageReader._anchor_element,
    "ac:link": StorageReader._link,
    "ac:image": StorageReader._image,
    "img": lambda reader, e: html_image(e),
    "ac:emoticon": lambda reader, e: emoticon(e),
    "time": StorageReader._date,
    "ac:placeholder": lambda reader, e: [],
    "ac:parameter": lambda reader, e: [],
    **dict.fromkeys(_STYLES, StorageReader._styled),
}


_ADF_PANELS: Final[dict[str, AdmonitionKind]] = {
    "info": "info",
    "note": "note",
    "success": "tip",
    "tip": "tip",
    "warning": "warning",
    "error": "warning",
}


def _first_child(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in element if tag_name(child) == name), None)


def _adf_attribute(node: etree._Element, key: str) -> str | None:
    for child in node:
        if tag_name(child) == "ac:adf-attribute" and child.get("key") == key:
            return text_of(child).strip()
    return None


def _captions_below(inlines: list[Inline], out: list[Block], line: _Line) -> None:
    """Image captions print below the image, in a paragraph of their own."""
    for node in inlines:
        if isinstance(node, Image) and node.caption:
            caption, node.caption = node.caption, []
            line.flush_into(out)
            out.append(Paragraph(caption, align=node.align, caption=True))


def _captions_inline(inlines: list[Inline]) -> list[Inline]:
    """In running text (a heading, a link), an image's caption follows it on a new line."""
    out: list[Inline] = []
    for node in inlines:
        out.append(node)
        if isinstance(node, Image) and node.caption:
            out.extend([LineBreak(), *node.caption])
            node.caption = []
    return out


def _is_block(element: etree._Element, name: str) -> bool:
    if name in _MACRO_TAGS:
        return (ac(element, "name") or "").strip().lower() not in INLINE_MACROS
    return name in _BLOCK_READERS


def _column_width(col: etree._Element) -> tuple[float, str] | None:
    measured = length(css(col.get("style")).get("width") or col.get("width"))
    return measured if measured is not None and measured[0] > 0 else None


def _verbatim(element: etree._Element) -> str:
    for line_break in element.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    text = text_of(element)
    return text[1:] if text.startswith("\n") else text
