"""The Word (.docx) writer: document tree + Word template → .docx.

    from pressroom.export.docx import Person, TemplateContext, write_docx

    context = TemplateContext(title="Install Guide", space_name="Docs",
                              exporter=Person("Ada Lovelace", "ada", "ada@example.com"))
    warnings = write_docx(document, Path("out.docx"), template=None, context=context)

``template=None`` uses the built-in default template (:data:`TEMPLATE_ID`). Uploaded
templates are checked with :func:`validate_template` (raises :class:`TemplateInvalid`).

Modules: ``writer`` (the entry point), ``plan`` (every document-wide id, decided
before writing), ``chunks`` (the body written chunk by chunk, on a process pool when
long), ``blocks``/``inlines``/``tables``/``images``/``code`` (body XML),
``numbering``, ``styles``, ``fields``, ``toc``, ``sections``,
``placeholders``/``scroll_values``/``template_context`` (template placeholders),
``template_files`` (uploads), ``default_template``, ``package`` (the package with the
body streamed into it), ``oxml`` (element builders).
"""

from pressroom.export.docx.default_template import (
    TEMPLATE_ID,
    TEMPLATE_NAME,
    default_template_bytes,
)
from pressroom.export.docx.template_context import Person, TemplateContext
from pressroom.export.docx.template_files import TemplateInvalid, validate_template
from pressroom.export.docx.writer import DocxWriter, ExportCancelled, write_docx

__all__ = [
    "TEMPLATE_ID",
    "TEMPLATE_NAME",
    "DocxWriter",
    "ExportCancelled",
    "Person",
    "TemplateContext",
    "TemplateInvalid",
    "default_template_bytes",
    "validate_template",
    "write_docx",
]
