"""Tables of contents written out in full.

Word rebuilds a TOC field when the document opens (``w:updateFields``), but viewers
that do not (LibreOffice converting to PDF, previews, Word's protected view) show
the field's stored result. So the result holds every entry already: the heading
text, a link to a ``_Toc`` bookmark on the heading, and a PAGEREF field for its
page number, as Word itself would write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import fields
from pressroom.export.docx.oxml import (
    Element,
    Templates,
    add_text,
    clean_text,
    new_container,
    paragraph,
    qn,
    sub,
)
from pressroom.export.docx.styles import HEADING_LEVELS, StyleCatalog

_LEVELS: Final = re.compile(r'\\o\s+"(\d)\s*-\s*(\d)"')
_FLD_CHAR: Final = qn("w:fldChar")
_FLD_TYPE: Final = qn("w:fldCharType")
_INSTR: Final = qn("w:instrText")


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    text: str
    bookmark: str


@dataclass(frozen=True, slots=True)
class TocPlan:
    """What the tables of contents and the index list, found before writing starts;
    ``names`` is the ``_Toc`` bookmark of each listed heading, by ``id()``."""

    entries: list[TocEntry] = field(default_factory=list)
    scopes: dict[str, list[TocEntry]] = field(default_factory=dict)
    index_terms: list[tuple[str, ...]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)


def plan_tocs(blocks: list[ast.Block], spelling: ast.TextSpelling = ast.PLAIN) -> TocPlan:
    """The headings every table of contents lists and the terms of the index."""
    entries, names = collect_entries(blocks, spelling)
    scopes = scoped_entries(blocks, entries, names)
    terms = index_terms(blocks) if any(isinstance(b, ast.Index) for b in blocks) else []
    return TocPlan(entries, scopes, terms, names)


def listed_headings(blocks: list[ast.Block]) -> Iterator[ast.Heading]:
    """The headings a table of contents may list (outside tables and boxes), in order."""
    for block in blocks:
        if isinstance(block, ast.Heading):
            yield block
        elif isinstance(block, ast.Div | ast.OrientedSection):
            yield from listed_headings(block.blocks)


def collect_entries(
    blocks: list[ast.Block], spelling: ast.TextSpelling = ast.PLAIN
) -> tuple[list[TocEntry], dict[int, str]]:
    """Entries for the document's headings (outside tables and boxes), their text as
    the heading shows it (``spelling``), and the ``_Toc`` bookmark name for each
    heading by ``id()``."""
    entries: list[TocEntry] = []
    names: dict[int, str] = {}
    for number, heading in enumerate(listed_headings(blocks), start=1):
        if heading.level > HEADING_LEVELS:
            continue
        name = f"_Toc{number:08d}"
        names[id(heading)] = name
        text = ast.inline_text(heading.children, spelling)
        entries.append(TocEntry(max(heading.level, 1), text, name))
    return entries, names


def _tocs(blocks: list[ast.Block]) -> Iterator[ast.TableOfContents]:
    return ast.walk_blocks(blocks, ast.TableOfContents)


def scoped_entries(
    blocks: list[ast.Block], entries: list[TocEntry], names: dict[int, str]
) -> dict[str, list[TocEntry]]:
    """For each page a toc macro covers (by its title bookmark), the entries from its
    title to the next page title of the same or a higher level."""
    wanted = {t.scope_bookmark for t in _tocs(blocks) if t.scope_bookmark}
    if not wanted:
        return {}
    by_name = {entry.bookmark: entry for entry in entries}
    scopes: dict[str, list[TocEntry]] = {}
    open_scopes: list[tuple[int, str]] = []
    for heading in listed_headings(blocks):
        if heading.page_title:
            while open_scopes and open_scopes[-1][0] >= heading.level:
                open_scopes.pop()
            for name in heading.bookmarks:
                if name in wanted and name not in scopes:
                    scopes[name] = []
                    open_scopes.append((heading.level, name))
        entry = by_name.get(names.get(id(heading), ""))
        if entry is not None:
            for _, name in open_scopes:
                scopes[name].append(entry)
    return scopes


def index_terms(blocks: list[ast.Block]) -> list[tuple[str, ...]]:
    """The index entries of the document's scroll-indexterm macros, as paths
    (``a:b`` is ``("a", "b")``), sorted as Word sorts its index and without repeats."""
    found: set[tuple[str, ...]] = set()
    for inlines in ast.text_runs(blocks):
        found.update(_terms(inlines))
    return sorted(found, key=lambda path: tuple(p.casefold() for p in path))


def _terms(inlines: list[ast.Inline]) -> Iterator[tuple[str, ...]]:
    for node in ast.walk_inlines(inlines):
        if isinstance(node, ast.IndexTerm):
            path = tuple(part.strip() for part in node.entry.split(":") if part.strip())
            for depth in range(1, len(path) + 1):
                yield path[:depth]


def levels_of(instruction: str) -> tuple[int, int]:
    match = _LEVELS.search(instruction)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 3)


def write_toc(
    parent: Element, instruction: str, entries: list[TocEntry], styles: StyleCatalog
) -> None:
    """The TOC field as paragraphs: begin and instruction in the first, end in the last."""
    low, high = levels_of(instruction)
    shown = [e for e in entries if low <= e.level <= high]
    if not shown:
        fields.complex_field(
            paragraph(parent), instruction, "Open in Word and update fields (F9) to fill it."
        )
        return
    for index, entry in enumerate(shown):
        p = paragraph(parent, styles.id(f"toc {entry.level}"))
        if index == 0:
            fields.field_start(p, instruction)
        link = _links.copy()
        p.append(link)
        link.set(_ANCHOR, entry.bookmark)
        add_text(link[0], entry.text)
        pageref = clean_text(f"PAGEREF {entry.bookmark} \\h")
        link[_PAGEREF_RUN][0].text = f" {pageref} "
        if index == len(shown) - 1:
            fields.field_end(p)


def _link_template() -> Element:
    """An entry's link: its text, a tab and its page number (a PAGEREF field)."""
    link = sub(new_container(), "w:hyperlink", anchor="", history="1")
    etree.SubElement(link, qn("w:r"))
    sub(etree.SubElement(link, qn("w:r")), "w:tab")
    fields.complex_field(link, "PAGEREF", "")
    return link


_links: Final = Templates(_link_template)
_ANCHOR: Final = qn("w:anchor")
_PAGEREF_RUN: Final = 3  # the run of the field's instruction


def refresh_template_tocs(body: Element, entries: list[TocEntry], styles: StyleCatalog) -> None:
    """Rewrite the TOC fields of the template's own body with the document's entries."""
    for instr in list(body.iter(_INSTR)):
        instruction = (instr.text or "").strip()
        if not instruction.upper().startswith("TOC"):
            continue
        paragraphs = _field_paragraphs(instr)
        if not paragraphs:
            continue
        scratch = etree.Element(qn("w:body"))
        write_toc(scratch, instruction, entries, styles)
        for new in list(scratch):
            paragraphs[0].addprevious(new)
        for old in paragraphs:
            parent = old.getparent()
            if parent is not None:
                parent.remove(old)


def _field_paragraphs(instr: Element) -> list[Element]:
    """The paragraphs from the one holding ``instr`` to the one ending its field."""
    first = instr.getparent()
    while first is not None and first.tag != qn("w:p"):
        first = first.getparent()
    if first is None:
        return []
    depth = 0
    paragraphs: list[Element] = []
    current: Element | None = first
    started = False
    while current is not None:
        if current.tag != qn("w:p"):
            return []
        paragraphs.append(current)
        for char in current.iter(_FLD_CHAR):
            kind = char.get(_FLD_TYPE)
            started = started or kind == "begin"
            depth += {"begin": 1, "end": -1}.get(kind or "", 0)
            if started and depth == 0:
                return paragraphs
        current = current.getnext()
    return []
