"""Inline nodes → runs, hyperlinks, bookmarks and fields inside one paragraph."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Final, NamedTuple

from lxml import etree

from pressroom.export import ast
from pressroom.export.ast import node_label
from pressroom.export.docx import emoticons, fields, scripts
from pressroom.export.docx.body import BodyState, Frame
from pressroom.export.docx.images import ImageEmbedder
from pressroom.export.docx.oxml import (
    XML_SPACE,
    Element,
    add_text,
    bookmark,
    copy_element,
    qn,
    shading,
    sub,
)
from pressroom.export.docx.template_context import format_java_date
from pressroom.export.failures import is_strict

DATE_PATTERN: Final = "d MMM yyyy"  # how Confluence shows a date macro
_R: Final = qn("w:r")
_RPR: Final = qn("w:rPr")
_HYPERLINK: Final = qn("w:hyperlink")
_R_ID: Final = qn("r:id")
_ANCHOR: Final = qn("w:anchor")
_HISTORY: Final = qn("w:history")
_T: Final = qn("w:t")

# Confluence's status lozenge colours: (fill, text).
_STATUS_COLOURS: Final = {
    "grey": ("DFE1E6", "42526E"),
    "red": ("FFEBE6", "BF2600"),
    "yellow": ("FFF0B3", "172B4D"),
    "green": ("E3FCEF", "006644"),
    "blue": ("DEEBFF", "0747A6"),
    "purple": ("EAE6FF", "403294"),
}


class RunFormat(NamedTuple):
    """The character formatting in force at a point of the inline tree (a tuple:
    one is made and looked up per paragraph, which a dataclass makes slow)."""

    style: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    vert: str | None = None
    color: str | None = None
    size: int | None = None  # half-points


_STYLED: Final[dict[str, dict[str, object]]] = {
    "strong": {"bold": True},
    "em": {"italic": True},
    "underline": {"underline": True},
    "strike": {"strike": True},
    "sup": {"vert": "superscript"},
    "sub": {"vert": "subscript"},
    "small": {"size": 18},
    "big": {"size": 28},
}


def build_rpr(fmt: RunFormat, style_id: str | None) -> Element | None:
    if fmt == RunFormat() and style_id is None:
        return None
    rpr = etree.Element(_RPR)
    if style_id is not None:
        sub(rpr, "w:rStyle", style_id)
    if fmt.bold:
        sub(rpr, "w:b")
    if fmt.italic:
        sub(rpr, "w:i")
    if fmt.strike:
        sub(rpr, "w:strike")
    if fmt.color:
        sub(rpr, "w:color", fmt.color.lstrip("#").upper())
    if fmt.size:
        sub(rpr, "w:sz", str(fmt.size))
        sub(rpr, "w:szCs", str(fmt.size))
    if fmt.underline:
        sub(rpr, "w:u", "single")
    if fmt.vert:
        sub(rpr, "w:vertAlign", fmt.vert)
    return rpr


class _Formatting:
    """A :class:`RunFormat` with the runs it makes, as templates to copy (one element
    copy per run instead of building its properties), and the formats derived from it
    by nested styles, so walking the inline tree hashes no format."""

    __slots__ = ("derived", "fmt", "run", "spaced_run", "text_run")

    def __init__(self, fmt: RunFormat, rpr: Element | None) -> None:
        self.fmt = fmt
        self.derived: dict[object, _Formatting] = {}
        self.run = etree.Element(_R)
        if rpr is not None:
            self.run.append(rpr)
        self.text_run = copy.copy(self.run)
        etree.SubElement(self.text_run, _T)
        self.spaced_run = copy.copy(self.text_run)
        self.spaced_run[-1].set(XML_SPACE, "preserve")


class InlineWriter:
    """Writes inline nodes into a ``w:p``; one instance per document."""

    def __init__(self, state: BodyState, images: ImageEmbedder) -> None:
        self._state = state
        self._images = images
        self._formattings: dict[RunFormat, _Formatting] = {}
        self._languages = scripts.DocumentLanguages(state.locale)

    def write(
        self, parent: Element, inlines: list[ast.Inline], fmt: RunFormat, frame: Frame
    ) -> None:
        self._write(parent, inlines, self._formatting(fmt), frame)

    def text_run(self, parent: Element, text: str, fmt: RunFormat) -> Element:
        return self._run(parent, text, self._formatting(fmt))

    def _write(
        self, parent: Element, inlines: list[ast.Inline], fmt: _Formatting, frame: Frame
    ) -> None:
        for node in inlines:
            if type(node) is ast.Text:  # most nodes: skip the dispatch
                if node.text:
                    self._run(parent, node.text, fmt)
            else:
                self._write_node(parent, node, fmt, frame)

    def _run(self, parent: Element, text: str, fmt: _Formatting) -> Element:
        """Runs of ``text``: one, or one per script when it mixes scripts that need
        their own language, direction or font (see :mod:`.scripts`)."""
        if text.isascii():
            return self._plain_run(parent, text, fmt)
        run: Element | None = None
        for segment, script in self._languages.segments(text):
            shown = fmt if script is None else self._scripted(fmt, script, segment)
            run = self._plain_run(parent, segment, shown)
        assert run is not None
        return run

    def _scripted(self, fmt: _Formatting, script: str, text: str) -> _Formatting:
        key = ("script", script, self._languages.bidi_language(text) if script == "rtl" else "")
        scripted = fmt.derived.get(key)
        if scripted is None:
            rpr = fmt.run.find(_RPR)
            rpr = etree.Element(_RPR) if rpr is None else copy.deepcopy(rpr)
            scripts.mark_run(rpr, script, self._languages, text)
            scripted = _Formatting(fmt.fmt, rpr)
            fmt.derived[key] = scripted
        return scripted

    def _plain_run(self, parent: Element, text: str, fmt: _Formatting) -> Element:
        if text and text.isprintable():  # no tab, newline or character XML forbids
            spaced = text[0].isspace() or text[-1].isspace() or "  " in text
            r = copy_element(fmt.spaced_run if spaced else fmt.text_run)
            r[-1].text = text
        else:
            r = copy_element(fmt.run)
            add_text(r, text)
        parent.append(r)
        return r

    def _formatting(self, fmt: RunFormat) -> _Formatting:
        formatting = self._formattings.get(fmt)
        if formatting is None:
            style_id = self._state.styles.id(fmt.style) if fmt.style else None
            formatting = _Formatting(fmt, build_rpr(fmt, style_id))
            self._formattings[fmt] = formatting
        return formatting

    def _derive(self, fmt: _Formatting, key: object, **changes: object) -> _Formatting:
        """``fmt`` with ``changes``, remembered under ``key``."""
        derived = fmt.derived.get(key)
        if derived is None:
            derived = self._formatting(fmt.fmt._replace(**changes))  # type: ignore[arg-type]
            fmt.derived[key] = derived
        return derived

    def _write_node(
        self, parent: Element, node: ast.Inline, fmt: _Formatting, frame: Frame
    ) -> None:
        """Write one node; a failure costs that node only (see :mod:`..failures`)."""
        written = len(parent)
        try:
            self._write_one(parent, node, fmt, frame)
        except Exception as error:
            if is_strict():
                raise
            del parent[written:]
            shown = f"[could not render {node_label(node)}]"
            self._state.warn_failure(node_label(node), error, shown)
            self._run(parent, shown, fmt)

    def _write_one(self, parent: Element, node: ast.Inline, fmt: _Formatting, frame: Frame) -> None:
        match node:
            case ast.Text(text=text):
                if text:
                    self._run(parent, text, fmt)
            case ast.Styled(style="code", children=children):
                code = self._derive(fmt, "code", style="Scroll Inline Code")
                self._write(parent, children, code, frame)
            case ast.Styled(style=style, children=children):
                styled = self._derive(fmt, style, **_STYLED.get(style, {}))
                self._write(parent, children, styled, frame)
            case ast.Colored(color=color, children=children):
                self._write(
                    parent, children, self._derive(fmt, ("color", color), color=color), frame
                )
            case ast.LineBreak():
                sub(etree.SubElement(parent, _R), "w:br")
            case ast.Link():
                self._link(parent, node, fmt, frame)
            case ast.Image():
                self._image(parent, node, fmt, frame)
            case _:
                self._write_simple(parent, node, fmt)

    def _write_simple(self, parent: Element, node: ast.Inline, fmt: _Formatting) -> None:
        match node:
            case ast.UserMention():
                self._run(parent, ast.mention_text(node), fmt)
            case ast.Emoticon():
                glyph, colour, font = emoticons.printable(node)
                shown = self._derive(fmt, ("color", colour), color=colour) if colour else fmt
                run = self._run(parent, glyph, shown)
                if font is not None:
                    emoticons.set_font(run, font)
            case ast.Date(iso=iso):
                self._run(parent, shown_date(iso, self._state.locale), fmt)
            case ast.Status():
                self._status(parent, node)
            case ast.Anchor(name=name):
                placed = self._state.bookmarks.place(name)
                if placed is not None:
                    bookmark(parent, placed[0], placed[1], end=False)
                    bookmark(parent, placed[0], placed[1], end=True)
            case ast.IndexTerm(entry=entry):
                if entry.strip():
                    fields.index_entry(parent, entry.strip())
            case ast.Placeholder(text=text):
                if text:
                    self._run(parent, text, fmt)
            case _:
                children = getattr(node, "children", None)
                if isinstance(children, list):
                    self._write(parent, children, fmt, Frame(width=0))

    def _link(self, parent: Element, link: ast.Link, fmt: _Formatting, frame: Frame) -> None:
        target = link.target
        children = link.children or [ast.Text(_target_label(target))]
        if (
            parent.tag == _HYPERLINK
            or not isinstance(target, ast.ExternalTarget | ast.InternalTarget)
            or (isinstance(target, ast.ExternalTarget) and not target.url.strip())
        ):
            if isinstance(target, ast.PageTarget | ast.AnchorTarget | ast.AttachmentTarget):
                self._state.warn(f"Link target left unresolved: {_target_label(target)}")
            self._write(parent, children, fmt, frame)
            return
        hyperlink = etree.SubElement(parent, _HYPERLINK)
        if isinstance(target, ast.ExternalTarget):
            hyperlink.set(_R_ID, self._state.relationships.hyperlink(target.url))
        else:
            hyperlink.set(_ANCHOR, self._state.bookmarks.link(target.bookmark))
        hyperlink.set(_HISTORY, "1")
        linked = self._derive(fmt, ("link",), style="Hyperlink")
        self._write(hyperlink, children, linked, frame)

    def _image(self, parent: Element, image: ast.Image, fmt: _Formatting, frame: Frame) -> None:
        if image.file is not None and self._images.inline(parent, image, frame.width):
            return
        label = image.alt or image.title or image.url or image.attachment or "image"
        if image.url and image.file is None:
            link = ast.Link(ast.ExternalTarget(image.url), [ast.Text(label)])
            self._link(parent, link, fmt, frame)
            return
        if image.file is None:
            self._state.warn(f"Image not found: {image.attachment or image.url or '?'}")
        self._run(parent, f"[{label}]", fmt)

    def _status(self, parent: Element, status: ast.Status) -> None:
        fill, text_colour = _STATUS_COLOURS.get(status.colour.lower(), _STATUS_COLOURS["grey"])
        r = etree.SubElement(parent, _R)
        rpr = sub(r, "w:rPr")
        sub(rpr, "w:b")
        sub(rpr, "w:caps")
        sub(rpr, "w:color", text_colour)
        sub(rpr, "w:sz", "16")
        if status.subtle:
            sub(rpr, "w:bdr", "single", sz="4", space="0", color=text_colour)
        else:
            shading(rpr, fill)
        add_text(r, f"\u00a0{status.title.replace(' ', chr(0xA0))}\u00a0")


def shown_date(iso: str, locale: str) -> str:
    """A date as the document prints it (as Confluence shows a date)."""
    try:
        day = dt.date.fromisoformat(iso[:10])
        return format_java_date(day, DATE_PATTERN, locale)
    except ValueError:
        return iso


def _target_label(target: ast.LinkTarget) -> str:
    match target:
        case ast.ExternalTarget(url=url):
            return url
        case ast.InternalTarget(bookmark=name) | ast.AnchorTarget(name=name):
            return name
        case ast.PageTarget(title=title):
            return title
        case ast.AttachmentTarget(filename=filename):
            return filename
    return ""
