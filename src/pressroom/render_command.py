"""``pressroom render``: storage-format content to Word or PDF, offline. Kept apart
from the rest of the command, and parsed with argparse rather than the CLI framework,
so that rendering one page starts without importing the server or its libraries."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

DESCRIPTION = (
    "Render storage-format content to Word or PDF offline (no server, no database); "
    "the format follows the extension of --out."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressroom render", description=DESCRIPTION)
    parser.add_argument("path", type=Path, help="A storage-format .xml file or a page-tree folder")
    parser.add_argument(
        "-o", "--out", type=Path, required=True, help="The file to write: .docx or .pdf"
    )
    parser.add_argument(
        "--template", help="A built-in template id, or a .docx (Word) or .zip (PDF) template"
    )
    parser.add_argument("--scope", choices=("current", "descendants"), default="descendants")
    return parser


def main(argv: Sequence[str]) -> int:
    """Runs ``pressroom render`` with ``argv`` (the words after ``render``); the exit code."""
    parser = _parser()
    args = parser.parse_args(list(argv))
    from pressroom.export.docx import TEMPLATE_ID
    from pressroom.export.folder import FolderInvalid
    from pressroom.export.render import render_path

    out: Path = args.out
    if out.suffix.lower() not in (".docx", ".pdf"):
        parser.error("--out must end in .docx or .pdf")
    template: str | None = args.template
    template_id = None
    if template is not None:  # the PDF writer is imported only when it has a say
        from pressroom.export.pdf import BUILTIN_PDF_TEMPLATES
        from pressroom.export.pdf import canonical_id as canonical_pdf_id

        template_id = canonical_pdf_id(template)
    builtin = template in (None, TEMPLATE_ID) or template_id in BUILTIN_PDF_TEMPLATES
    template_path = None if builtin else Path(str(template))
    if template_path is not None and not template_path.is_file():
        parser.error(f"no template file {template_path}")
    try:
        warnings = render_path(
            args.path,
            out,
            template=template_path,
            scope="current" if args.scope == "current" else "descendants",
            template_id=template_id if builtin else None,
        )
    except FolderInvalid as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        if _is_pdf_failure(exc):
            print(f"the PDF could not be made: {exc}", file=sys.stderr)
            return 2
        raise
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {out}")
    return 0


def _is_pdf_failure(error: Exception) -> bool:
    """Whether the PDF writer could not make the file (a template or Typst error)."""
    if "pressroom.export.pdf" not in sys.modules:
        return False
    from pressroom.export.pdf import CompileFailed, TemplateInvalid

    return isinstance(error, TemplateInvalid | CompileFailed)
