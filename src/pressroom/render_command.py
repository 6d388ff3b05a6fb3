"""``pressroom render``: storage-format content to Word or PDF, offline. Kept apart
from the rest of the command so that it starts without importing the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def render(
    path: Annotated[Path, typer.Argument(help="A storage-format .xml file or a page-tree folder")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The file to write: .docx or .pdf")],
    template: Annotated[
        str | None,
        typer.Option(help="A built-in template id, or a .docx (Word) or .zip (PDF) template"),
    ] = None,
    scope: Annotated[str, typer.Option(help="current or descendants")] = "descendants",
) -> None:
    """Render storage-format content to Word or PDF offline (no server, no database);
    the format follows the extension of --out."""
    from pressroom.export.docx import TEMPLATE_ID
    from pressroom.export.folder import FolderInvalid
    from pressroom.export.render import render_path

    if scope not in ("current", "descendants"):
        raise typer.BadParameter("scope must be 'current' or 'descendants'")
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise typer.BadParameter("--out must end in .docx or .pdf")
    template_id = None
    if template is not None:  # the PDF writer is imported only when it has a say
        from pressroom.export.pdf import BUILTIN_PDF_TEMPLATES
        from pressroom.export.pdf import canonical_id as canonical_pdf_id

        template_id = canonical_pdf_id(template)
    builtin = template in (None, TEMPLATE_ID) or template_id in BUILTIN_PDF_TEMPLATES
    template_path = None if builtin else Path(str(template))
    if template_path is not None and not template_path.is_file():
        raise typer.BadParameter(f"no template file {template_path}")
    try:
        warnings = render_path(
            path,
            out,
            template=template_path,
            scope="current" if scope == "current" else "descendants",
            template_id=template_id if builtin else None,
        )
    except FolderInvalid as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except Exception as exc:
        _explain_pdf_failure(exc)
        raise
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"wrote {out}")


def _explain_pdf_failure(error: Exception) -> None:
    """Exit 2 with the reason when the PDF writer could not make the file."""
    from pressroom.export.pdf import CompileFailed, TemplateInvalid

    if isinstance(error, TemplateInvalid | CompileFailed):
        typer.echo(f"the PDF could not be made: {error}", err=True)
        raise typer.Exit(2) from error
