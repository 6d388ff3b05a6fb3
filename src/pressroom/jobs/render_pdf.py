"""The PDF export of one job: as the Word one up to the document tree, then Typst."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from pressroom.content.models import Content
from pressroom.content.templates import TemplateLimits
from pressroom.errors import InvalidInput, TooLarge
from pressroom.export import pdf
from pressroom.export.ast import Document
from pressroom.export.docx import TemplateContext
from pressroom.export.docx.template_context import format_java_date
from pressroom.jobs.pdf_slots import SlotWaitCancelled, pdf_slot
from pressroom.jobs.progress import Checkpoint, JobCancelled
from pressroom.jobs.render import WordRenderer, export_file_name, safe_title
from pressroom.jobs.templates import JobTemplate

# Scroll PDF's artifact file name pattern, e.g.
# ${document.title}-v${document.rootPage.revision}-${export.date("yyyyMMdd_HHmmss")}
_PATTERN_FIELD: Final = re.compile(r"\$\{([\w.]+)(?:\(\s*\"?([^\")]*)\"?\s*\))?\}")


class PdfRenderer(WordRenderer):
    """Renders export jobs to PDF; shares collecting and assembling with Word."""

    exporter = "pdf"
    exporter_extension = "pdf"

    def _write(
        self,
        document: Document,
        template: JobTemplate,
        context: TemplateContext,
        folder: Path,
        checkpoint: Checkpoint,
    ) -> tuple[Path, list[str]]:
        chosen = self._template(template)
        target = folder / "export.pdf"
        partial = folder / "export.pdf.partial"
        limits = pdf.CompileLimits(
            seconds=self.settings.job_timeout_seconds,
            memory_bytes=self.settings.pdf_memory_limit_mb * 1024**2,
        )
        slots = self.settings.home / "locks" / safe_title(self.settings.node_id)
        try:
            with pdf_slot(slots, self.settings.pdf_max_concurrent_jobs, checkpoint.is_cancelled):
                warnings = pdf.write_pdf(
                    document,
                    partial,
                    template=chosen,
                    context=context,
                    limits=limits,
                    progress=checkpoint.progress,
                    is_cancelled=checkpoint.is_cancelled,
                    warm=True,
                )
        except (pdf.CompileCancelled, SlotWaitCancelled) as exc:
            partial.unlink(missing_ok=True)
            raise JobCancelled from exc
        except pdf.CompileFailed as exc:
            partial.unlink(missing_ok=True)
            raise _failure(exc, uploaded=template.path is not None) from exc
        os.replace(partial, target)
        return target, warnings

    def _template(self, template: JobTemplate) -> pdf.PdfTemplate:
        if template.path is None:
            builtin = pdf.builtin_template(template.builtin_id or pdf.DOCUMENTATION_ID)
            assert builtin is not None
            return builtin
        limits = TemplateLimits.of(self.settings)
        try:
            return pdf.read_template_zip(
                template.path.read_bytes(),
                template.name,
                max_bytes=limits.max_bytes,
                max_uncompressed=limits.max_uncompressed,
            )
        except pdf.TemplateInvalid as exc:
            raise InvalidInput(f"The PDF template {template.name} cannot be used: {exc}") from exc

    def _file_name(self, root: Content, template: JobTemplate, context: TemplateContext) -> str:
        pattern = self._template(template).settings.file_name
        stamp = self.clock().strftime("%Y%m%d_%H%M%S")
        if not pattern:
            return export_file_name(root.title, root.version, stamp, "pdf")
        moment = self.clock()

        def field(match: re.Match[str]) -> str:
            name, argument = match.group(1), match.group(2)
            if name == "export.date":
                return format_java_date(moment, argument or "yyyyMMdd_HHmmss", context.locale)
            values = {
                "document.title": context.title or root.title,
                "document.rootPage.revision": str(root.version),
                "document.rootPage.title": root.title,
                "space.key": context.space_key,
                "space.name": context.space_name,
                "template.name": template.name,
            }
            return values.get(name, match.group(0))

        return f"{safe_title(_PATTERN_FIELD.sub(field, pattern))}.pdf"


def _failure(exc: pdf.CompileFailed, uploaded: bool) -> Exception:
    """What the job's owner is told. Typst refusing a built-in template is our bug (content
    reaches Typst as data only): an internal error, logged with Typst's words."""
    if exc.kind == "memory":
        return TooLarge(
            f"{exc.message} Export fewer pages at once, or ask an administrator to raise "
            "PRESSROOM_PDF_MEMORY_LIMIT_MB."
        )
    if exc.kind == "time":
        return TooLarge(f"{exc.message} Export fewer pages at once.")
    if exc.kind == "typst" and uploaded:
        detail = (
            f" ({exc.diagnostic.strip().splitlines()[1].strip()})"
            if exc.diagnostic.count("\n")
            else ""
        )
        return InvalidInput(f"The PDF template failed while typesetting: {exc.message}{detail}")
    return RuntimeError(f"{exc.message} {exc.diagnostic}".strip())
