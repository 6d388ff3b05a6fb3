"""A real client opens what we write: LibreOffice converts a rich export to PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pressroom.export.docx import Person, TemplateContext, write_docx
from tests.export.docx.conftest import LibreOffice
from tests.export.docx.sample import make_png, rich_document

pytestmark = pytest.mark.libreoffice


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def test_rich_document_converts_to_pdf(libreoffice: LibreOffice, tmp_path: Path) -> None:
    image = make_png(tmp_path / "picture.png")
    source = tmp_path / "rich.docx"
    context = TemplateContext(
        title="Rich sample", space_name="Documentation", exporter=Person("Ada Lovelace")
    )
    warnings = write_docx(rich_document(image), source, context=context)
    assert warnings == []
    pdf = libreoffice.convert(source)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for expected in (
        "Rich sample",
        "Ada Lovelace",
        "Page 1: Installing the product",
        "Nested bullet one",
        "Lead writer",
        "greet.py",
        "Good to know",
        "Landscape content",
        "A very deep heading",
    ):
        assert expected in text
    pages = pdf_pages(pdf)
    assert len(pages) >= 5
    assert any(w > h for w, h in pages), "the landscape section has landscape pages"
    assert any(w < h for w, h in pages)
