"""Page geometry: the text width of a section, and the section breaks that put
landscape (or portrait) content on pages of its own orientation."""

from __future__ import annotations

import copy
from typing import Final

from lxml import etree

from pressroom.export.docx.oxml import Element, qn, sub

A4_WIDTH: Final = 11906  # twips
A4_HEIGHT: Final = 16838
DEFAULT_MARGIN: Final = 1134  # 2 cm

_PG_SZ: Final = qn("w:pgSz")
_PG_MAR: Final = qn("w:pgMar")
_W: Final = qn("w:w")
_H: Final = qn("w:h")
_ORIENT: Final = qn("w:orient")
_P: Final = qn("w:p")
_R: Final = qn("w:r")
_SECT_PR_PATH: Final = f"{qn('w:pPr')}/{qn('w:sectPr')}"
_PAGE_BREAK: Final = f"{qn('w:br')}[@{qn('w:type')}='page']"


def _twips(element: Element | None, attr: str, default: int) -> int:
    if element is None:
        return default
    value = element.get(qn(attr))
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def is_landscape(sect_pr: Element) -> bool:
    pg_sz = sect_pr.find(_PG_SZ)
    if pg_sz is None:
        return False
    return pg_sz.get(_ORIENT) == "landscape" or _twips(pg_sz, "w:w", 0) > _twips(pg_sz, "w:h", 0)


def text_width(sect_pr: Element | None) -> int:
    """Page width minus left and right margins (and gutter), in twips."""
    if sect_pr is None:
        return A4_WIDTH - 2 * DEFAULT_MARGIN
    page = _twips(sect_pr.find(_PG_SZ), "w:w", A4_WIDTH)
    margins = sect_pr.find(_PG_MAR)
    left = _twips(margins, "w:left", DEFAULT_MARGIN)
    right = _twips(margins, "w:right", DEFAULT_MARGIN)
    gutter = _twips(margins, "w:gutter", 0)
    return max(page - left - right - gutter, 1440)


def text_height(sect_pr: Element | None) -> int:
    """Page height minus top and bottom margins, in twips (a negative margin is a
    fixed one: its size counts all the same)."""
    if sect_pr is None:
        return A4_HEIGHT - 2 * DEFAULT_MARGIN
    page = _twips(sect_pr.find(_PG_SZ), "w:h", A4_HEIGHT)
    margins = sect_pr.find(_PG_MAR)
    top = abs(_twips(margins, "w:top", DEFAULT_MARGIN))
    bottom = abs(_twips(margins, "w:bottom", DEFAULT_MARGIN))
    return max(page - top - bottom, 1440)


def strip_first_page(sect_pr: Element) -> None:
    """Drop what belongs to a document's first section only: the distinct first page
    (a cover page), page numbering restarts and the break type."""
    for tag in ("w:titlePg", "w:pgNumType", "w:type"):
        for element in sect_pr.findall(qn(tag)):
            sect_pr.remove(element)
    for ref in sect_pr.findall(qn("w:headerReference")) + sect_pr.findall(qn("w:footerReference")):
        if ref.get(qn("w:type")) == "first":
            sect_pr.remove(ref)


def oriented(sect_pr: Element, *, landscape: bool, first: bool = False) -> Element:
    """A copy of ``sect_pr`` on pages of the given orientation. Unless it is the
    ``first`` section of the document, it has no cover-page header."""
    result = copy.deepcopy(sect_pr)
    if not first:
        strip_first_page(result)
    pg_sz = result.find(_PG_SZ)
    if pg_sz is None:
        pg_sz = etree.SubElement(result, _PG_SZ)
        pg_sz.set(_W, str(A4_WIDTH))
        pg_sz.set(_H, str(A4_HEIGHT))
    if is_landscape(result) != landscape:
        width, height = pg_sz.get(_W), pg_sz.get(_H)
        pg_sz.set(_W, height or str(A4_HEIGHT))
        pg_sz.set(_H, width or str(A4_WIDTH))
    if landscape:
        pg_sz.set(_ORIENT, "landscape")
    elif _ORIENT in pg_sz.attrib:
        del pg_sz.attrib[_ORIENT]
    return result


def governing_section(paragraph: Element, body_sect_pr: Element | None) -> Element | None:
    """The sectPr that lays out ``paragraph``: the next section break after it, or
    the body's final one."""
    for following in paragraph.itersiblings():
        found = following.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if found is not None:
            return found
    return body_sect_pr


def ends_section(element: Element) -> bool:
    """Whether ``element`` is a paragraph carrying a section break."""
    return element.tag == _P and element.find(_SECT_PR_PATH) is not None


def is_page_break(element: Element) -> bool:
    """Whether ``element`` is a paragraph holding nothing but a page break."""
    if element.tag != _P or element.find(_SECT_PR_PATH) is not None:
        return False
    runs = element.findall(_R)
    return (
        len(runs) == 1 and runs[0].find(_PAGE_BREAK) is not None and runs[0].find(qn("w:t")) is None
    )


def end_section_at(parent: Element, last: Element | None, sect_pr: Element) -> None:
    """End the current section with ``sect_pr`` after ``last`` (the last child of
    ``parent``): in ``last`` itself when it is a plain paragraph, so the break adds
    no empty line that could spill onto a page of its own; else in a tiny paragraph."""
    if last is not None and last.tag == _P and not is_page_break(last) and not ends_section(last):
        ppr = last.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.Element(qn("w:pPr"))
            last.insert(0, ppr)
        ppr.append(sect_pr)
        return
    p = etree.SubElement(parent, _P)
    ppr = sub(p, "w:pPr")
    sub(ppr, "w:spacing", before="0", after="0", line="20", lineRule="exact")
    sub(sub(ppr, "w:rPr"), "w:sz", "2")
    ppr.append(sect_pr)


def keep_with_next(p: Element) -> None:
    """Keep paragraph ``p`` on the same page as the next one."""
    ppr = p.find(_PPR)
    if ppr is None:  # most table cells: nothing to look for
        ppr = etree.Element(_PPR)
        etree.SubElement(ppr, _KEEP_NEXT)
        p.insert(0, ppr)
    elif ppr.find(_KEEP_NEXT) is None:
        style = ppr.find(qn("w:pStyle"))
        ppr.insert(0 if style is None else 1, etree.Element(_KEEP_NEXT))


_PPR: Final = qn("w:pPr")
_KEEP_NEXT: Final = qn("w:keepNext")


def detach_section(p: Element) -> Element | None:
    """Take the section break out of paragraph ``p``; None if it carries none."""
    sect_pr = p.find(_SECT_PR_PATH)
    if sect_pr is None:
        return None
    parent = sect_pr.getparent()
    if parent is not None:
        parent.remove(sect_pr)
    return sect_pr


def take_layout(sect_pr: Element, source: Element) -> None:
    """Give ``sect_pr`` the page size, orientation and margins of ``source``."""
    for tag in (_PG_SZ, _PG_MAR):
        new = source.find(tag)
        old = sect_pr.find(tag)
        if new is not None and old is not None:
            sect_pr.replace(old, copy.deepcopy(new))
