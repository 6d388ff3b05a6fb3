"""Word fields (``w:fldChar`` begin / instruction / separate / result / end):
table of contents, page numbers, running headers, index entries and the index.

Word computes field results; the document asks it to on open (``w:updateFields``
in settings.xml), so results written here are only placeholders.
"""

from __future__ import annotations

import copy

from lxml import etree

from pressroom.export.docx.oxml import XML_SPACE, Element, add_text, clean_text, paragraph, qn, sub


def _field_char(parent: Element, kind: str, rpr: Element | None) -> None:
    r = etree.SubElement(parent, qn("w:r"))
    if rpr is not None:
        r.append(_copy(rpr))
    fld = sub(r, "w:fldChar", fldCharType=kind)
    if kind == "begin":
        fld.set(qn("w:dirty"), "true")


def _copy(element: Element) -> Element:
    return copy.deepcopy(element)


def complex_field(
    parent: Element, instruction: str, result: str | None = "", rpr: Element | None = None
) -> None:
    """Append the runs of one field to paragraph (or hyperlink) ``parent``.

    ``result`` None writes a field without a result part (XE fields have none).
    """
    _field_char(parent, "begin", rpr)
    r = etree.SubElement(parent, qn("w:r"))
    if rpr is not None:
        r.append(_copy(rpr))
    instr = etree.SubElement(r, qn("w:instrText"))
    instr.text = f" {clean_text(instruction)} "
    instr.set(XML_SPACE, "preserve")
    if result is not None:
        _field_char(parent, "separate", rpr)
        r = etree.SubElement(parent, qn("w:r"))
        if rpr is not None:
            r.append(_copy(rpr))
        if result:
            add_text(r, result)
    _field_char(parent, "end", rpr)


def field_start(parent: Element, instruction: str) -> None:
    """Begin a field whose result follows (and may span paragraphs)."""
    _field_char(parent, "begin", None)
    r = etree.SubElement(parent, qn("w:r"))
    instr = etree.SubElement(r, qn("w:instrText"))
    instr.text = f" {clean_text(instruction)} "
    instr.set(XML_SPACE, "preserve")
    _field_char(parent, "separate", None)


def field_end(parent: Element) -> None:
    _field_char(parent, "end", None)


def quote_argument(text: str) -> str:
    """A field argument in double quotes (Word has no escape for ``"`` inside)."""
    return '"' + text.replace('"', "\u201d").replace("\\", "\\\\") + '"'


def toc_instruction(min_level: int = 1, max_level: int = 3, bookmark: str | None = None) -> str:
    """A TOC field of heading levels ``min_level``-``max_level``; of the part of the
    document inside ``bookmark`` only (``\\b``) when one is given."""
    low = max(1, min(min_level, 9))
    high = max(low, min(max_level, 9))
    # \u takes paragraphs by outline level (the Scroll Heading styles have one);
    # \t names the styles too, for readers that only match styles.
    styles = ",".join(f"Scroll Heading {level},{level}" for level in range(low, high + 1))
    scope = f" \\b {bookmark}" if bookmark else ""
    return f'TOC \\o "{low}-{high}"{scope} \\h \\z \\u \\t "{styles}"'


def page_number(parent: Element) -> None:
    complex_field(parent, "PAGE", "1")


def page_count(parent: Element) -> None:
    complex_field(parent, "NUMPAGES", "1")


def running_header(parent: Element, style_name: str) -> None:
    """The text of the nearest heading in ``style_name`` (a STYLEREF field)."""
    complex_field(parent, f"STYLEREF {quote_argument(style_name)}", " ")


def index_entry(parent: Element, entry: str) -> None:
    """An XE field marking an index entry; ``a:b`` makes ``b`` a sub-entry of ``a``."""
    complex_field(parent, f"XE {quote_argument(entry)}", None)


def add_index(
    parent: Element, terms: list[tuple[str, ...]], style_ids: dict[str, str | None]
) -> None:
    """The INDEX field, its result filled with ``terms`` (entry paths, sorted) under
    letter headings, for viewers that show results without updating fields (Word
    adds the page numbers when it updates the field on open)."""
    instruction = 'INDEX \\h "A" \\c "2"'
    if not terms:
        complex_field(paragraph(parent), instruction, "Update fields (F9) to build the index.")
        return
    letter = ""
    for number, path in enumerate(terms):
        first = number == 0
        if path[0][:1].upper() != letter:
            letter = path[0][:1].upper()
            p = paragraph(parent, style_ids.get("index heading"), keep_next=True)
            if first:
                field_start(p, instruction)
            add_text(etree.SubElement(p, qn("w:r")), letter)
        p = paragraph(parent, style_ids.get(f"index {min(len(path), 9)}"))
        add_text(etree.SubElement(p, qn("w:r")), path[-1])
    field_end(p)
