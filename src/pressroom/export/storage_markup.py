"""Low-level facts of Confluence storage markup: namespaces, tag names, CSS values.

Shared by the storage reader (``storage.py``) and its macro handlers
(``storage_macros.py``); knows nothing of the document tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, cast

from lxml import etree

from pressroom.export.ast import Alignment

AC_NAMESPACE: Final = "http://atlassian.com/content"
RI_NAMESPACE: Final = "http://atlassian.com/resource/identifier"
AT_NAMESPACE: Final = "http://atlassian.com/template"
AC: Final = "{" + AC_NAMESPACE + "}"
RI: Final = "{" + RI_NAMESPACE + "}"

_PREFIXES: Final = {AC_NAMESPACE: "ac", RI_NAMESPACE: "ri", AT_NAMESPACE: "at"}
_tag_names: dict[str, str] = {}


def tag_name(element: etree._Element) -> str | None:
    """``ac:link``, ``ri:page``, ``p``...; None for comments, entities and PIs."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    name = _tag_names.get(tag)
    if name is None:
        name = _readable(tag)
        if len(_tag_names) < 10_000:  # adversarial input must not grow the cache forever
            _tag_names[tag] = name
    return name


def _readable(tag: str) -> str:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        prefix = _PREFIXES.get(namespace)
        return f"{prefix}:{local.lower()}" if prefix else local.lower()
    return tag.lower()


def text_of(element: etree._Element) -> str:
    """All text inside ``element`` (the parser gives str, never bytes)."""
    return "".join(cast(Iterator[str], element.itertext()))


def ac(element: etree._Element, name: str) -> str | None:
    """An ``ac:`` attribute."""
    return element.get(AC + name)


def ri(element: etree._Element, name: str) -> str | None:
    """An ``ri:`` attribute."""
    return element.get(RI + name)


# ---------------------------------------------------------------------------
# CSS values
# ---------------------------------------------------------------------------

_PROPERTY = re.compile(r"[-\w]+")


def css(style: str | None) -> dict[str, str]:
    """The declarations of a ``style`` attribute, property names lowercased (split, not
    searched with a pattern: linear however long and odd the attribute)."""
    if not style:
        return {}
    declarations: dict[str, str] = {}
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name = name.strip().lower()
        if colon and _PROPERTY.fullmatch(name):
            declarations[name] = value.strip()
    return declarations


_ALIGNMENTS: Final[dict[str, Alignment]] = {
    "left": "left",
    "start": "left",
    "center": "center",
    "right": "right",
    "end": "right",
    "justify": "justify",
}


def alignment(value: str | None) -> Alignment | None:
    return _ALIGNMENTS.get(value.strip().lower()) if value else None


_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(px|%|pt|em)?\s*$", re.IGNORECASE)


def length(value: str | None) -> tuple[float, str] | None:
    """``"30.5px"`` -> ``(30.5, "px")``; a bare number counts as pixels."""
    if not value:
        return None
    match = _LENGTH.match(value)
    if match is None:
        return None
    return float(match.group(1)), (match.group(2) or "px").lower()


def pixels(value: str | None) -> int | None:
    measured = length(value)
    if measured is None or measured[1] != "px" or measured[0] <= 0:
        return None
    return round(measured[0])


def integer(value: str | None, default: int) -> int:
    try:
        return int(value.strip()) if value else default
    except ValueError:
        return default


def flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"


# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------

_NAMED_COLOURS: Final = {
    "black": "#000000",
    "white": "#ffffff",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "orange": "#ffa500",
    "purple": "#800080",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "maroon": "#800000",
    "navy": "#000080",
    "teal": "#008080",
    "olive": "#808000",
    "lime": "#00ff00",
    "aqua": "#00ffff",
    "fuchsia": "#ff00ff",
}
_HEX = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)$")


def colour(value: str | None) -> str | None:
    """A CSS colour as ``#rrggbb``; None when it is not one we understand."""
    if not value:
        return None
    value = value.strip().lower()
    hex_match = _HEX.match(value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits
    rgb_match = _RGB.match(value)
    if rgb_match:
        red, green, blue = (min(int(c), 255) for c in rgb_match.groups())
        return f"#{red:02x}{green:02x}{blue:02x}"
    return _NAMED_COLOURS.get(value)


# Table cell highlight colours of the Confluence editor (``data-highlight-colour``).
_HIGHLIGHTS: Final = {
    "grey": "#f4f5f7",
    "gray": "#f4f5f7",
    "red": "#ffebe6",
    "green": "#e3fcef",
    "blue": "#deebff",
    "yellow": "#fffae6",
    "purple": "#eae6ff",
    "teal": "#e6fcff",
}


def highlight(value: str | None) -> str | None:
    if not value:
        return None
    return _HIGHLIGHTS.get(value.strip().lower()) or colour(value)


# ---------------------------------------------------------------------------
# Naming elements in warnings and placeholders
# ---------------------------------------------------------------------------

_ELEMENT_LABELS: Final = {
    "p": "paragraph",
    "ul": "list",
    "ol": "list",
    "li": "list item",
    "tr": "table row",
    "td": "table cell",
    "th": "table cell",
    "a": "link",
    "img": "image",
    "pre": "preformatted text",
    "time": "date",
    "span": "text",
    "font": "text",
    "blockquote": "quote",
    "hr": "rule",
    **{f"h{level}": "heading" for level in range(1, 7)},
}
_MAX_ATTRIBUTE_SHOWN: Final = 40


def element_label(element: etree._Element) -> str:
    """What a reader calls ``element``: ``emoticon``, ``task list``, ``jira macro``."""
    name = tag_name(element) or "element"
    if name in ("ac:structured-macro", "ac:macro"):
        macro = (ac(element, "name") or "").strip().lower()
        return f"{macro} macro" if macro else "macro"
    if name.startswith(("ac:", "ri:")):
        return name[3:].replace("-", " ")
    return _ELEMENT_LABELS.get(name, name)


def start_tag(element: etree._Element) -> str:
    """The element's start tag as storage format spells it, attributes shortened:
    ``<ac:emoticon ac:emoji-id="atlassian-check_mark">``."""
    parts = [tag_name(element) or "?"]
    for key, raw in element.items():
        value = str(raw)
        shown = value if len(value) <= _MAX_ATTRIBUTE_SHOWN else value[:39] + "\u2026"
        parts.append(f'{_readable(str(key))}="{shown}"')
    return "<" + " ".join(parts)[:200] + ">"
