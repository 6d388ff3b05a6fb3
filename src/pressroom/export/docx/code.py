"""Code blocks: one ``Scroll Code`` paragraph per line, coloured by Pygments."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Final

from lxml import etree
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Token
from pygments.util import ClassNotFound

from pressroom.export import ast
from pressroom.export.docx.oxml import Element, add_text, paragraph, qn, sub

_R: Final = qn("w:r")
_RPR: Final = qn("w:rPr")
LINE_NUMBER_COLOUR: Final = "97A0AF"
SPACE_AFTER_BLOCK: Final = "160"

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
        self._lexers: dict[str, Any] = {}
        self._formats: dict[Any, Format] = {}
        self._rprs: dict[Format, Element | None] = {}

    def write(self, parent: Element, block: ast.CodeBlock, indent: int | None = None) -> None:
        lines = list(self._lines(block))
        if lines and not any(text for tokens in lines[-1:] for _, text in tokens):
            lines.pop()
        if block.title:
            title = paragraph(parent, self._style_id, indent_left=indent, keep_next=True)
            r = etree.SubElement(title, _R)
            sub(sub(r, "w:rPr"), "w:b")
            add_text(r, block.title)
        width = len(str(block.first_line + len(lines)))
        last_p: Element | None = None
        for number, tokens in enumerate(lines, start=block.first_line):
            last_p = paragraph(parent, self._style_id, indent_left=indent)
            if block.line_numbers:
                self._run(last_p, f"{number:>{width}}  ", (LINE_NUMBER_COLOUR, False, False))
            for fmt, text in tokens:
                self._run(last_p, text, fmt)
        if last_p is None:
            last_p = paragraph(parent, self._style_id, indent_left=indent)
        _space_after(last_p)

    def _lines(self, block: ast.CodeBlock) -> Iterator[list[tuple[Format, str]]]:
        """Lines of (format, text) pieces, adjacent pieces of one format merged."""
        line: list[tuple[Format, str]] = []
        for ttype, value in self._tokens(block):
            fmt = self._format(ttype)
            pieces = value.split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    yield line
                    line = []
                if not piece:
                    continue
                if line and line[-1][0] == fmt:
                    line[-1] = (fmt, line[-1][1] + piece)
                else:
                    line.append((fmt, piece))
        yield line

    def _tokens(self, block: ast.CodeBlock) -> Iterator[tuple[Any, str]]:
        lexer = self._lexer(block.language)
        if lexer is None:
            yield Token.Text, block.code.replace("\r\n", "\n")
            return
        yield from lexer.get_tokens(block.code)

    def _lexer(self, language: str | None) -> Any:
        if not language:
            return None
        name = _LANGUAGE_ALIASES.get(language.lower(), language.lower())
        if name not in self._lexers:
            try:
                self._lexers[name] = get_lexer_by_name(name, stripnl=False, ensurenl=False)
            except ClassNotFound:
                self._lexers[name] = None
        return self._lexers[name]

    def _format(self, ttype: Any) -> Format:
        fmt = self._formats.get(ttype)
        if fmt is None:
            style = self._pygments_style.style_for_token(ttype)
            fmt = (style["color"] or None, bool(style["bold"]), bool(style["italic"]))
            self._formats[ttype] = fmt
        return fmt

    def _run(self, p: Element, text: str, fmt: Format) -> None:
        r = etree.SubElement(p, _R)
        if fmt not in self._rprs:
            self._rprs[fmt] = _rpr(fmt)
        rpr = self._rprs[fmt]
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        add_text(r, text)


def _rpr(fmt: Format) -> Element | None:
    colour, bold, italic = fmt
    if not (colour or bold or italic):
        return None
    rpr = etree.Element(_RPR)
    if bold:
        sub(rpr, "w:b")
    if italic:
        sub(rpr, "w:i")
    if colour:
        sub(rpr, "w:color", colour.upper())
    return rpr


def _space_after(p: Element) -> None:
    """Room below the box: spacing after the last line lies outside its border."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        p.insert(0, ppr)
    spacing = etree.Element(qn("w:spacing"))
    spacing.set(qn("w:after"), SPACE_AFTER_BLOCK)
    anchor = ppr.find(qn("w:ind"))
    if anchor is None:
        ppr.append(spacing)
    else:
        anchor.addprevious(spacing)
