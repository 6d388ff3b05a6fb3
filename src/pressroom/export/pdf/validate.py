"""Checking an uploaded PDF template: read the .zip, then typeset a sample document
with it (in the limited child process) so that a broken template is refused at upload
with Typst's message, file and line, never at export time."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from pressroom.export import ast
from pressroom.export.docx.template_context import Person, TemplateContext
from pressroom.export.pdf.compile import CompileFailed, CompileLimits
from pressroom.export.pdf.templates import TemplateInvalid, read_template_zip
from pressroom.export.pdf.writer import write_pdf

SAMPLE_LIMITS: Final = CompileLimits(seconds=60.0, memory_bytes=2 * 1024**3)
_OUR_FOLDER: Final = re.compile(r"(?<![\w/])/?template/")


def sample_document() -> ast.Document:
    """A short document with what templates style: headings, text, lists, a table, code."""
    text = ast.Paragraph([ast.Text("Sample text with "), ast.Styled("strong", [ast.Text("bold")])])
    table = ast.Table(
        [
            ast.TableRow([ast.TableCell([ast.Paragraph([ast.Text("Name")])], header=True)], True),
            ast.TableRow([ast.TableCell([ast.Paragraph([ast.Text("Value")])])]),
        ]
    )
    return ast.Document(
        "Sample",
        [
            ast.Heading(1, [ast.Text("Sample page")], ["sample"], page_title=True),
            text,
            ast.Heading(2, [ast.Text("Section")]),
            ast.ListBlock(False, [ast.ListItem([ast.Paragraph([ast.Text("Item")])])]),
            table,
            ast.CodeBlock("print('sample')", "python"),
            ast.Admonition("info", [text]),
        ],
    )


def validate_pdf_template(
    data: bytes, name: str, *, max_bytes: int, max_uncompressed: int
) -> list[str]:
    """The template's warnings; :class:`TemplateInvalid` when it cannot be used."""
    template = read_template_zip(data, name, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    context = TemplateContext(
        title="Sample",
        space_name="Sample space",
        exporter=Person("Sample Exporter", "sample"),
        export_date=datetime.now(UTC),
        template_name=name,
    )
    with tempfile.TemporaryDirectory(prefix="pdf-template-") as folder:
        try:
            warnings = write_pdf(
                sample_document(),
                Path(folder) / "sample.pdf",
                template=template,
                context=context,
                limits=SAMPLE_LIMITS,
                strict=True,
            )
        except CompileFailed as exc:
            where = _OUR_FOLDER.sub("", exc.diagnostic.strip()) if exc.diagnostic else ""
            detail = f"\n{where}" if where else ""
            raise TemplateInvalid(
                f"typesetting a sample document failed: {exc.message}{detail}"
            ) from exc
    return warnings
