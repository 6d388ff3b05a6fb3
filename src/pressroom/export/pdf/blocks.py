"""Block nodes to Typst markup.

Page breaks and page orientation exist only at the top level of the document (Typst
refuses them inside boxes, lists and tables); inside containers they are left out.
A block whose writing fails costs that block: a visible placeholder and a warning
naming the page (``strict`` raises instead, for tests).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Final

from pressroom.export import ast
from pressroom.export.failures import failure_detail, is_strict
from pressroom.export.pdf.code import CodeMarkup
from pressroom.export.pdf.escape import markup_text, typst_string
from pressroom.export.pdf.inlines import InlineWriter, WriterState
from pressroom.export.pdf.plan import MAX_HEADING_LEVEL
from pressroom.export.pdf.tables import write_table


class BlockWriter:
    def __init__(self, state: WriterState, strict: bool = False) -> None:
        self.state = state
        self.inlines = InlineWriter(state)
        self.code = CodeMarkup()
        self.strict = strict
        self.depth = 0  # 0: the top level of the document
        self._previous: ast.Block | None = None  # the last top-level block written

    def write(self, blocks: list[ast.Block]) -> str:
        return "".join(self.blocks(blocks))

    def blocks(self, blocks: list[ast.Block]) -> Iterator[str]:
        """Each block's markup; a picture with its caption below becomes one figure."""
        index = 0
        while index < len(blocks):
            block = blocks[index]
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if is_caption(following) and only_pictures(block):
                yield self._figure(block, following)  # type: ignore[arg-type]
                index += 2
                continue
            yield self.block(block)
            index += 1

    def _figure(self, picture: ast.Paragraph, caption: ast.Paragraph) -> str:
        if self.depth == 0:
            self._previous = caption
        image = self.inlines.write(picture.children)
        text = self.inlines.write(caption.children)
        return f"#pr-figure([{image}], [{text}])\n\n"

    def nested(self, blocks: list[ast.Block]) -> str:
        self.depth += 1
        try:
            return self.write(blocks)
        finally:
            self.depth -= 1

    def block(self, block: ast.Block) -> str:
        if self.depth == 0:
            previous, self._previous = self._previous, block
            if isinstance(block, ast.PageBreak) and isinstance(previous, ast.Heading):
                return ""  # a page with nothing but its title: its children follow on
        try:
            markup = self._block(block)
            if isinstance(block, SETS_DIRECTION) and markup and block_right_to_left(block):
                return f"#pr-rtl[{markup.rstrip()}]\n\n"
            return markup
        except Exception as exc:
            if self.strict or is_strict():
                raise
            name = ast.node_label(block)
            self.state.warn(f"{name} left out: it could not be typeset ({failure_detail(exc)})")
            return f"#pr-mono[{markup_text(f'[{name} left out]')}]\n\n"

    def _block(self, block: ast.Block) -> str:
        match block:
            case ast.Heading():
                return self._heading(block)
            case ast.Paragraph():
                return self._paragraph(block)
            case ast.BlockQuote(blocks=body):
                return f"#quote[{self.nested(body)}]\n\n"
            case ast.CodeBlock():
                return self.code.write(block)
            case ast.HorizontalRule():
                return "#pr-rule-line()\n\n"
            case ast.ListBlock():
                return self._list(block)
            case ast.TaskList():
                return self._tasks(block)
            case ast.Table():
                return write_table(block, self.nested)
            case ast.Admonition():
                return self._admonition(block)
            case ast.Expand(title=title, blocks=body):
                return f"#pr-expand({typst_string(title)})[{self.nested(body)}]\n\n"
            case ast.TableOfContents():
                return self._toc(block)
            case ast.PageBreak():
                return "#pagebreak(weak: true)\n\n" if self.depth == 0 else ""
            case ast.OrientedSection():
                return self._oriented(block)
            case ast.Columns():
                return self._columns(block)
            case ast.Index():
                return "#heading(level: 1, numbering: none)[#strings.index]\n#pr-index()\n\n"
        nested = getattr(block, "blocks", None)
        return self.nested(nested) if isinstance(nested, list) else ""

    def _heading(self, heading: ast.Heading) -> str:
        if heading.page_title:
            self.state.page = ast.inline_text(heading.children)
        label = self.state.plan.heading_labels.get(id(heading))
        body = self.inlines.write(heading.children)
        attach = f" <{label}>" if label else ""
        if heading.level > MAX_HEADING_LEVEL:
            return f"#pr-deep-heading[{body}]{attach}\n\n"
        return f"#heading(level: {max(1, heading.level)})[{body}]{attach}\n\n"

    def _paragraph(self, paragraph: ast.Paragraph) -> str:
        body = self.inlines.write(paragraph.children)
        if not body:
            return ""
        if is_caption(paragraph):
            body = f"#pr-caption[{body}]"
        if paragraph.align in ("center", "right"):
            body = f"#align({paragraph.align})[{body}]"
        elif paragraph.align == "justify":
            body = f"#par(justify: true)[{body}]"
        if paragraph.indent > 0:
            body = f"#pad(left: {min(paragraph.indent, 10) * 22.5}pt)[{body}]"
        return body + "\n\n"

    def _list(self, block: ast.ListBlock) -> str:
        items = ", ".join(f"[{self.nested(item.blocks).strip()}]" for item in block.items)
        if not items:
            return ""
        if block.ordered:
            return f"#enum(start: {max(0, min(block.start, 10**9))}, {items})\n\n"
        return f"#list({items})\n\n"

    def _tasks(self, block: ast.TaskList) -> str:
        items = "".join(
            f"({str(task.checked).lower()}, [{self.nested(task.blocks).strip()}]),"
            for task in block.items
        )
        decisions = str(block.decisions).lower()
        return f"#pr-tasks(({items}), decisions: {decisions})\n\n" if items else ""

    def _admonition(self, box: ast.Admonition) -> str:
        options = [typst_string(box.kind)]
        if box.title:
            options.append(f"title: {typst_string(box.title)}")
        for name, colour in (
            ("background", box.background),
            ("border", box.border_color),
            ("title-background", box.title_background),
        ):
            if colour and _is_colour(colour):
                options.append(f'{name}: "{colour}"')
        return f"#pr-admonition({', '.join(options)})[{self.nested(box.blocks)}]\n\n"

    def _toc(self, toc: ast.TableOfContents) -> str:
        plan = self.state.plan
        low, high = toc.levels or (toc.min_level, toc.max_level)
        high = min(max(high, 1), MAX_HEADING_LEVEL)
        options = [f"min: {min(max(low, 1), high)}", f"max: {high}"]
        if toc.scope_bookmark and (start := plan.target(toc.scope_bookmark)):
            options.append(f"after: <{start}>")
            if end := plan.section_ends.get(start):
                options.append(f"before: <{end}>")
        return f"#pr-toc({', '.join(options)})\n\n"

    def _oriented(self, section: ast.OrientedSection) -> str:
        if self.depth > 0:
            return self.nested(section.blocks)
        flipped = "not settings.landscape" if section.landscape else "settings.landscape"
        self.depth += 1
        try:
            body = self.write(section.blocks)
        finally:
            self.depth -= 1
        return f"#page(flipped: {flipped})[{body}]\n\n"

    def _columns(self, block: ast.Columns) -> str:
        if not block.columns:
            return ""
        widths = [c.width_percent for c in block.columns]
        if all(w and w > 0 for w in widths):
            sizes = ", ".join(f"{w:.2f}fr" for w in widths if w)
        else:
            sizes = ", ".join("1fr" for _ in widths)
        cells = ", ".join(f"[{self.nested(c.blocks)}]" for c in block.columns)
        return f"#grid(columns: ({sizes},), column-gutter: 14pt, {cells})\n\n"


def _is_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


def is_caption(block: ast.Block | None) -> bool:
    """The caption of the pictures just above (the reader puts it in a paragraph)."""
    return isinstance(block, ast.Paragraph) and block.caption


def only_pictures(block: ast.Block) -> bool:
    if not isinstance(block, ast.Paragraph) or not block.children:
        return False
    return all(
        isinstance(node, ast.Image) or (isinstance(node, ast.Text) and not node.text.strip())
        for node in block.children
    )


# Blocks that run right to left when their first strong character is Arabic, Hebrew …:
# the text from the right margin, list markers, heading numbers and table columns too.
SETS_DIRECTION: Final = (ast.Paragraph, ast.Heading, ast.ListBlock, ast.TaskList, ast.Table)


def block_right_to_left(block: ast.Block) -> bool:
    for inlines in ast.text_runs([block]):
        for character in ast.inline_text(inlines):
            direction = unicodedata.bidirectional(character)
            if direction in ("R", "AL"):
                return True
            if direction == "L":
                return False
    return False
