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
from pathlib import Path
from typing import IO, Any, Final, cast

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from pressroom.export import ast
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx import scripts, sections, toc
from pressroom.export.docx.body import ExportCancelled, Frame
from pressroom.export.docx.chunks import (
    CancelCheck,
    ChunkResult,
    ChunkWriter,
    ProgressCallback,
    WriterSetup,
    merged_warnings,
    render_processes,
    write_body,
)
from pressroom.export.docx.default_template import default_template_bytes
from pressroom.export.docx.images import PictureParts
from pressroom.export.docx.inlines import shown_date
from pressroom.export.docx.numbering import ListNumbering, abstract_of_style
from pressroom.export.docx.oxml import Element, clean_text, new_container, qn, sub
from pressroom.export.docx.package import DateTime, mark_body, save_package
from pressroom.export.docx.placeholders import Marker, TemplateRenderer
from pressroom.export.docx.plan import BodyPlan, TemplateIds, plan_body
from pressroom.export.docx.styles import StyleCatalog, merge_missing_styles
from pressroom.export.docx.tables import CELL_MARGIN, close_cell
from pressroom.export.docx.template_context import TemplateContext
from pressroom.export.docx.template_files import load_template
from pressroom.export.failures import is_strict
from pressroom.export.output import CappedOutput

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
    processes: int | None = None,
) -> list[str]:
    """Write ``document`` as .docx to ``out`` using ``template`` (None: the built-in
    default template). Returns the writer's warnings (not ``document.warnings``);
    raises :class:`ExportCancelled` when ``is_cancelled`` says so, and
    :class:`~pressroom.errors.TooLarge` as soon as the file passes ``max_bytes``.
    A long body is written on ``processes`` processes (None: as many as
    :func:`~pressroom.export.docx.chunks.render_processes` allows one export)."""
    writer = DocxWriter(template, context or TemplateContext(title=document.title))
    with cyclic_collector_paused(), contextlib.ExitStack() as files:
        if max_bytes is not None:
            target = files.enter_context(out.open("wb")) if isinstance(out, Path) else out
            out = cast(IO[bytes], CappedOutput(target, max_bytes))
        return writer.write(
            document,
            out,
            progress=progress,
            is_cancelled=is_cancelled,
            processes=render_processes() if processes is None else processes,
        )


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
        self._styles = StyleCatalog(self._package.styles.element)
        self._template_names: frozenset[str] = frozenset()

    def write(
        self,
        document: ast.Document,
        out: Path | IO[bytes],
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
        processes: int = 1,
    ) -> list[str]:
        """Plan the body, write its chunks (on ``processes`` processes when it is
        long), then the included pages, and save the package."""
        markers = self._render_placeholders()
        body = self._package.element.find(qn("w:body"))
        final_section = body.find(qn("w:sectPr"))
        content = next((m for m in markers if m.kind == "content"), None)
        section = (
            sections.governing_section(content.paragraph, final_section)
            if content
            else final_section
        )
        includes = self._included_pages(markers)
        numbering = self._numbering()
        plan, pictures = self._plan(document, [b for _, b in includes], numbering.first_free_id)
        toc.refresh_template_tocs(body, plan.tocs.entries, self._styles)
        setup = WriterSetup(
            styles=self._styles,
            section=None if section is None else etree.tostring(section),
            frame=Frame(width=sections.text_width(section), table_shift=self._table_shift()),
            locale=self._context.locale,
            strict=is_strict(),
            content_ends_body=content is not None and content.paragraph.getnext() is section,
        )
        results = write_body(
            setup,
            plan,
            document.blocks,
            section,
            processes=processes,
            progress=progress,
            is_cancelled=is_cancelled,
        )
        results += self._write_includes(setup, plan, includes, section)
        self._mark_content(content, body)
        self._apply(results, pictures, numbering)
        if any(result.section_breaks for result in results) and final_section is not None:
            sections.strip_first_page(final_section)
        self._finish(document)
        fragments = [result.xml for result in results[: len(plan.chunks)]]
        save_package(self._package, out, fragments, _zip_date(self._context))
        return [*self._warnings, *pictures.warnings, *merged_warnings(results)]

    def _plan(
        self, document: ast.Document, includes: list[list[ast.Block]], first_list: int
    ) -> tuple[BodyPlan, PictureParts]:
        part = self._package.part
        rids = _RelationshipIds(part)
        pictures = PictureParts(part, rids.new)

        def hyperlink(url: str) -> str:
            rid = rids.new()
            part.load_rel(RT.HYPERLINK, url, rid, is_external=True)
            return rid

        locale = self._context.locale
        spelling = ast.TextSpelling(date=lambda iso: shown_date(iso, locale))
        tocs = toc.plan_tocs(document.blocks, spelling)
        plan = plan_body(
            document.blocks, includes, tocs, self._template_ids(first_list), pictures, hyperlink
        )
        return plan, pictures

    def _apply(
        self, results: list[ChunkResult], pictures: PictureParts, numbering: ListNumbering
    ) -> None:
        """Give the package what the chunks wrote: their lists, the relationships the
        plan did not foresee, and a warning per link to a missing bookmark."""
        part = self._package.part
        placed: set[str] = set(self._template_names)
        linked: set[str] = set()
        for result in results:
            for planned in result.lists:
                numbering.add(planned)
            for rid, reltype, target in result.relationships:
                if reltype == RT.HYPERLINK:
                    part.load_rel(RT.HYPERLINK, target, rid, is_external=True)
                else:
                    pictures.embed_at(Path(target), rid)
            placed |= result.placed
            linked |= result.linked
        for name in sorted(linked - placed)[:100]:
            self._warnings.append(f"Link to {name} has no target in the document")

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

    def _numbering(self) -> ListNumbering:
        styles = self._package.styles.element
        numbering = self._package.part.numbering_part.element
        return ListNumbering(
            numbering,
            bullet_abstract=abstract_of_style(
                styles, numbering, self._styles.id("Scroll List Bullet")
            ),
            ordered_abstract=abstract_of_style(
                styles, numbering, self._styles.id("Scroll List Number")
            ),
        )

    def _template_ids(self, first_list: int) -> TemplateIds:
        """Bookmark names and ids, drawing ids and list ids the template uses already."""
        names: set[str] = set()
        bookmark_ids: list[int] = []
        drawing_ids: list[int] = []
        for root in self._story_roots():
            for mark in root.iter(qn("w:bookmarkStart")):
                names.add(mark.get(qn("w:name")) or "")
                bookmark_ids.append(_int(mark.get(qn("w:id"))))
            drawing_ids += [_int(d.get("id")) for d in root.iter(qn("wp:docPr"))]
        self._template_names = frozenset(names)
        return TemplateIds(
            bookmark_names=self._template_names,
            last_bookmark=max(bookmark_ids, default=0),
            last_drawing=max(drawing_ids, default=0),
            first_list=first_list,
        )

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

    def _included_pages(self, markers: list[Marker]) -> list[tuple[Marker, list[ast.Block]]]:
        """The blocks of each ``$scroll.includepage`` (or a placeholder saying why not)."""
        render = self._context.render_include
        includes: list[tuple[Marker, list[ast.Block]]] = []
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
            includes.append((marker, included))
        return includes

    def _write_includes(
        self,
        setup: WriterSetup,
        plan: BodyPlan,
        includes: list[tuple[Marker, list[ast.Block]]],
        section: Element | None,
    ) -> list[ChunkResult]:
        """Write each included page where its marker was, with the ids planned for it."""
        results: list[ChunkResult] = []
        for (marker, blocks), chunk in zip(includes, plan.includes, strict=True):
            writer = ChunkWriter(setup, plan, chunk, blocks, section)
            container = new_container()
            writer.blocks.write(container, blocks, setup.frame)
            for child in list(container):
                marker.paragraph.addprevious(child)
            _remove_paragraph(marker.paragraph)
            results.append(writer.result(b""))
        return results

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


class _RelationshipIds:
    """New relationship ids of the document part, skipping those the template uses."""

    def __init__(self, document_part: Any) -> None:
        self._rels = document_part.rels
        self._counter = 0

    def new(self) -> str:
        while True:
            self._counter += 1
            rid = f"rIdPx{self._counter}"
            if rid not in self._rels:
                return rid


def _zip_date(context: TemplateContext) -> DateTime:
    """The export's date as the date of every entry: the same document, the same bytes."""
    when = context.export_date or dt.datetime.now(dt.UTC)
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)


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
