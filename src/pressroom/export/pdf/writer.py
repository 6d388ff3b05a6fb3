"""The PDF writer: document tree + PDF template → Typst markup → .pdf.

The compile folder is private to one export and holds only what Typst may read:
``main.typ`` (the body), ``document.json`` (metadata and knobs, as data),
``pressroom.typ``/``layout.typ`` (our functions and the built-in layout), the
template's files under ``template/`` and the pictures under ``images/``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Final

from pressroom.export import ast
from pressroom.export.docx.template_context import TemplateContext
from pressroom.export.pdf.blocks import BlockWriter
from pressroom.export.pdf.code import format_functions
from pressroom.export.pdf.compile import CompileLimits, CompileRequest, compile_pdf
from pressroom.export.pdf.coverage import uncovered
from pressroom.export.pdf.document_data import document_data
from pressroom.export.pdf.images import ImageFolder
from pressroom.export.pdf.inlines import WriterState
from pressroom.export.pdf.plan import plan_labels
from pressroom.export.pdf.templates import FONT_SUFFIXES, PdfTemplate

LAYOUT_FILES: Final = {
    name: resources.files("pressroom.export.pdf").joinpath("typst", name).read_text("utf-8")
    for name in ("pressroom.typ", "layout.typ")
}
BUILTIN_TEMPLATE_TYP: Final = '#import "/layout.typ": template\n'
MAIN_HEAD: Final = (
    '#import "/pressroom.typ": *\n#import "/template/template.typ": template\n'
    "#show: template.with(doc)\n\n"
)

Progress = Callable[[int, int], None]


def write_pdf(
    document: ast.Document,
    out: Path,
    *,
    template: PdfTemplate,
    context: TemplateContext,
    limits: CompileLimits | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    strict: bool = False,
    warm: bool = False,
) -> list[str]:
    """Write ``document`` as PDF to ``out``; returns the warnings. Raises
    :class:`CompileFailed` or :class:`CompileCancelled` from the compile. ``warm``:
    small documents may use this process's warm compile process (export workers)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=out.parent) as folder:
        root = Path(folder) / "root"
        root.mkdir()
        # Typst takes PDF pictures (kept compressed) only outside PDF/A and PDF/UA.
        images = ImageFolder(root, wrap=not template.settings.standard)
        state = WriterState(plan_labels(document.blocks), images, context.locale)
        fonts = _prepare(root, template)
        try:
            _write_main(root, document, state, strict)
        finally:
            late = images.finish()
        for picture in late:
            state.warn(f"Image {picture.source.name} left out: {picture.problem}", picture.page)
        data = document_data(document, template, context, state)
        (root / "document.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        if progress:
            progress(1, 2)
        request = CompileRequest(
            root=root,
            main="main.typ",
            output=out,
            standards=[template.settings.standard] if template.settings.standard else [],
            font_paths=fonts,
            timestamp=context.export_date,
        )
        typst_warnings = compile_pdf(request, limits or CompileLimits(), is_cancelled, warm)
        if progress:
            progress(2, 2)
        missing = uncovered(state.chars, _font_files(fonts))
    if missing:
        sample = "".join(missing[:20])
        state.warnings.append(
            f"{len(missing)} characters have no font on this server and print as boxes: {sample}"
        )
    return [*state.warnings, *(f"Typesetting: {w}" for w in dict.fromkeys(typst_warnings))]


def _prepare(root: Path, template: PdfTemplate) -> list[Path]:
    """Our Typst files and the template's files in the compile folder; the folders of
    the template's fonts."""
    for name, text in LAYOUT_FILES.items():
        (root / name).write_text(text, "utf-8")
    folder = root / "template"
    folder.mkdir()
    fonts: set[Path] = set()
    for name, content in template.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        if target.suffix.lower() in FONT_SUFFIXES:
            fonts.add(target.parent)
    if template.typst_source is None:
        (folder / "template.typ").write_text(BUILTIN_TEMPLATE_TYP, "utf-8")
    return sorted(fonts)


def _font_files(folders: list[Path]) -> list[Path]:
    return [p for folder in folders if folder.is_dir() for p in folder.iterdir()]


def _write_main(root: Path, document: ast.Document, state: WriterState, strict: bool) -> None:
    writer = BlockWriter(state, strict=strict)
    with (root / "main.typ").open("w", encoding="utf-8") as main:
        main.write(MAIN_HEAD)
        main.write(format_functions())
        for markup in writer.blocks(document.blocks):
            main.write(markup)
