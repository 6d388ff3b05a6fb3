"""Inline nodes to Typst markup. Text goes through :func:`markup_text` only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Final

from pressroom.export import ast
from pressroom.export.docx.template_context import format_java_date
from pressroom.export.pdf.escape import markup_text, typst_string
from pressroom.export.pdf.images import ImageFolder
from pressroom.export.pdf.plan import LabelPlan

DATE_PATTERN: Final = "d MMM yyyy"
LINK_SCHEMES: Final = ("http://", "https://", "mailto:", "ftp://", "ftps://", "tel:", "news:")
_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
# Long unbroken runs (paths, hashes, URLs) may break after these, or every 24 characters.
_LONG_RUN: Final = re.compile(r"\S{40,}")
_BREAK_AFTER: Final = re.compile(r"([/\\.,;:_\-=&?#@|)\]}])")
_ZWSP: Final = "\u200b"

_STYLES: Final = {
    "strong": "strong",
    "em": "emph",
    "underline": "underline",
    "strike": "strike",
    "sup": "super",
    "sub": "sub",
    "code": "pr-mono",
}


@dataclass(slots=True)
class WriterState:
    """What every part of one export's writer shares."""

    plan: LabelPlan
    images: ImageFolder
    locale: str = "en"
    warnings: list[str] = field(default_factory=list)
    page: str = ""
    chars: set[str] = field(default_factory=set)  # every character of the text, for fonts

    def warn(self, message: str, page: str | None = None) -> None:
        """A warning naming the page being written (or ``page``)."""
        page = self.page if page is None else page
        where = f"page '{page}': " if page else ""
        self.warnings.append(f"{where}{message}")


def breakable(text: str) -> str:
    """``text`` with invisible break opportunities inside runs too long for a line."""
    if len(text) < 40:
        return text
    return _LONG_RUN.sub(_soften, text)


def _soften(match: re.Match[str]) -> str:
    run = _BREAK_AFTER.sub(rf"\1{_ZWSP}", match.group(0))
    pieces = run.split(_ZWSP)
    return _ZWSP.join(
        _ZWSP.join(piece[i : i + 24] for i in range(0, len(piece), 24)) for piece in pieces
    )


class InlineWriter:
    def __init__(self, state: WriterState) -> None:
        self.state = state

    def write(self, inlines: list[ast.Inline]) -> str:
        return "".join(self.inline(node) for node in inlines)

    def inline(self, node: ast.Inline) -> str:
        match node:
            case ast.Text(text=text):
                self.state.chars.update(text)
                return markup_text(breakable(text)) if text else ""
            case ast.Styled(style=style, children=children):
                return self._styled(style, children)
            case ast.Colored(color=color, children=children):
                body = self.write(children)
                if not _COLOUR.match(color):
                    return body
                return f'#text(fill: rgb("{color}"))[{body}]'
            case ast.LineBreak():
                return "#linebreak()"
            case ast.Link():
                return self._link(node)
            case ast.UserMention():
                return f"#pr-mention[{markup_text(ast.mention_text(node))}]"
            case ast.Image():
                return self.image(node)
            case ast.Emoticon(glyph=glyph, name=name):
                return markup_text(glyph or f":{name}:")
            case ast.Date(iso=iso):
                return markup_text(self._date(iso))
            case ast.Status(title=title, colour=colour, subtle=subtle):
                args = f"{typst_string(title)}, {typst_string(colour)}, {str(subtle).lower()}"
                return f"#pr-status({args})"
            case ast.Anchor():
                label = self.state.plan.anchor_labels.get(id(node))
                return f"#metadata(none) <{label}>" if label else ""
            case ast.IndexTerm(entry=entry):
                return f"#pr-index-term({typst_string(entry)})"
            case ast.Placeholder(text=text):
                return markup_text(text)
        children = getattr(node, "children", None)
        return self.write(children) if isinstance(children, list) else ""

    def _styled(self, style: str, children: list[ast.Inline]) -> str:
        body = self.write(children)
        if style == "small":
            return f"#text(size: 0.85em)[{body}]"
        if style == "big":
            return f"#text(size: 1.2em)[{body}]"
        return f"#{_STYLES.get(style, 'strong')}[{body}]"

    def _link(self, link: ast.Link) -> str:
        body = self.write(link.children)
        match link.target:
            case ast.InternalTarget(bookmark=bookmark) | ast.AnchorTarget(name=bookmark):
                label = self.state.plan.target(bookmark)
                if label is None:
                    self.state.warn(f"Link to '{bookmark}', which is not in this export")
                    return body
                return f"#pr-link(<{label}>)[{body or markup_text(bookmark)}]"
            case ast.ExternalTarget(url=url):
                url = url.strip()
                if not url.lower().startswith(LINK_SCHEMES):
                    return body or markup_text(url)
                return f"#pr-external({typst_string(url)})[{body or markup_text(breakable(url))}]"
        return body

    def image(self, image: ast.Image) -> str:
        alt = image.alt or image.title or image.attachment or ""
        if image.file is None:
            if image.url:
                label = image.alt or image.title or image.url
                link = ast.Link(ast.ExternalTarget(image.url), [ast.Text(label)])
                return self._link(link)
            self.state.warn(f"Image not found: {image.attachment or '?'}")
            return _missing(alt)
        placed = self.state.images.place(image.file, self.state.page)
        if placed is None:
            problem = self.state.images.problem(image.file)
            self.state.warn(f"Image {image.attachment or image.file.name} left out: {problem}")
            return _missing(alt)
        width, height = placed.width, placed.height
        if image.width and width:
            height, width = height * image.width * 0.75 / width, image.width * 0.75
        elif image.height and height:
            width, height = width * image.height * 0.75 / height, image.height * 0.75
        if not (width and height):
            return f"#pr-image-natural({typst_string(placed.path)}, {typst_string(alt)})"
        size = f"{width:.2f}pt, {height:.2f}pt"
        return f"#pr-image({typst_string(placed.path)}, {size}, {typst_string(alt)})"

    def _date(self, iso: str) -> str:
        try:
            return format_java_date(
                dt.date.fromisoformat(iso[:10]), DATE_PATTERN, self.state.locale
            )
        except ValueError:
            return iso


def _missing(alt: str) -> str:
    return f"#pr-mono[{markup_text('[' + (alt or 'image') + ']')}]"
