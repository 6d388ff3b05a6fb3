"""The HTML writer: document tree → an HTML fragment for the browser's page view.

It takes the same :class:`ast.Document` as the Word and PDF writers and plain data
(how to address attachments), never a session or a request. Content is data: every
text and attribute value leaves through :func:`_text` or :func:`_attr`, every URL
through :func:`safe_url`, every colour through a pattern; nothing of the source is
copied as markup. So a page with ``<script>``, ``javascript:`` links, event
attributes, SVG or CSS ``url()`` shows them as text or not at all.

One element that fails costs that element only (export/failures.py): a placeholder
in its place and a warning; in strict mode (tests) the failure is raised.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, TypeVar
from urllib.parse import quote, urlsplit

from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, Token
from pygments.util import ClassNotFound

from pressroom.export import ast
from pressroom.export.docx.inlines import shown_date
from pressroom.export.failures import failure_detail, is_strict

# (filename, page title or None for the page itself, space key) → a URL, or None.
AttachmentUrls = Callable[[str, str | None, str | None], str | None]

SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto", "ftp"})
_COLOUR: Final = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}")
_CONTROL: Final = re.compile(r"[\x00-\x20\x7f]+")
_LANGUAGE_ALIASES: Final = {
    "actionscript3": "actionscript",
    "coldfusion": "cfm",
    "javafx": "java",
    "js": "javascript",
    "vb": "vbnet",
    "shell": "bash",
    "sass": "scss",
    "yml": "yaml",
}
STATUS_COLOURS: Final = frozenset({"grey", "red", "yellow", "green", "blue", "purple"})
MAX_INDENT: Final = 10
NodeT = TypeVar("NodeT", ast.Block, ast.Inline)


def _text(value: str) -> str:
    """Text content, escaped: the one way text enters the markup."""
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    """An attribute value, escaped and quoted: the one way values enter attributes."""
    return f'"{html.escape(value, quote=True)}"'


def safe_url(url: str) -> str | None:
    """``url`` if a browser may follow it: http(s), mailto, ftp, or a path on this
    server; None for ``javascript:``, ``data:``, ``vbscript:`` and anything unparsable.
    Control characters and spaces are removed first, as browsers ignore them."""
    cleaned = _CONTROL.sub("", url)
    if not cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme:
        return cleaned if parts.scheme.lower() in SAFE_SCHEMES else None
    if cleaned.startswith("//"):
        return None
    return cleaned if ":" not in cleaned.split("/", 1)[0] else None


def _colour(value: str | None) -> str | None:
    return value if value and _COLOUR.fullmatch(value) else None


def _fragment(bookmark: str) -> str:
    return "#" + quote(_bookmark_id(bookmark), safe="")


def _bookmark_id(bookmark: str) -> str:
    return f"b-{bookmark}"


def _tag(name: str, inner: str, **attrs: str | None) -> str:
    """``<name attrs>inner</name>``; attributes whose value is None are left out.
    ``class_`` stands for ``class``."""
    rendered = "".join(
        f" {key.rstrip('_').replace('_', '-')}={_attr(value)}"
        for key, value in attrs.items()
        if value is not None
    )
    return f"<{name}{rendered}>{inner}</{name}>"


@dataclass(slots=True)
class HtmlOptions:
    attachment_url: AttachmentUrls | None = None
    # The page view shows the title itself: page-title headings are left out.
    page_titles: bool = True
    strict: bool = False
    locale: str = "en"


@dataclass(slots=True)
class HtmlResult:
    html: str
    warnings: list[str] = field(default_factory=list)


def write_html(document: ast.Document, options: HtmlOptions | None = None) -> HtmlResult:
    """``document`` as an HTML fragment (no ``<html>``/``<body>``) and the warnings."""
    writer = _Writer(document, options or HtmlOptions())
    body = writer.blocks(document.blocks)
    return HtmlResult(body, writer.warnings)


class _Writer:
    def __init__(self, document: ast.Document, options: HtmlOptions) -> None:
        self.document = document
        self.options = options
        self.warnings: list[str] = []
        self.page = document.title

    # -- failures ---------------------------------------------------------------

    def _contained(self, node: NodeT, write: Callable[[NodeT], str]) -> str:
        try:
            return write(node)
        except Exception as exc:
            if self.options.strict or is_strict():
                raise
            name = ast.node_label(node)
            self.warn(f"{name} left out: it could not be shown ({failure_detail(exc)})")
            return _tag("span", _text(f"[{name} left out]"), class_="placeholder")

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.page}: {message}" if self.page else message)

    # -- blocks -----------------------------------------------------------------

    def blocks(self, blocks: list[ast.Block]) -> str:
        return "".join(self._contained(block, self._block) for block in blocks)

    def _block(self, block: ast.Block) -> str:
        match block:
            case ast.Heading():
                return self._heading(block)
            case ast.Paragraph():
                return self._paragraph(block)
            case ast.BlockQuote(blocks=body):
                return _tag("blockquote", self.blocks(body))
            case ast.CodeBlock():
                return self._code(block)
            case ast.HorizontalRule():
                return "<hr>"
            case ast.ListBlock():
                return self._list(block)
            case ast.TaskList():
                return self._tasks(block)
            case ast.Table():
                return self._table(block)
            case ast.Admonition():
                return self._admonition(block)
            case ast.Expand(title=title, blocks=body):
                summary = _tag("summary", _text(title or "Expand"))
                return _tag("details", summary + self.blocks(body), class_="expand")
            case ast.TableOfContents():
                return self._toc(block)
            case ast.PageBreak() | ast.Index():
                return ""
            case ast.Columns():
                return self._columns(block)
            case ast.OrientedSection(blocks=body) | ast.Div(blocks=body):
                return _tag("div", self.blocks(body))
            case ast.IncludePage() | ast.ChildrenList() | ast.AttachmentFile() | ast.PageReport():
                name = ast.node_label(block)
                self.warn(f"{name} not resolved")
                return _tag("p", _text(f"[{name}]"), class_="placeholder")
        return ""

    def _heading(self, heading: ast.Heading) -> str:
        if heading.page_title:
            self.page = ast.inline_text(heading.children)
            if not self.options.page_titles:
                return ""
        ids = [_bookmark_id(name) for name in heading.bookmarks]
        anchors = "".join(_tag("span", "", id=name) for name in ids[1:])
        inner = anchors + self.inlines(heading.children)
        first = ids[0] if ids else None
        if heading.level > 6:
            return _tag("p", _tag("strong", inner), id=first, class_="heading-deep", dir="auto")
        return _tag(f"h{heading.level}", inner, id=first, dir="auto")

    def _paragraph(self, paragraph: ast.Paragraph) -> str:
        classes = []
        if paragraph.caption:
            classes.append("caption")
        if paragraph.align:
            classes.append(f"align-{paragraph.align}")
        if paragraph.indent:
            classes.append(f"indent-{min(paragraph.indent, MAX_INDENT)}")
        return _tag(
            "p", self.inlines(paragraph.children), class_=" ".join(classes) or None, dir="auto"
        )

    def _code(self, block: ast.CodeBlock) -> str:
        lines = "".join(_highlighted(block.code, block.language))
        if block.line_numbers:
            lines = _numbered(lines, block.first_line)
        language = block.language or None
        code = _tag("pre", _tag("code", lines), class_="code", data_language=language, tabindex="0")
        title = _tag("figcaption", _text(block.title)) if block.title else ""
        return _tag("figure", title + code, class_="code-block")

    def _list(self, block: ast.ListBlock) -> str:
        items = "".join(_tag("li", self.blocks(item.blocks)) for item in block.items)
        if block.ordered:
            start = str(block.start) if block.start != 1 else None
            return _tag("ol", items, start=start)
        return _tag("ul", items)

    def _tasks(self, block: ast.TaskList) -> str:
        done, open_ = ("Decided", "Undecided") if block.decisions else ("Done", "Not done")
        items = []
        for task in block.items:
            mark = "\u2611" if task.checked else "\u2610"
            if block.decisions:
                mark = "\u25c6" if task.checked else "\u25c7"
            label = done if task.checked else open_
            box = _tag("span", mark, class_="task-mark", role="img", aria_label=label)
            state = "task-done" if task.checked else "task-open"
            items.append(_tag("li", box + _tag("div", self.blocks(task.blocks)), class_=state))
        kind = "decisions" if block.decisions else "tasks"
        return _tag("ul", "".join(items), class_=kind)

    def _table(self, table: ast.Table) -> str:
        columns = ""
        weights = [w for w in table.column_widths if w]
        if weights and len(weights) == len(table.column_widths):
            total = sum(weights)
            columns = _tag(
                "colgroup",
                "".join(f'<col style="width: {100 * w / total:.1f}%">' for w in weights),
            )
        rows = "".join(self._row(row) for row in table.rows)
        width = f"width: {min(table.width_percent, 100):.0f}%" if table.width_percent else None
        inner = _tag("table", columns + _tag("tbody", rows), style=width)
        return _tag(
            "div", inner, class_="table-wrap", tabindex="0", role="region", aria_label="Table"
        )

    def _row(self, row: ast.TableRow) -> str:
        cells = []
        for cell in row.cells:
            name = "th" if cell.header or row.header else "td"
            background = _colour(cell.background)
            style = f"background-color: {background}" if background else None
            cells.append(
                _tag(
                    name,
                    self.blocks(cell.blocks),
                    colspan=str(cell.colspan) if cell.colspan > 1 else None,
                    rowspan=str(cell.rowspan) if cell.rowspan > 1 else None,
                    class_=f"align-{cell.align}" if cell.align else None,
                    style=style,
                )
            )
        return _tag("tr", "".join(cells))

    def _admonition(self, box: ast.Admonition) -> str:
        styles = []
        if background := _colour(box.background):
            styles.append(f"background-color: {background}")
        if border := _colour(box.border_color):
            styles.append(f"border-color: {border}")
        title = _tag("p", _text(box.title), class_="box-title") if box.title else ""
        return _tag(
            "aside",
            title + self.blocks(box.blocks),
            class_=f"box box-{box.kind}",
            style="; ".join(styles) or None,
            aria_label=box.title or box.kind.capitalize(),
        )

    def _columns(self, columns: ast.Columns) -> str:
        parts = []
        for column in columns.columns:
            width = column.width_percent
            style = f"flex-basis: {width:.1f}%" if width else None
            parts.append(_tag("div", self.blocks(column.blocks), class_="column", style=style))
        return _tag("div", "".join(parts), class_="columns")

    def _toc(self, toc: ast.TableOfContents) -> str:
        low, high = toc.levels or (toc.min_level, toc.max_level)
        entries = []
        for heading in self._toc_headings(toc.scope_bookmark):
            if low <= heading.level <= high and heading.bookmarks:
                link = _tag(
                    "a",
                    _text(ast.inline_text(heading.children)),
                    href=_fragment(heading.bookmarks[0]),
                )
                entries.append(_tag("li", link, class_=f"toc-level-{heading.level - low + 1}"))
        return _tag("nav", _tag("ul", "".join(entries)), class_="toc", aria_label="Contents")

    def _toc_headings(self, scope: str | None) -> Iterator[ast.Heading]:
        headings: Iterator[ast.Heading] = ast.walk_blocks(self.document.blocks, ast.Heading)
        if scope is None:
            yield from headings
            return
        scope_level: int | None = None
        for heading in headings:
            if scope_level is None:
                if scope in heading.bookmarks:
                    scope_level = heading.level
                continue
            if heading.level <= scope_level:
                return
            yield heading

    # -- inlines ----------------------------------------------------------------

    def inlines(self, inlines: list[ast.Inline]) -> str:
        return "".join(self._contained(node, self._inline) for node in inlines)

    def _inline(self, node: ast.Inline) -> str:
        match node:
            case ast.Text(text=text) | ast.Placeholder(text=text):
                return _text(text)
            case ast.Styled(style=style, children=children):
                return _tag(_STYLE_TAGS[style], self.inlines(children))
            case ast.Colored(color=color, children=children):
                colour = _colour(color)
                inner = self.inlines(children)
                return _tag("span", inner, style=f"color: {colour}") if colour else inner
            case ast.LineBreak():
                return "<br>"
            case ast.Link():
                return self._link(node)
            case ast.UserMention():
                return _tag("span", _text("@" + ast.mention_text(node)), class_="mention")
            case ast.Image():
                return self._image(node)
            case ast.Emoticon(name=name, glyph=glyph):
                return _tag("span", _text(glyph), class_="emoticon", title=name)
            case ast.Date(iso=iso):
                return _tag("time", _text(shown_date(iso, self.options.locale)), datetime=iso)
            case ast.Status():
                return self._status(node)
            case ast.Anchor(name=name):
                return _tag("span", "", id=_bookmark_id(name))
        return ""  # index terms mark a place in a printed index only

    def _link(self, link: ast.Link) -> str:
        inner = self.inlines(link.children)
        href: str | None
        match link.target:
            case ast.ExternalTarget(url=url):
                href = safe_url(url)
                if href is None:
                    self.warn(f"link to {url[:80]!r} left out: not a web address")
                inner = inner or _text(url)
            case ast.InternalTarget(bookmark=bookmark):
                href = _fragment(bookmark)
            case ast.AnchorTarget(name=name):
                href = _fragment(name)
            case ast.AttachmentTarget(filename=name, page_title=title, space_key=key):
                href = self._attachment(name, title, key)
                inner = inner or _text(name)
            case _:
                href = None
        if href is None:
            return _tag("span", inner, class_="link-dead")
        return _tag("a", inner, href=href)

    def _attachment(self, name: str, page: str | None, space: str | None) -> str | None:
        resolve = self.options.attachment_url
        url = resolve(name, page, space) if resolve else None
        return safe_url(url) if url else None

    def _image(self, image: ast.Image) -> str:
        alt = image.alt or image.title or image.attachment or ""
        if image.url is not None:
            # Remote pictures are never fetched (DECISIONS.md): a link with the alt text.
            self.warn(f"remote image {image.url[:80]!r} shown as a link")
            href = safe_url(image.url)
            text = _text(alt or image.url)
            return _tag("a", text, href=href, class_="remote-image") if href else text
        src = (
            self._attachment(image.attachment, image.page_title, image.space_key)
            if (image.attachment)
            else None
        )
        if src is None:
            self.warn(f"image {image.attachment or ''!r} not found")
            return _tag("span", _text(f"[image: {alt}]"), class_="placeholder")
        classes = ["image"] + ([f"align-{image.align}"] if image.align else [])
        if image.border:
            classes.append("bordered")
        return (
            f"<img src={_attr(src)} alt={_attr(alt)} loading=lazy"
            + (f" width={_attr(str(image.width))}" if image.width else "")
            + (f" height={_attr(str(image.height))}" if image.height and not image.width else "")
            + f" class={_attr(' '.join(classes))}>"
        )

    def _status(self, status: ast.Status) -> str:
        colour = status.colour.lower()
        colour = colour if colour in STATUS_COLOURS else "grey"
        classes = f"status status-{colour}" + (" subtle" if status.subtle else "")
        return _tag("span", _text(status.title), class_=classes)


_STYLE_TAGS: Final[dict[str, str]] = {
    "strong": "strong",
    "em": "em",
    "underline": "u",
    "strike": "s",
    "sup": "sup",
    "sub": "sub",
    "code": "code",
    "small": "small",
    "big": "big",
}


def _highlighted(code: str, language: str | None) -> Iterator[str]:
    """The code as escaped text in ``<span class="…">`` per token (Pygments' short
    class names, styled by the stylesheet)."""
    lexer = _lexer(language)
    tokens: Any = lexer.get_tokens(code) if lexer else [(Token.Text, code)]
    for ttype, value in tokens:
        css = _token_class(ttype)
        yield _tag("span", _text(value), class_=css) if css else _text(value)


@cache
def _lexer(language: str | None) -> Any:
    if not language:
        return None
    name = _LANGUAGE_ALIASES.get(language.lower(), language.lower())
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _token_class(ttype: Any) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return str(STANDARD_TYPES[ttype])


def _numbered(markup: str, first: int) -> str:
    """Each line prefixed by its number (not selectable, so copying takes the code)."""
    lines = markup.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "\n".join(
        _tag("span", str(first + index), class_="line-number", aria_hidden="true") + line
        for index, line in enumerate(lines)
    )
