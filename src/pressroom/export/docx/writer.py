"""The Word writer: a :class:`~pressroom.export.ast.Document` and a Word template
become one .docx file.

python-docx opens and saves the package and owns parts and relationships; the body
is built as lxml elements by :mod:`.blocks` (python-docx's own ``add_*`` calls
rescan the document and would make long exports quadratic).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Final, cast

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from pressroom.export import ast
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx import scripts, sections, toc
from pressroom.export.docx.blocks import BlockWriter
from pressroom.export.docx.body import (
    BodyState,
    BookmarkNames,
    ExportCancelled,
    Frame,
    Relationships,
)
from pressroom.export.docx.default_template import default_template_bytes
from pressroom.export.docx.images import ImageEmbedder
from pressroom.export.docx.numbering import ListNumbering, abstract_of_style
from pressroom.export.docx.oxml import Element, clean_text, new_container, qn, sub
from pressroom.export.docx.parallel import SecondHalf, can_fork
from pressroom.export.docx.placeholders import Marker, TemplateRenderer
from pressroom.export.docx.splice import FLUSH_EVERY, BodyChunks, mark_body, save_spliced
from pressroom.export.docx.styles import StyleCatalog, merge_missing_styles
from pressroom.export.docx.tables import CELL_MARGIN, close_cell
from pressroom.export.docx.template_context import TemplateContext
from pressroom.export.docx.template_files import load_template
from pressroom.export.output import CappedOutput

CHECKPOINT_EVERY: Final = 16  # top-level blocks between progress reports / cancel checks

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

# settings.xml children that must come after w:updateFields (CT_Settings order).
_AFTER_UPDATE_FIELDS: Final = frozenset(
    [
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
)


def write_docx(
    document: ast.Document,
    out: Path | IO[bytes],
    *,
    template: Path | None = None,
    context: TemplateContext | None = None,
    progress: ProgressCallback | None = None,
    is_cancelled: CancelCheck | None = None,
    max_bytes: int | None = None,
) -> list[str]:
    """Write ``document`` as .docx to ``out`` using ``template`` (None: the built-in
    default template). Returns the writer's warnings (not ``document.warnings``);
    raises :class:`ExportCancelled` when ``is_cancelled`` says so, and
    :class:`~pressroom.errors.TooLarge` as soon as the file passes ``max_bytes``."""
    writer = DocxWriter(template, context or TemplateContext(title=document.title))
    with cyclic_collector_paused(), contextlib.ExitStack() as files:
        if max_bytes is not None:
            target = files.enter_context(out.open("wb")) if isinstance(out, Path) else out
            out = cast(IO[bytes], CappedOutput(target, max_bytes))
        return writer.write(document, out, progress=progress, is_cancelled=is_cancelled)


@functools.cache
def _default_styles() -> bytes:
    package = docx.Document(io.BytesIO(default_template_bytes()))
    return bytes(etree.tostring(package.styles.element))


class DocxWriter:
    """One export: opens the template, renders its placeholders, writes the body."""

    def __init__(self, template: Path | None, context: TemplateContext) -> None:
        self._context = context
        self._warnings: list[str] = []
        if template is None:
            self._package: Any = docx.Document(io.BytesIO(default_template_bytes()))
        else:
            self._package = load_template(template.read_bytes())
            self._merge_default_styles()

    def write(
        self,
        document: ast.Document,
        out: Path | IO[bytes],
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> list[str]:
        markers = self._render_placeholders()
        body = self._package.element.find(qn("w:body"))
        final_section = body.find(qn("w:sectPr"))
        content = next((m for m in markers if m.kind == "content"), None)
        section = (
            sections.governing_section(content.paragraph, final_section)
            if content
            else final_section
        )
        blocks = self._block_writer(section)
        blocks.plan_tocs(document.blocks)
        blocks.images.preload(document.blocks)
        blocks.content_ends_body = content is not None and content.paragraph.getnext() is section
        toc.refresh_template_tocs(body, blocks.toc_entries, blocks.state.styles)
        frame = Frame(width=sections.text_width(section), table_shift=self._table_shift())
        with BodyChunks() as chunks:
            _write_body(document.blocks, blocks, frame, chunks, progress, is_cancelled)
            self._mark_content(content, body)
            self._resolve_includes(markers, blocks, frame)
            if blocks.section_breaks and final_section is not None:
                sections.strip_first_page(final_section)
            for name in blocks.state.bookmarks.dangling()[:100]:
                self._warnings.append(f"Link to {name} has no target in the document")
            self._finish(document)
            save_spliced(self._package, chunks, out)
        return [*self._warnings, *blocks.state.warnings]

    def _table_shift(self) -> int:
        """In documents laid out like Word 2010 (compatibility mode below 15) a table's
        border sits one cell margin left of the text; indenting by that margin lines
        tables up with the text, as they are in newer documents."""
        for setting in self._package.settings.element.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                return 0 if _int(setting.get(qn("w:val"))) >= 15 else CELL_MARGIN
        return CELL_MARGIN

    def _merge_default_styles(self) -> None:
        styles = self._package.styles.element
        default = etree.fromstring(_default_styles())
        merge_missing_styles(styles, default)

    def _render_placeholders(self) -> list[Marker]:
        renderer = TemplateRenderer(self._context, self._warnings)
        markers = renderer.render(self._package.element.find(qn("w:body")))
        for root in self._story_roots()[1:]:
            furniture_markers = renderer.render(root)
            for marker in furniture_markers:
                self._warnings.append(f"$scroll.{marker.kind} only works in the body")
        contents = [m for m in markers if m.kind == "content"]
        for extra in contents[1:]:
            self._warnings.append("$scroll.content appears more than once; only the first is used")
            _remove_paragraph(extra.paragraph)
        return [m for m in markers if m.kind != "content" or m is contents[0]]

    def _block_writer(self, section: Element | None) -> BlockWriter:
        styles = StyleCatalog(self._package.styles.element)
        numbering_element = self._package.part.numbering_part.element
        numbering = ListNumbering(
            numbering_element,
            bullet_abstract=abstract_of_style(
                self._package.styles.element, numbering_element, styles.id("Scroll List Bullet")
            ),
            ordered_abstract=abstract_of_style(
                self._package.styles.element, numbering_element, styles.id("Scroll List Number")
            ),
        )
        names, bookmark_ids, drawing_ids = self._template_ids()
        state = BodyState(
            styles=styles,
            relationships=Relationships(self._package.part),
            bookmarks=BookmarkNames(names, max(bookmark_ids, default=0) + 1),
            drawing_ids=max(drawing_ids, default=0),
            locale=self._context.locale,
        )
        return BlockWriter(state, numbering, ImageEmbedder(state), section)

    def _template_ids(self) -> tuple[set[str], list[int], list[int]]:
        """Bookmark names and ids and drawing ids the template uses already."""
        names: set[str] = set()
        bookmark_ids: list[int] = []
        drawing_ids: list[int] = []
        for root in self._story_roots():
            for mark in root.iter(qn("w:bookmarkStart")):
                names.add(mark.get(qn("w:name")) or "")
                bookmark_ids.append(_int(mark.get(qn("w:id"))))
            drawing_ids += [_int(d.get("id")) for d in root.iter(qn("wp:docPr"))]
        return names, bookmark_ids, drawing_ids

    def _story_roots(self) -> list[Element]:
        roots = [self._package.element]
        for rel in self._package.part.rels.values():
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
                roots.append(rel.target_part.element)
        return roots

    def _mark_content(self, marker: Marker | None, body: Element) -> None:
        """Mark where the body goes: the content marker, else the start of the body."""
        if marker is not None:
            mark_body(marker.paragraph)
            _remove_paragraph(marker.paragraph)
            return
        first = next(body.iterchildren(), None)
        if first is not None:
            mark_body(first)
        else:
            mark_body(body, before=False)

    def _resolve_includes(self, markers: list[Marker], blocks: BlockWriter, frame: Frame) -> None:
        render = self._context.render_include
        for marker in markers:
            if marker.kind != "includepage":
                continue
            included = render(marker.argument) if render is not None else None
            if included is None:
                missing = (
                    f"Included page not found, or not in a space you may export: {marker.argument}"
                )
                self._warnings.append(missing)
                included = [ast.Paragraph([ast.Placeholder(f"[{missing}]")])]
            container = new_container()
            blocks.write(container, included, frame)
            for child in list(container):
                marker.paragraph.addprevious(child)
            _remove_paragraph(marker.paragraph)

    def _finish(self, document: ast.Document) -> None:
        settings = self._package.settings.element
        languages = scripts.DocumentLanguages(self._context.locale)
        scripts.set_document_languages(self._package.styles.element, settings, languages)
        if settings.find(qn("w:updateFields")) is None:
            update = etree.Element(qn("w:updateFields"))
            update.set(qn("w:val"), "true")
            later = next(
                (c for c in settings if etree.QName(c).localname in _AFTER_UPDATE_FIELDS), None
            )
            if later is not None:
                later.addprevious(update)
            else:
                settings.append(update)
        properties = self._package.core_properties
        properties.title = clean_text(document.title)[:255]
        exported = self._context.export_date or dt.datetime.now(dt.UTC)
        properties.created = properties.modified = exported
        if self._context.exporter is not None:
            properties.author = properties.last_modified_by = clean_text(
                self._context.exporter.full_name
            )[:255]


def _write_body(
    content: list[ast.Block],
    blocks: BlockWriter,
    frame: Frame,
    chunks: BodyChunks,
    progress: ProgressCallback | None,
    is_cancelled: CancelCheck | None,
) -> None:
    """Write the document's blocks into ``chunks``, serialising them as they are done;
    a forked process writes the second half of a long body meanwhile."""
    half = SecondHalf.start(content, blocks, frame) if can_fork(content, blocks) else None
    if half is None:
        container = _write_blocks(
            content, 0, len(content), blocks, frame, chunks, progress, is_cancelled
        )
    else:
        try:
            container = _write_blocks(
                content, 0, half.split, blocks, frame, chunks, progress, is_cancelled
            )
            chunks.flush(container, keep_last=False)
            second = half.join(blocks, is_cancelled)
        except BaseException:
            half.stop()
            raise
        if second is not None:
            chunks.add(second)
            if progress is not None:
                progress(len(content), len(content))
            return
        # The page title the second half starts with never looks back: a fresh
        # container is what the forked writer started from too.
        container = _write_blocks(
            content, half.split, len(content), blocks, frame, chunks, progress, is_cancelled
        )
    blocks.finish(container)
    chunks.flush(container, keep_last=False)


def _write_blocks(
    content: list[ast.Block],
    start: int,
    end: int,
    blocks: BlockWriter,
    frame: Frame,
    chunks: BodyChunks,
    progress: ProgressCallback | None,
    is_cancelled: CancelCheck | None,
) -> Element:
    """Write ``content[start:end]``; returns the container still being written into."""
    container = new_container()
    total = len(content)
    for done, block in enumerate(content[start:end], start=start + 1):
        if is_cancelled is not None and done % CHECKPOINT_EVERY == 1 and is_cancelled():
            raise ExportCancelled
        blocks.write_block(container, block, frame)
        if done % FLUSH_EVERY == 0:
            container = chunks.flush(container)
        if progress is not None and (done % CHECKPOINT_EVERY == 0 or done == end):
            progress(done, total)
    return container


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _remove_paragraph(p: Element) -> None:
    parent = p.getparent()
    if parent is None:
        return
    parent.remove(p)
    if parent.tag == qn("w:tc"):
        close_cell(parent) if len(parent) > 1 else sub(parent, "w:p")


__all__ = ["DocxWriter", "ExportCancelled", "TemplateContext", "write_docx"]
