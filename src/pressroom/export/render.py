"""Offline rendering: a storage file or folder tree → one .docx or .pdf, no server
involved. The format follows the output's extension."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pressroom.export.assemble import ExportOptions, assemble
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx import TEMPLATE_NAME, Person, TemplateContext, write_docx
from pressroom.export.folder import SPACE_KEY, FolderTree, read_page_tree

Progress = Callable[[int, int], None]


def render_path(
    source: Path,
    out: Path,
    *,
    template: Path | None = None,
    scope: Literal["current", "descendants"] = "descendants",
    progress: Progress | None = None,
    template_id: str | None = None,
) -> list[str]:
    """Render ``source`` to ``out`` with ``template`` (a file; None: the built-in
    default, or the built-in ``template_id``); returns the warnings of the reader,
    the assembler and the writer."""
    # Paused from reading to writing, the collector resumes once the document is freed
    # (when _render returns): resumed in between, it would walk the whole document.
    with cyclic_collector_paused():
        if out.suffix.lower() == ".pdf":
            return _render_pdf(source, out, template, template_id, scope, progress)
        return _render(source, out, template, scope, progress)


def _context(source: Path, tree: FolderTree, template_name: str) -> TemplateContext:
    return TemplateContext(
        title=tree.title,
        page_id=tree.root_id,
        space_key=SPACE_KEY,
        space_name=source.resolve().parent.name if source.is_file() else source.resolve().name,
        exporter=Person(full_name="pressroom render", name="render"),
        export_date=datetime.now(UTC),
        template_name=template_name,
    )


def _render(
    source: Path,
    out: Path,
    template: Path | None,
    scope: Literal["current", "descendants"],
    progress: Progress | None,
) -> list[str]:
    tree = read_page_tree(source)
    options = ExportOptions(root_page_id=tree.root_id, scope=scope)
    document = assemble(tree.pages, options, progress=progress)
    context = _context(source, tree, template.name if template else TEMPLATE_NAME)
    warnings = write_docx(document, out, template=template, context=context)
    return [*document.warnings, *warnings]


def _render_pdf(
    source: Path,
    out: Path,
    template: Path | None,
    template_id: str | None,
    scope: Literal["current", "descendants"],
    progress: Progress | None,
) -> list[str]:
    from pressroom.export import pdf

    if template is not None:
        data = template.read_bytes()
        chosen = pdf.read_template_zip(
            data, template.stem, max_bytes=len(data), max_uncompressed=256 * 1024**2
        )
    else:
        found = pdf.builtin_template(template_id or pdf.DOCUMENTATION_ID)
        if found is None:
            raise pdf.TemplateInvalid(f"no built-in PDF template {template_id}")
        chosen = found
    tree = read_page_tree(source)
    options = ExportOptions(root_page_id=tree.root_id, scope=scope, exporter="pdf")
    document = assemble(tree.pages, options, progress=progress)
    context = _context(source, tree, chosen.name)
    warnings = pdf.write_pdf(document, out, template=chosen, context=context)
    return [*document.warnings, *warnings]
