"""Code blocks: highlighted by Pygments (as the Word writer does) into Typst text runs.

Typst's own highlighting (``raw`` with ``lang``) cost about two thirds of the compile
of a 1000-page export with a code block per page; coloured text runs cost a fraction
of that. Every piece of code reaches Typst through :func:`markup_text` only. Each
format of the Pygments style is one short function (``pr-hl-<n>``) written once at
the top of the document by :func:`format_functions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, Final

from pygments.lexers import get_lexer_by_name
from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import Token
from pygments.util import ClassNotFound

from pressroom.export import ast
from pressroom.export.pdf.escape import markup_text, typst_string

PYGMENTS_STYLE: Final = "default"
TAB_WIDTH: Final = 4

# Confluence code macro languages that Pygments knows by another name.
LANGUAGE_ALIASES: Final = {
    "actionscript3": "actionscript",
    "coldfusion": "cfm",
    "javafx": "java",
    "html/xml": "xml",
    "vb": "vbnet",
    "shell": "bash",
    "sass": "scss",
    "yml": "yaml",
    "markdown": "md",
    "patch": "diff",
}

Format = tuple[str | None, bool, bool]  # colour, bold, italic
Piece = tuple[int | None, str]  # format number (None: plain), text


@cache
def _style_formats(style_name: str) -> dict[Format, int]:
    """Every format of the style, numbered: the names of their Typst functions."""
    style: StyleMeta = get_style_by_name(style_name)
    formats: dict[Format, int] = {}
    for _, definition in style:
        fmt = _format_of(definition)
        if fmt != (None, False, False) and fmt not in formats:
            formats[fmt] = len(formats)
    return formats


def _format_of(definition: dict[str, Any]) -> Format:
    colour = definition["color"]
    return (f"#{colour}" if colour else None, bool(definition["bold"]), bool(definition["italic"]))


def format_functions(style_name: str = PYGMENTS_STYLE) -> str:
    """The Typst functions of the style's formats (``#let pr-hl-3(s) = …``)."""
    lines = []
    for (colour, bold, italic), number in _style_formats(style_name).items():
        options = [f"fill: rgb({typst_string(colour)})"] if colour else []
        if bold:
            options.append('weight: "bold"')
        if italic:
            options.append('style: "italic"')
        lines.append(f"#let pr-hl-{number}(s) = text({', '.join(options)}, s)\n")
    return "".join(lines)


class CodeMarkup:
    """Markup of :class:`ast.CodeBlock` nodes; lexers and token formats cached."""

    def __init__(self, style_name: str = PYGMENTS_STYLE) -> None:
        self._style = get_style_by_name(style_name)
        self._numbers = _style_formats(style_name)
        self._lexers: dict[str, Any] = {}
        self._formats: dict[Any, int | None] = {}

    def write(self, block: ast.CodeBlock) -> str:
        lines = [self._line_markup(line) for line in self._lines(block)]
        options = []
        if block.title:
            options.append(f"title: {typst_string(block.title)}")
        if block.line_numbers:
            first = max(0, min(block.first_line, 10**9))
            options.append(f"first: {first}")
            rows = "".join(f"[{line}]," for line in lines)
            return f"#pr-code-numbered({', '.join(options)}, ({rows}))\n\n"
        body = markup_text("\n").join(lines)
        head = f"({', '.join(options)})" if options else ""
        return f"#pr-code{head}[{body}]\n\n"

    def _line_markup(self, pieces: list[Piece]) -> str:
        return "".join(
            markup_text(text) if number is None else f"#pr-hl-{number}({typst_string(text)});"
            for number, text in pieces
        )

    def _lines(self, block: ast.CodeBlock) -> Iterator[list[Piece]]:
        """Lines of pieces, adjacent pieces of one format merged, whitespace joined to
        the piece before it (it shows no colour); trailing empty lines left out."""
        lines: list[list[Piece]] = []
        line: list[Piece] = []
        for ttype, value in self._tokens(block):
            number = self._format(ttype)
            for index, text in enumerate(value.split("\n")):
                if index:
                    lines.append(line)
                    line = []
                if not text:
                    continue
                if line and (line[-1][0] == number or text.isspace()):
                    line[-1] = (line[-1][0], line[-1][1] + text)
                else:
                    line.append((number, text))
        lines.append(line)
        while len(lines) > 1 and not lines[-1]:
            lines.pop()
        return iter(lines)

    def _tokens(self, block: ast.CodeBlock) -> Iterator[tuple[Any, str]]:
        code = block.code.replace("\r\n", "\n").expandtabs(TAB_WIDTH)
        lexer = self._lexer(block.language)
        if lexer is None:
            yield Token.Text, code
            return
        yield from lexer.get_tokens(code)

    def _lexer(self, language: str | None) -> Any:
        name = (language or "").strip().lower()
        if not name:
            return None
        name = LANGUAGE_ALIASES.get(name, name)
        if name not in self._lexers:
            try:
                self._lexers[name] = get_lexer_by_name(name, stripnl=False, ensurenl=False)
            except ClassNotFound:
                self._lexers[name] = None
        return self._lexers[name]

    def _format(self, ttype: Any) -> int | None:
        if ttype not in self._formats:
            self._formats[ttype] = self._numbers.get(_format_of(self._style_for(ttype)))
        return self._formats[ttype]

    def _style_for(self, ttype: Any) -> dict[str, Any]:
        """Lexers make token types of their own that a style knows only by an ancestor."""
        while True:
            try:
                return dict(self._style.style_for_token(ttype))
            except KeyError:
                if ttype.parent is None:
                    return dict(self._style.style_for_token(Token.Text))
                ttype = ttype.parent
