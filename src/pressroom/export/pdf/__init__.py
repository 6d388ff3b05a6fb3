"""The PDF writer: document tree + PDF template → Typst → .pdf.

    from pressroom.export.pdf import builtin_template, write_pdf

    warnings = write_pdf(document, Path("out.pdf"),
                         template=builtin_template(DOCUMENTATION_ID), context=context)

Modules: ``writer`` (the entry point), ``plan`` (labels decided before writing),
``blocks``/``inlines``/``tables``/``images`` (markup), ``escape`` (the one function
through which content text reaches Typst), ``document_data`` (``document.json``),
``settings`` (template.yaml knobs), ``templates`` (built-in and uploaded templates),
``compile``/``compile_worker`` (Typst in a limited child process), ``coverage``
(characters no font has), ``typst/`` (the Typst side: content functions, layout).
"""

from pressroom.export.pdf.compile import (
    CompileCancelled,
    CompileFailed,
    CompileLimits,
)
from pressroom.export.pdf.settings import PdfSettings, SettingsInvalid
from pressroom.export.pdf.templates import (
    ALIASES,
    ARTICLE_ID,
    BUILTIN_PDF_TEMPLATES,
    DOCUMENTATION_ID,
    PdfTemplate,
    TemplateInvalid,
    builtin_template,
    builtin_zip,
    canonical_id,
    read_template_zip,
)
from pressroom.export.pdf.writer import write_pdf

__all__ = [
    "ALIASES",
    "ARTICLE_ID",
    "BUILTIN_PDF_TEMPLATES",
    "DOCUMENTATION_ID",
    "CompileCancelled",
    "CompileFailed",
    "CompileLimits",
    "PdfSettings",
    "PdfTemplate",
    "SettingsInvalid",
    "TemplateInvalid",
    "builtin_template",
    "builtin_zip",
    "canonical_id",
    "read_template_zip",
    "write_pdf",
]
