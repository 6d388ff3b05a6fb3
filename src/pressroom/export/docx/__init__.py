"""The Word (.docx) writer: document tree + Word template → .docx."""

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
