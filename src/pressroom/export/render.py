"""Offline rendering: a storage file or folder tree → one .docx, no server involved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pressroom.export.assemble import ExportOptions, assemble
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx import TEMPLATE_NAME, Person, TemplateContext, write_docx
from pressroom.export.folder import SPACE_KEY, read_page_tree

Progress = Callable[[int, int], None]


def render_path(
    source: Path,
    out: Path,
    *,
    template: Path | None = None,
    scope: Literal["current", "descendants"] = "descendants",
    progress: Progress | None = None,
) -> list[str]:
    """Render ``source`` to ``out`` with ``template`` (None: the built-in default);
    returns the warnings of the reader, the assembler and the writer."""
    # Paused from reading to writing, the collector resumes once the document is freed
    # (when _render returns): resumed in between, it would walk the whole document.
    with cyclic_collector_paused():
        return _render(source, out, template, scope, progress)


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
    context = TemplateContext(
        title=tree.title,
        page_id=tree.root_id,
        space_key=SPACE_KEY,
        space_name=source.resolve().parent.name if source.is_file() else source.resolve().name,
        exporter=Person(full_name="pressroom render", name="render"),
        export_date=datetime.now(UTC),
        template_name=template.name if template else TEMPLATE_NAME,
    )
    warnings = write_docx(document, out, template=template, context=context)
    return [*document.warnings, *warnings]
