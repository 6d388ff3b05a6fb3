"""Block nodes → paragraphs, lists, tables, boxes, fields and section breaks."""

from __future__ import annotations

from itertools import zip_longest
from typing import Final

from lxml import etree

from pressroom.export import ast
from pressroom.export.ast import inline_text, node_label
from pressroom.export.docx import fields, scripts, sections, tables, toc
from pressroom.export.docx.body import TWIPS_PER_PX, BodyState, Frame
from pressroom.export.docx.code import CodeWriter
from pressroom.export.docx.images import ImageEmbedder
from pressroom.export.docx.inlines import InlineWriter, RunFormat
from pressroom.export.docx.numbering import HANGING, ListIds, level_indent
from pressroom.export.docx.oxml import (
    Element,
    bookmark,
    follows_table,
    last_child,
    page_break,
    paragraph,
    qn,
    sub,
)
from pressroom.export.docx.styles import HEADING_LEVELS, list_style_name
from pressroom.export.failures import is_strict

INDENT_STEP: Final = 30 * TWIPS_PER_PX  # Confluence indents paragraphs by 30 px
GAP_AFTER_TABLE: Final = 160
EXPAND_GAP: Final = 120
CODE_INSET: Final = 100  # the Scroll Code style's own left indent, kept inside lists
# Room kept below a page-high image for its caption or the next line of text.
IMAGE_CAPTION_ROOM: Final = 900
TASK_GLYPHS: Final = {True: "\u2611", False: "\u2610"}
DECISION_GLYPHS: Final = {True: "\u25c6", False: "\u25c7"}  # decided, undecided

# (fill, border, accent) of each admonition kind, as Confluence colours them.
ADMONITION_COLOURS: Final = {
    "info": ("DEEBFF", "B3D4FF", "0052CC"),
    "note": ("FFFAE6", "FFE380", "FF991F"),
    "tip": ("E3FCEF", "ABF5D1", "00875A"),
    "warning": ("FFEBE6", "FFBDAD", "DE350B"),
    "panel": ("FFFFFF", "C1C7D0", None),
}


class BlockWriter:
    """Writes blocks into a body or table cell; one instance per chunk of the body."""

    def __init__(
        self,
        state: BodyState,
        lists: ListIds,
        images: ImageEmbedder,
        section: Element | None,
        tocs: toc.TocPlan,
        *,
        toc_names: dict[int, str],
        content_ends_body: bool = False,
    ) -> None:
        self.state = state
        self.lists = lists
        self.inlines = InlineWriter(state, images)
        self.images = images
        images.max_height_twips = _image_height(section)
        self._code = CodeWriter(state.styles.id("Scroll Code"))
        self._section = section
        self._in_oriented_section = False
        self.section_breaks = 0
        self._tocs = tocs
        self._toc_names = toc_names  # the _Toc bookmark of each listed heading, by id()
        self._open_scopes: list[tuple[int, int]] = []  # (page title level, bookmark id)
        self._content_ends_body = content_ends_body  # nothing of the template follows

    def finish(self, parent: Element) -> None:
        """After the last block: a section break that ends the document's content
        would leave the template's last section empty (a blank page), so that
        section takes its layout instead."""
        last = last_child(parent)
        if self._content_ends_body and self._section is not None and last is not None:
            closing = sections.detach_section(last)
            if closing is not None:
                sections.take_layout(self._section, closing)
        self.close_scopes(parent)

    def close_scopes(self, parent: Element, level: int = 0) -> None:
        """End the page bookmarks of toc macros whose page ends here: at a page
        title of ``level`` or higher (0: the end of the document)."""
        while self._open_scopes and self._open_scopes[-1][0] >= level:
            bookmark(parent, self._open_scopes.pop()[1], "", end=True)

    def write(self, parent: Element, blocks: list[ast.Block], frame: Frame) -> None:
        for block in blocks:
            self.write_block(parent, block, frame)

    def write_block(self, parent: Element, block: ast.Block, frame: Frame) -> None:
        """Write one block; a failure costs that block only (see :mod:`..failures`):
        what it wrote is taken out again and a placeholder paragraph stands in."""
        written = len(parent)
        try:
            self._write_block(parent, block, frame)
        except Exception as error:
            if is_strict():
                raise
            del parent[written:]
            shown = f"[could not render {node_label(block)}]"
            self.state.warn_failure(node_label(block), error, shown)
            p = self.new_paragraph(parent, frame.text_style, frame)
            self.inlines.text_run(p, shown, RunFormat())

    def _write_block(self, parent: Element, block: ast.Block, frame: Frame) -> None:
        match block:
            case ast.Heading():
                self._heading(parent, block, frame)
            case ast.Paragraph():
                self._paragraph(parent, block, frame)
            case ast.BlockQuote(blocks=blocks):
                self.write(parent, blocks, frame.inside(text_style="Scroll Quote"))
            case ast.CodeBlock():
                indent = frame.indent + CODE_INSET if frame.indent else None
                self._code.write(parent, block, indent=indent)
            case ast.ListBlock():
                self._list(parent, block, frame)
            case ast.TaskList():
                self._task_list(parent, block, frame)
            case ast.Table():
                style = self.state.styles.id("Scroll Table Normal")
                tables.write_table(parent, block, frame, style, self.write)
            case _:
                self._write_layout_block(parent, block, frame)

    def _write_layout_block(self, parent: Element, block: ast.Block, frame: Frame) -> None:
        match block:
            case ast.Admonition():
                self._admonition(parent, block, frame)
            case ast.Expand(title=title, blocks=blocks):
                self._bold_line(parent, title, frame, keep_next=True, space_before=EXPAND_GAP)
                self.write(parent, blocks, frame.inside(text_style="Scroll Expand Macro Text"))
            case ast.HorizontalRule():
                self._horizontal_rule(parent)
            case ast.TableOfContents():
                self._toc(parent, block)
            case ast.PageBreak():
                self._page_break(parent)
            case ast.OrientedSection():
                self._oriented(parent, block, frame)
            case ast.Columns():
                tables.write_columns(parent, block, frame, self.write, "Scroll Section Column")
            case ast.Index():
                styles = ("index heading", *(f"index {n}" for n in range(1, 10)))
                style_ids = {name: self.state.styles.id(name) for name in styles}
                fields.add_index(parent, self._tocs.index_terms, style_ids)
            case ast.IncludePage() | ast.ChildrenList() | ast.AttachmentFile() | ast.PageReport():
                # only the assembler knows other pages and attachments
                named = getattr(block, "title", None) or getattr(block, "filename", None)
                what = ast.node_label(block) + (f" '{named}'" if named else "")
                shown = f"[{what} not resolved]"
                self.state.warn(f"{self.state.page}: {what} was not resolved: shown as {shown}")
                p = self.new_paragraph(parent, frame.text_style, frame)
                self.inlines.text_run(p, shown, RunFormat())
            case ast.Div(blocks=blocks):
                self.write(parent, blocks, frame)
            case _:
                self.write(parent, list(getattr(block, "blocks", [])), frame)

    def new_paragraph(
        self,
        parent: Element,
        style_name: str | None,
        frame: Frame,
        **options: object,
    ) -> Element:
        """A paragraph in style ``style_name``; a little room above when it follows a
        table, whose bottom edge would otherwise touch it."""
        style_id = self.state.styles.id(style_name) if style_name else None
        heading = style_name is not None and style_name.startswith("Scroll Heading")
        if not heading and follows_table(parent):  # headings have room above of their own
            options.setdefault("space_before", GAP_AFTER_TABLE)
        if frame.indent and "indent_left" not in options and "num" not in options:
            options["indent_left"] = frame.indent
        return paragraph(parent, style_id, **options)  # type: ignore[arg-type]

    def _heading(self, parent: Element, heading: ast.Heading, frame: Frame) -> None:
        if heading.page_title:
            self.state.page = inline_text(heading.children)
            self.close_scopes(parent, heading.level)
        if heading.level > HEADING_LEVELS:
            p = self._bold_line(parent, "", frame, keep_next=True)
        else:
            p = self.new_paragraph(parent, f"Scroll Heading {max(heading.level, 1)}", frame)
        placed = [self.state.bookmarks.place(name) for name in heading.bookmarks]
        toc_name = self._toc_names.get(id(heading))
        if toc_name is not None:
            placed.append((self.state.bookmarks.next_id(), toc_name))
        for mark in placed:
            if mark is not None:
                bookmark(p, mark[0], mark[1], end=False)
        self.inlines.write(p, heading.children, RunFormat(bold=heading.level > 9), frame)
        _set_direction(p, heading.children)
        for name, mark in reversed(list(zip_longest(heading.bookmarks, placed))):
            if mark is None:
                continue
            if heading.page_title and name in self._tocs.scopes:
                self._open_scopes.append((heading.level, mark[0]))  # ends with the page
            else:
                bookmark(p, mark[0], mark[1], end=True)

    def _toc(self, parent: Element, block: ast.TableOfContents) -> None:
        scope = block.scope_bookmark
        if scope in self._tocs.scopes and block.levels is not None:
            low, high = block.levels
            name = self.state.bookmarks.word_name(scope)
            instruction = fields.toc_instruction(low, high, name)
            toc.write_toc(parent, instruction, self._tocs.scopes[scope], self.state.styles)
        else:
            instruction = fields.toc_instruction(block.min_level, block.max_level)
            toc.write_toc(parent, instruction, self._tocs.entries, self.state.styles)

    def _paragraph(self, parent: Element, node: ast.Paragraph, frame: Frame) -> None:
        align = node.align or frame.align or _sole_image_alignment(node)
        indent = frame.indent + node.indent * INDENT_STEP
        p = self.new_paragraph(
            parent,
            "Scroll Caption" if node.caption else frame.text_style,
            frame,
            align=align,
            indent_left=indent or None,
            keep_next=_leads_in(node.children) or _only_images(node.children),
        )
        self.inlines.write(p, node.children, RunFormat(bold=frame.bold), frame)
        _set_direction(p, node.children)

    def _bold_line(
        self,
        parent: Element,
        text: str,
        frame: Frame,
        *,
        keep_next: bool,
        color: str | None = None,
        space_before: int | None = None,
    ) -> Element:
        options = {} if space_before is None else {"space_before": space_before}
        p = self.new_paragraph(parent, frame.text_style, frame, keep_next=keep_next, **options)
        if text:
            self.inlines.text_run(p, text, RunFormat(bold=True, color=color))
        return p

    def _horizontal_rule(self, parent: Element) -> None:
        p = etree.SubElement(parent, qn("w:p"))
        borders = sub(sub(p, "w:pPr"), "w:pBdr")
        sub(borders, "w:bottom", "single", sz="6", space="1", color="C1C7D0")

    def _list(self, parent: Element, block: ast.ListBlock, frame: Frame) -> None:
        ilvl = min(frame.list_depth, 8)
        num_id = self.lists.new_list(ordered=block.ordered, ilvl=ilvl, start=block.start)
        style = list_style_name(block.ordered, frame.list_depth + 1)
        inner = frame.indented(level_indent(ilvl), list_depth=frame.list_depth + 1)
        for item in block.items:
            first, blocks = _split_first_paragraph(item.blocks)
            p = self.new_paragraph(parent, style, frame, num=(num_id, ilvl), align=frame.align)
            if first is not None:
                self.inlines.write(p, first.children, RunFormat(bold=frame.bold), frame)
                _set_direction(p, first.children)
            self.write(parent, blocks, inner)

    def _task_list(self, parent: Element, block: ast.TaskList, frame: Frame) -> None:
        ilvl = min(frame.list_depth, 8)
        style = list_style_name(False, frame.list_depth + 1)
        inner = frame.indented(level_indent(ilvl), list_depth=frame.list_depth + 1)
        for item in block.items:
            first, blocks = _split_first_paragraph(item.blocks)
            p = self.new_paragraph(
                parent, style, frame, indent_left=level_indent(ilvl), hanging=HANGING
            )
            glyphs = DECISION_GLYPHS if block.decisions else TASK_GLYPHS
            self.inlines.text_run(p, glyphs[item.checked] + "\t", RunFormat())
            if first is not None:
                self.inlines.write(p, first.children, RunFormat(bold=frame.bold), frame)
            self.write(parent, blocks, inner)

    def _admonition(self, parent: Element, box: ast.Admonition, frame: Frame) -> None:
        fill, border, accent = ADMONITION_COLOURS[box.kind]
        bar = box.title_background if box.title else None
        title_cell, cell, inner = tables.write_box(
            parent,
            frame,
            fill=box.background or fill,
            border=box.border_color or border,
            accent=accent,
            title_fill=bar,
        )
        inner = inner.inside(text_style=f"Scroll {box.kind.capitalize()}")
        if box.title and title_cell is not None and bar:
            colour = readable_text_colour(bar)
            self._bold_line(title_cell, box.title, inner, keep_next=True, color=colour)
        elif box.title:
            self._bold_line(cell, box.title, inner, keep_next=True)
        self.write(cell, box.blocks, inner)
        tables.close_cell(cell)

    def _page_break(self, parent: Element) -> None:
        last = last_child(parent)
        # Right after a section break (which starts a new page) or another page
        # break, a page break would only leave a blank page.
        if last is None or not (sections.ends_section(last) or sections.is_page_break(last)):
            page_break(parent)

    def _oriented(self, parent: Element, block: ast.OrientedSection, frame: Frame) -> None:
        if (
            self._section is None
            or self._in_oriented_section
            or parent.tag != qn("w:body")
            or sections.is_landscape(self._section) == block.landscape
        ):
            self.write(parent, block.blocks, frame)
            return
        headings = self._detach_trailing_headings(parent)
        last = last_child(parent)
        if last is not None and sections.is_page_break(last):
            parent.remove(last)  # the section break starts a new page by itself
            last = last_child(parent)
        if last is None or not sections.ends_section(last):
            before = sections.oriented(
                self._section, landscape=not block.landscape, first=self.section_breaks == 0
            )
            sections.end_section_at(parent, last, before)
            self.section_breaks += 1
        for heading in headings:
            parent.append(heading)
        turned = sections.oriented(self._section, landscape=block.landscape)
        self._in_oriented_section = True
        self.images.max_height_twips = _image_height(turned)
        try:
            self.write(parent, block.blocks, frame.inside(width=sections.text_width(turned)))
        finally:
            self._in_oriented_section = False
            self.images.max_height_twips = _image_height(self._section)
        sections.end_section_at(parent, last_child(parent), turned)

    def _detach_trailing_headings(self, parent: Element) -> list[Element]:
        """Headings just before a new section introduce its content: they move
        into it rather than end the page before it on their own."""
        heading_ids = {self.state.styles.id(f"Scroll Heading {n}") for n in range(1, 10)}
        detached: list[Element] = []
        last = last_child(parent)
        while last is not None and last.tag == qn("w:p") and not sections.ends_section(last):
            keeps_with_next = last.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
            if not keeps_with_next and _style_of(last) not in heading_ids:
                break
            before = last.getprevious()
            if before is None:
                break
            parent.remove(last)
            detached.insert(0, last)
            last = before
        return detached


def _set_direction(p: Element, inlines: list[ast.Inline]) -> None:
    """Right-to-left when the paragraph's first strongly directional character is."""
    for node in ast.walk_inlines(inlines):
        if type(node) is ast.Text:
            direction = scripts.first_strong_direction(node.text)
            if direction is not None:
                if direction:
                    scripts.set_right_to_left(p)
                return


def readable_text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (``#rrggbb``), by
    WCAG 2 relative luminance."""
    hex_digits = fill.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(d * 2 for d in hex_digits)
    try:
        rgb = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return "000000"
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    against_white = 1.05 / (luminance + 0.05)
    against_black = (luminance + 0.05) / 0.05
    return "FFFFFF" if against_white > against_black else "000000"


def _only_images(inlines: list[ast.Inline]) -> bool:
    """A figure keeps with the next paragraph, which is often its caption."""
    found = False
    for node in inlines:
        if isinstance(node, ast.Text):
            if node.text.strip():
                return False
        elif isinstance(node, ast.Image) and node.file:
            found = True
        else:
            return False
    return found


def _leads_in(inlines: list[ast.Inline]) -> bool:
    """Whether a paragraph ends in a colon: it introduces what follows (a list, code,
    a table) and stays on its page."""
    last = inlines[-1] if inlines else None
    while isinstance(last, ast.Styled | ast.Colored | ast.Link) and last.children:
        last = last.children[-1]
    return isinstance(last, ast.Text) and last.text.rstrip().endswith(":")


def _image_height(section: Element | None) -> int:
    return sections.text_height(section) - IMAGE_CAPTION_ROOM


def _style_of(p: Element) -> str | None:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))


def _split_first_paragraph(
    blocks: list[ast.Block],
) -> tuple[ast.Paragraph | None, list[ast.Block]]:
    """A list item's first paragraph goes on the numbered line; the rest follow it."""
    if blocks and isinstance(blocks[0], ast.Paragraph):
        return blocks[0], blocks[1:]
    return None, blocks


def _sole_image_alignment(node: ast.Paragraph) -> str | None:
    if len(node.children) == 1 and isinstance(node.children[0], ast.Image):
        return node.children[0].align
    return None
