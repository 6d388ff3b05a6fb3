"""WordprocessingML element builders: qualified names and the small pieces every
part of the writer assembles (paragraphs, runs, text, properties in schema order).

Everything here builds plain lxml elements; python-docx is used only for the package.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Final

from lxml import etree

Element = etree._Element

NAMESPACES: Final[dict[str, str]] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
W_NS: Final = NAMESPACES["w"]

_qualified: dict[str, str] = {}


def qn(tag: str) -> str:
    """``"w:p"`` → ``"{http://...main}p"``, memoised (called for every element)."""
    name = _qualified.get(tag)
    if name is None:
        prefix, local = tag.split(":")
        name = f"{{{NAMESPACES[prefix]}}}{local}"
        _qualified[tag] = name
    return name


# An element's copy with its subtree, without copy.copy's dispatch (runs, paragraphs
# and cells are copies of templates).
copy_element: Final[Callable[[Element], Element]] = etree._Element.__copy__  # type: ignore[attr-defined]

W_VAL: Final = qn("w:val")
XML_SPACE: Final = qn("xml:space")

# Characters XML 1.0 forbids; wiki content sometimes carries them.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _FORBIDDEN_CHARS.sub("", text)


def new_container() -> Element:
    """A detached ``w:body`` declaring every namespace the writer uses, so elements
    built under it serialise with the usual prefixes once moved into a part."""
    nsmap = {k: v for k, v in NAMESPACES.items() if k != "xml"}
    return etree.Element(qn("w:body"), nsmap=nsmap)


def sub(parent: Element, tag: str, val: str | None = None, **attrs: str) -> Element:
    """Append ``tag`` to ``parent``; ``val`` becomes ``w:val``, other keyword
    arguments become ``w:``-attributes (``w_color`` style names are not needed)."""
    if val is None and not attrs:
        return etree.SubElement(parent, _qualified.get(tag) or qn(tag))
    attrib = {W_VAL: val} if val is not None else {}
    for key, value in attrs.items():
        attrib[_w_attributes.get(key) or _w_attribute(key)] = value
    return etree.SubElement(parent, _qualified.get(tag) or qn(tag), attrib)


_w_attributes: dict[str, str] = {}


def _w_attribute(key: str) -> str:
    name = _w_attributes[key] = qn(f"w:{key}")
    return name


def text_element(run: Element, text: str) -> None:
    t = etree.SubElement(run, qn("w:t"))
    t.text = text
    if text[:1].isspace() or text[-1:].isspace() or "  " in text:
        t.set(XML_SPACE, "preserve")


def add_text(run: Element, text: str) -> None:
    """Add ``text`` to ``run``: tabs become ``w:tab``, newlines ``w:br``."""
    text = clean_text(text)
    if "\t" not in text and "\n" not in text:
        if text:
            text_element(run, text)
        return
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            etree.SubElement(run, qn("w:br"))
        for part_no, part in enumerate(line.split("\t")):
            if part_no:
                etree.SubElement(run, qn("w:tab"))
            if part:
                text_element(run, part)


def paragraph(
    parent: Element,
    style_id: str | None = None,
    *,
    num: tuple[int, int] | None = None,
    indent_left: int | None = None,
    hanging: int | None = None,
    space_before: int | None = None,
    align: str | None = None,
    keep_next: bool = False,
) -> Element:
    """A ``w:p`` with its ``w:pPr`` children in schema order. ``num`` is (numId, ilvl)."""
    if indent_left is None:
        hanging = None
    key = (style_id, num, indent_left, hanging, space_before, align, keep_next)
    if key == _PLAIN:
        return etree.SubElement(parent, _P)
    if num is None:
        p = _paragraphs.copy(*key)
    else:
        # Every list has a numId of its own: the templates are by level, the id is set.
        p = _paragraphs.copy(style_id, (0, num[1]), *key[2:])
        num_id = p[0].find(_NUM_ID_PATH)
        assert num_id is not None
        num_id.set(W_VAL, str(num[0]))
    parent.append(p)
    return p


_P: Final = qn("w:p")
_NUM_ID_PATH: Final = f"{qn('w:numPr')}/{qn('w:numId')}"  # in the w:pPr of a list paragraph
_PLAIN: Final = (None, None, None, None, None, None, False)


class Templates(threading.local):
    """Elements built once per key and copied (a copy is cheaper than building them
    again), per thread: concurrent exports must not share lxml elements."""

    def __init__(self, build: Callable[..., Element], limit: int = 4096) -> None:
        self._build = build
        self._limit = limit
        self._built: dict[tuple[Hashable, ...], Element] = {}

    def copy(self, *key: Hashable) -> Element:
        template = self._built.get(key)
        if template is None:
            if len(self._built) >= self._limit:
                self._built.clear()
            template = self._built[key] = self._build(*key)
        return copy_element(template)


def _paragraph_template(
    style_id: str | None,
    num: tuple[int, int] | None,
    indent_left: int | None,
    hanging: int | None,
    space_before: int | None,
    align: str | None,
    keep_next: bool,
) -> Element:
    p = etree.Element(_P)
    ppr = etree.SubElement(p, qn("w:pPr"))
    if style_id is not None:
        sub(ppr, "w:pStyle", style_id)
    if keep_next:
        sub(ppr, "w:keepNext")
    if num is not None:
        numpr = sub(ppr, "w:numPr")
        sub(numpr, "w:ilvl", str(num[1]))
        sub(numpr, "w:numId", str(num[0]))
    if space_before is not None:
        sub(ppr, "w:spacing", before=str(space_before))
    if indent_left is not None:
        ind = sub(ppr, "w:ind", left=str(indent_left))
        if hanging is not None:
            ind.set(qn("w:hanging"), str(hanging))
    if align is not None:
        sub(ppr, "w:jc", "both" if align == "justify" else align)
    return p


_paragraphs: Final = Templates(_paragraph_template)


def shading(parent: Element, fill: str) -> Element:
    return sub(parent, "w:shd", "clear", color="auto", fill=fill.lstrip("#").upper())


def bookmark(parent: Element, bookmark_id: int, name: str, *, end: bool) -> None:
    if end:
        mark = _bookmark_ends.copy()
        parent.append(mark)
        mark.set(_W_ID, str(bookmark_id))
    else:
        mark = _bookmark_starts.copy()
        parent.append(mark)
        mark.set(_W_ID, str(bookmark_id))
        mark.set(_W_NAME, name)


_W_ID: Final = qn("w:id")
_W_NAME: Final = qn("w:name")
_bookmark_starts: Final = Templates(
    lambda: etree.SubElement(new_container(), qn("w:bookmarkStart"), {_W_ID: "", _W_NAME: ""})
)
_bookmark_ends: Final = Templates(
    lambda: etree.SubElement(new_container(), qn("w:bookmarkEnd"), {_W_ID: ""})
)


def page_break(parent: Element) -> None:
    r = etree.SubElement(etree.SubElement(parent, qn("w:p")), qn("w:r"))
    sub(r, "w:br", type="page")


def last_child(parent: Element) -> Element | None:
    """The last child element; O(1), unlike ``len(parent)`` which lxml counts."""
    try:
        return parent[-1]
    except IndexError:
        return None


def follows_table(parent: Element) -> bool:
    last = last_child(parent)
    return last is not None and last.tag == qn("w:tbl")
