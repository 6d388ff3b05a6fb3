"""Template placeholders: Scroll's ``$scroll.*`` (Velocity-like) and Jinja2, in the
body, headers and footers of a Word template.

Word splits typed text into several runs (spell checking, edits, formatting), so a
placeholder may be spread over runs. Like docxtpl, each paragraph's text is first
re-divided so every placeholder lies in one ``w:t`` (the formatting of its first
character wins); then Jinja renders the part's XML (sandboxed, values XML-escaped)
and finally Scroll placeholders are substituted text node by text node.
Unknown placeholders stay as they are and are reported; nothing here fails an export.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any, Final

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from pressroom.export.docx.oxml import XML_SPACE, Element, clean_text, qn
from pressroom.export.docx.scroll_values import ScrollValues
from pressroom.export.docx.tables import close_cell
from pressroom.export.docx.template_context import TemplateContext, format_java_date

SCROLL_PLACEHOLDER: Final = re.compile(
    r"\$(?P<quiet>!)?(?P<brace>\{)?scroll(?P<path>(?:\.[A-Za-z][A-Za-z0-9_-]*)*)"
    r"(?:\.?\((?P<arg>[^()]*)\))?(?(brace)\})"
)
JINJA_TAG: Final = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_ANY_PLACEHOLDER: Final = re.compile(f"{SCROLL_PLACEHOLDER.pattern}|{JINJA_TAG.pattern}", re.S)
_JINJA_BLOCK_ONLY: Final = re.compile(r"^\s*(\{%.*?%\})\s*$", re.S)
_JINJA_PI: Final = "pressroom-jinja"
_W_T: Final = qn("w:t")
_W_P: Final = qn("w:p")
_BOUNDARIES: Final = (
    _W_T,
    *(qn(f"w:{tag}") for tag in ("br", "cr", "tab", "ptab", "fldChar", "drawing")),
)
_SMART_QUOTES: Final = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})

_SAFE_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)


@dataclass(slots=True)
class Marker:
    """A paragraph of the template that content replaces."""

    paragraph: Element
    kind: str  # "content" or "includepage"
    argument: str = ""


def paragraphs_of(root: Element) -> list[Element]:
    return list(root.iter(_W_P))


def own_text_nodes(p: Element, *, boundaries: bool = False) -> list[Element]:
    """The ``w:t`` of ``p`` itself, not of paragraphs nested in its text boxes; with
    ``boundaries`` also the breaks, tabs and field characters between them."""
    wanted = _BOUNDARIES if boundaries else (_W_T,)
    nodes = []
    for t in p.iter(*wanted):
        ancestor = t.getparent()
        while ancestor is not None and ancestor.tag != _W_P:
            ancestor = ancestor.getparent()
        if ancestor is p:
            nodes.append(t)
    return nodes


def text_segments(p: Element) -> list[list[Element]]:
    """The ``w:t`` of ``p`` in runs of text no break, tab or field separates: a
    placeholder never continues across a line break."""
    segments: list[list[Element]] = [[]]
    for node in own_text_nodes(p, boundaries=True):
        if node.tag == _W_T:
            segments[-1].append(node)
        elif segments[-1]:
            segments.append([])
    return [segment for segment in segments if segment]


def merge_split_placeholders(p: Element) -> bool:
    """Re-divide the text of ``p`` among its ``w:t`` so no placeholder spans two.
    Returns whether the paragraph holds any placeholder."""
    found = False
    for nodes in text_segments(p):
        found = _merge_segment(nodes) or found
    return found


def _merge_segment(nodes: list[Element]) -> bool:
    full = "".join(t.text or "" for t in nodes)
    if "$" not in full and "{" not in full:
        return False
    owner: list[int] = []
    for index, t in enumerate(nodes):
        owner.extend([index] * len(t.text or ""))
    found = changed = False
    for match in _ANY_PLACEHOLDER.finditer(full):
        found = True
        first = owner[match.start()]
        for k in range(match.start(), match.end()):
            if owner[k] != first:
                owner[k] = first
                changed = True
    if changed:
        pieces: list[list[str]] = [[] for _ in nodes]
        for char, index in zip(full, owner, strict=True):
            pieces[index].append(char)
        for t, chars in zip(nodes, pieces, strict=True):
            t.text = "".join(chars)
            t.set(XML_SPACE, "preserve")
    return found


class TemplateRenderer:
    """Renders the placeholders of one template for one export."""

    def __init__(self, context: TemplateContext, warnings: list[str]) -> None:
        self._values = ScrollValues(context)
        self._warnings = warnings
        self._jinja_context = self._values.jinja_variables()
        self._locale = context.locale

    def render(self, root: Element) -> list[Marker]:
        """Render ``root`` (a ``w:body``, ``w:hdr`` or ``w:ftr``) in place; returns
        the content markers found in it."""
        has_jinja = False
        for p in paragraphs_of(root):
            if merge_split_placeholders(p):
                has_jinja = has_jinja or bool(JINJA_TAG.search(_text(p)))
        if has_jinja:
            self._render_jinja(root)
        return self._substitute_scroll(root)

    def _render_jinja(self, root: Element) -> None:
        for p in paragraphs_of(root):
            block = _JINJA_BLOCK_ONLY.match(_text(p))
            parent = p.getparent()
            if block and parent is not None:
                parent.replace(p, etree.ProcessingInstruction(_JINJA_PI, block.group(1)))
        source = etree.tostring(root, encoding="unicode")
        source = re.sub(r"<\?pressroom-jinja (.*?)\?>", lambda m: m.group(1), source, flags=re.S)
        source = JINJA_TAG.sub(lambda m: _unescape_tag(m.group(0)), source)
        missing: list[str] = []
        try:
            rendered = (
                _environment(missing, self._locale).from_string(source).render(self._jinja_context)
            )
            result = etree.fromstring(rendered.encode("utf-8"), _SAFE_PARSER)
        except Exception as exc:  # a template's mistake never fails the export
            self._warnings.append(f"Template Jinja placeholders left as they are: {exc}")
            return
        for name in dict.fromkeys(missing):
            self._warnings.append(f"Unknown template placeholder {{{{ {name} }}}} left as is")
        for cell in result.iter(qn("w:tc")):
            close_cell(cell)  # a {% %} line may have been a cell's only paragraph
        root[:] = list(result)  # keep the part's own element (python-docx holds it)

    def _substitute_scroll(self, root: Element) -> list[Marker]:
        markers: list[Marker] = []
        for p in paragraphs_of(root):
            for t in own_text_nodes(p):
                if t.text and "scroll" in t.text:
                    t.text = SCROLL_PLACEHOLDER.sub(
                        functools.partial(self._scroll, p=p, markers=markers), t.text
                    )
                    t.set(XML_SPACE, "preserve")
        return markers

    def _scroll(self, match: re.Match[str], p: Element, markers: list[Marker]) -> str:
        path = [part for part in match.group("path").split(".") if part]
        argument = (match.group("arg") or "").translate(_SMART_QUOTES).strip().strip("\"'")
        key = ".".join(path).lower()
        if key in ("content", "includepage"):
            markers.append(Marker(p, key, argument))
            return match.group(0)
        known, value = self._values.resolve(key, argument)
        if not known:
            self._warnings.append(f"Unknown template placeholder {match.group(0)} left as is")
            return "" if match.group("quiet") else match.group(0)
        if value is None:
            return "" if match.group("quiet") else match.group(0)
        return clean_text(value)


def _text(p: Element) -> str:
    return "".join(t.text or "" for t in own_text_nodes(p))


def _unescape_tag(tag: str) -> str:
    """Jinja code inside the serialised XML: undo XML escaping and Word's smart quotes."""
    return html.unescape(tag).translate(_SMART_QUOTES)


def _environment(missing: list[str], locale: str) -> SandboxedEnvironment:
    class LiteralUndefined(jinja2.ChainableUndefined):
        """An unknown name renders as the placeholder itself, as Velocity does."""

        __slots__ = ()

        def __str__(self) -> str:
            name = self._undefined_name or "?"
            missing.append(name)
            return f"{{{{ {name} }}}}"

    env = SandboxedEnvironment(autoescape=True, undefined=LiteralUndefined)
    env.filters["date"] = functools.partial(_date_filter, locale=locale)
    return env


def _date_filter(value: Any, pattern: str = "d MMMM yyyy", *, locale: str = "en") -> str:
    try:
        return format_java_date(value, pattern, locale)
    except (AttributeError, TypeError, ValueError):
        return str(value)
