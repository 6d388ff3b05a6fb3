"""Code blocks: one ``Scroll Code`` paragraph per line, coloured by Pygments."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape

from lxml import etree
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Token
from pygments.util import ClassNotFound

from pressroom.export import ast
from pressroom.export.docx.oxml import W_NS, Element, clean_text, follows_table

_W_DECLARATION: Final = f'xmlns:w="{W_NS}"'
LINE_NUMBER_COLOUR: Final = "97A0AF"
SPACE_AFTER_BLOCK: Final = "160"
GAP_BEFORE: Final = 160
SHORT_BLOCK_LINES: Final = 15  # blocks up to this many lines (title included) stay on one page
MAX_CACHED_BLOCKS: Final = 256
MAX_CACHED_RUNS: Final = 20_000

# Names the Confluence code macro uses that Pygments knows by another alias.
_LANGUAGE_ALIASES: Final = {
    "actionscript3": "actionscript",
    "coldfusion": "cfm",
    "javafx": "java",
    "js": "javascript",
    "vb": "vbnet",
    "shell": "bash",
    "sass": "scss",
    "yml": "yaml",
    "text": "text",
    "none": "text",
}

Format = tuple[str | None, bool, bool]  # colour, bold, italic


class CodeWriter:
    """Writes :class:`ast.CodeBlock` nodes; caches lexers and token formats."""

    def __init__(self, code_style_id: str | None, pygments_style: str = "default") -> None:
        self._style_id = code_style_id
        self._pygments_style = get_style_by_name(pygments_style)
        self._formats: dict[Any, Format] = {}
        self._rprs: dict[Format, str] = {}
        self._built: dict[tuple[object, ...], str] = {}  # a snippet's paragraphs' XML
        self._runs: dict[tuple[str, str], str] = {}

    def write(self, parent: Element, block: ast.CodeBlock, indent: int | None = None) -> None:
        """Append the block's paragraphs; the same snippet is highlighted only once."""
        gap = follows_table(parent)
        key = (block.code, block.language, block.title, block.line_numbers, block.first_line)
        cache_key = (*key, indent, gap)
        xml = self._built.get(cache_key)
        if xml is None:
            xml = self._xml(block, _LineLayout(self._style_id, indent, gap))
            if len(self._built) < MAX_CACHED_BLOCKS:
                self._built[cache_key] = xml
        for element in etree.fromstring(f"<w:body {_W_DECLARATION}>{xml}</w:body>"):
            parent.append(element)  # lxml moves it out of the parsed body

    def _xml(self, block: ast.CodeBlock, layout: _LineLayout) -> str:
        """The block's paragraphs as XML text: thousands of runs are built far faster
        as a string lxml parses once than element by element."""
        lines = list(self._lines(block))
        if lines and not lines[-1]:
            lines.pop()
        out: list[str] = []
        if block.title:
            out.append(layout.start(first=True, last=not lines, keep_next=True))
            out.append(_run_xml(block.title, "<w:rPr><w:b/></w:rPr>"))
            out.append("</w:p>")
        width = len(str(block.first_line + len(lines)))
        numbers = self._rpr_xml((LINE_NUMBER_COLOUR, False, False))
        kept = _first_kept_line(block, len(lines))
        for index, tokens in enumerate(lines):
            last = index == len(lines) - 1
            first = index == 0 and not block.title
            out.append(layout.start(first=first, last=last, keep_next=index >= kept and not last))
            if block.line_numbers:
                out.append(_run_xml(f"{block.first_line + index:>{width}}  ", numbers))
            out.extend(self._run(text, self._rpr_xml(fmt)) for fmt, text in tokens)
            out.append("</w:p>")
        if not out:
            out.append(layout.start(first=True, last=True) + "</w:p>")
        return "".join(out)

    def _run(self, text: str, rpr: str) -> str:
        """A run's XML; keywords, operators and indents recur, so runs are kept."""
        key = (text, rpr)
        run = self._runs.get(key)
        if run is None:
            if len(self._runs) >= MAX_CACHED_RUNS:
                self._runs.clear()
            run = self._runs[key] = _run_xml(text, rpr)
        return run

    def _rpr_xml(self, fmt: Format) -> str:
        rpr = self._rprs.get(fmt)
        if rpr is None:
            colour, bold, italic = fmt
            rpr = "".join(
                (
                    "<w:b/>" if bold else "",
                    "<w:i/>" if italic else "",
                    f'<w:color w:val="{colour.lstrip("#").upper()}"/>' if colour else "",
                )
            )
            rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
            self._rprs[fmt] = rpr
        return rpr

    def _lines(self, block: ast.CodeBlock) -> Iterator[list[tuple[Format, str]]]:
        """Lines of (format, text) pieces, adjacent pieces of one format merged."""
        line: list[tuple[Format, str]] = []
        formats = self._formats
        for _, ttype, value in self._tokens(block):
            fmt = formats.get(ttype) or self._format(ttype)
            if "\n" not in value:  # most tokens: no line ends inside
                if value:
                    _add_piece(line, fmt, value)
                continue
            for i, piece in enumerate(value.split("\n")):
                if i:
                    yield line
                    line = []
                if piece:
                    _add_piece(line, fmt, piece)
        yield line

    def _tokens(self, block: ast.CodeBlock) -> Iterator[tuple[int, Any, str]]:
        """(offset, token type, text): the lexer's own tokens, with line ends
        normalised as Pygments' ``get_tokens`` would (our lexers have no filters)."""
        code = block.code.replace("\r\n", "\n").replace("\r", "\n")
        lexer = self._lexer(block.language)
        if lexer is None:
            return iter([(0, Token.Text, code)])
        return iter(lexer.get_tokens_unprocessed(code))

    def _lexer(self, language: str | None) -> Any:
        if not language:
            return None
        return _lexer(_LANGUAGE_ALIASES.get(language.lower(), language.lower()))

    def _format(self, ttype: Any) -> Format:
        fmt = self._formats.get(ttype)
        if fmt is None:
            style = self._style_for(ttype)
            fmt = (style["color"] or None, bool(style["bold"]), bool(style["italic"]))
            self._formats[ttype] = fmt
        return fmt

    def _style_for(self, ttype: Any) -> Any:
        """Lexers make token types of their own (YAML's Literal.Scalar.Plain) that a
        style knows only by an ancestor."""
        while True:
            try:
                return self._pygments_style.style_for_token(ttype)
            except KeyError:
                if ttype.parent is None:
                    raise
                ttype = ttype.parent


def _add_piece(line: list[tuple[Format, str]], fmt: Format, piece: str) -> None:
    # Whitespace shows no colour: it joins the run before it.
    if line and (line[-1][0] == fmt or (piece.isspace() and "\t" not in piece)):
        line[-1] = (line[-1][0], line[-1][1] + piece)
    else:
        line.append((fmt, piece))


@functools.cache
def _lexer(name: str) -> Any:
    """One lexer per language and process: building one compiles its expressions."""
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@dataclass(frozen=True, slots=True)
class _LineLayout:
    style_id: str | None
    indent: int | None
    gap: bool

    def start(self, *, first: bool, last: bool, keep_next: bool = False) -> str:
        """The start tag and properties of one line's paragraph. The box gets room
        above when it follows a table and below its last line (outside its border)."""
        before = f' w:before="{GAP_BEFORE}"' if first and self.gap else ""
        after = f' w:after="{SPACE_AFTER_BLOCK}"' if last else ""
        return "".join(
            (
                "<w:p><w:pPr>",
                f'<w:pStyle w:val="{escape(self.style_id, _ATTRIBUTE)}"/>' if self.style_id else "",
                "<w:keepNext/>" if keep_next else "",
                f"<w:spacing{before}{after}/>" if before or after else "",
                f'<w:ind w:left="{self.indent}"/>' if self.indent else "",
                "</w:pPr>",
            )
        )


_ATTRIBUTE: Final = {'"': "&quot;"}


def _first_kept_line(block: ast.CodeBlock, count: int) -> int:
    """A short block is not split across pages: its lines from this one on keep
    with the next (the title always does)."""
    lines = block.code.rstrip("\n").count("\n") + 1 + (1 if block.title else 0)
    return count - lines if lines <= SHORT_BLOCK_LINES else count


def _run_xml(text: str, rpr: str) -> str:
    """One run: tabs as ``w:tab``, spaces kept."""
    parts = escape(clean_text(text)).split("\t")
    body = "<w:tab/>".join(
        f'<w:t xml:space="preserve">{part}</w:t>' if part else "" for part in parts
    )
    return f"<w:r>{rpr}{body}</w:r>"
