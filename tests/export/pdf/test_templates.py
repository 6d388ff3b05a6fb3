"""PDF templates: template.yaml knobs, template.typ, and what a bad upload is told."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pressroom.export.pdf import TemplateInvalid, read_template_zip
from pressroom.export.pdf.validate import validate_pdf_template
from tests.export.pdf.conftest import Render
from tests.pdf_reading import outline, page_texts, pdfinfo

LIMITS = {"max_bytes": 10 * 1024**2, "max_uncompressed": 50 * 1024**2}


def template_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PAGES = {
    "01 Guide.xml": "<h1>Install</h1><p>Text.</p><h2>Deep</h2><p>More.</p>"
    '<p>See <ac:link ac:anchor="Deep"><ac:plain-text-link-body><![CDATA[below]]>'
    "</ac:plain-text-link-body></ac:link>.</p>",
}


def test_yaml_knobs_shape_the_document(render: Render, tmp_path: Path) -> None:
    knobs = """
paper: us-letter
cover: false
toc: false
numbering: false
header: {left: "Manual of $scroll.title", right: ""}
footer: {center: "sheet {page} of {pages} sheets", right: ""}
bookmarks: {depth: 1}
link_suffix: " (see page {page})"
metadata: {title: "Custom $scroll.title", author: "Docs team", keywords: [alpha, beta]}
"""
    path = tmp_path / "brand.zip"
    path.write_bytes(template_zip({"template.yaml": knobs}))
    pdf, warnings = render(PAGES, template=path)
    texts = page_texts(pdf)
    assert "Manual of Guide" in texts[0]
    assert "sheet 1 of 1 sheets" in texts[0]
    assert "Contents" not in texts[0]
    assert "below (see page 1)." in texts[0]
    info = pdfinfo(pdf)
    assert info["Title"] == "Custom Guide"
    assert info["Author"] == "Docs team"
    assert info["Page size"].startswith("612 x 792")
    assert [entry.depth for entry in outline(pdf)] == [0]
    assert not warnings


def test_a_typst_template_lays_out_the_body(render: Render, tmp_path: Path) -> None:
    typ = (
        "#let template(doc, body) = {\n"
        '  set page(paper: "a5", header: [Brand: #doc.title])\n'
        "  body\n"
        "}\n"
    )
    path = tmp_path / "brand.zip"
    path.write_bytes(template_zip({"template.typ": typ}))
    pdf, _ = render(PAGES, template=path)
    assert "Brand: Guide" in page_texts(pdf)[0]
    assert pdfinfo(pdf)["Page size"].startswith("419.528 x 595.276")


def test_a_broken_template_is_refused_with_file_and_line() -> None:
    typ = '#let template(doc, body) = {\n  set page(paper: "a4"\n  body\n'
    with pytest.raises(TemplateInvalid) as refused:
        validate_pdf_template(template_zip({"template.typ": typ}), "t.zip", **LIMITS)
    assert "template.typ:" in str(refused.value)
    assert "template/" not in str(refused.value).replace("template.typ", "")


def test_a_bad_knob_names_the_line() -> None:
    with pytest.raises(TemplateInvalid) as refused:
        read_template_zip(
            template_zip({"template.yaml": "cover: false\nsize: huge\n"}), "t", **LIMITS
        )
    assert "template.yaml:2" in str(refused.value)
    assert "size" in str(refused.value)


@pytest.mark.parametrize(
    ("files", "complaint"),
    [
        ({"../evil.typ": "x"}, "plain relative paths"),
        ({"/etc/evil.typ": "x"}, "plain relative paths"),
        ({"template.typ": '#import "@preview/cetz:0.3.0": *'}, "template.typ:1"),
        ({"run.sh": "x", "template.yaml": ""}, "not allowed"),
        ({"readme.md": "x"}, "neither template.yaml nor template.typ"),
        ({"template.yaml": "logo: missing.png"}, "not in the .zip"),
    ],
)
def test_unusable_zips_are_refused(files: dict[str, str], complaint: str) -> None:
    with pytest.raises(TemplateInvalid) as refused:
        read_template_zip(template_zip(files), "t", **LIMITS)
    assert complaint in str(refused.value)


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = template_zip({"template.yaml": "", "big.txt": "0" * (60 * 1024**2)})
    assert len(bomb) < 1024**2
    with pytest.raises(TemplateInvalid) as refused:
        read_template_zip(bomb, "t", **LIMITS)
    assert "larger than allowed" in str(refused.value)


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(TemplateInvalid) as refused:
        read_template_zip(b"%PDF-1.7 not a zip", "t", **LIMITS)
    assert "not a .zip" in str(refused.value)
