"""Page and section breaks as a careful person leaves them: never a blank page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from pressroom.export import ast
from pressroom.export.docx import write_docx
from tests.export.docx.conftest import NS, LibreOffice, W, WriteDocument, Written
from tests.export.docx.sample import para, sample_table


def title(level: int, text: str) -> ast.Heading:
    return ast.Heading(level, [ast.Text(text)], [f"page-{text}"], page_title=True)


def flow(out: Written) -> list[str]:
    """The body after the template's own content as a list of kinds: ``section``
    (a paragraph ending a section), ``break`` (a page-break paragraph) or its text."""
    children = list(out.body)
    start = next(
        i
        for i, c in enumerate(children)
        if c.xpath("w:pPr/w:pStyle[@w:val='ScrollHeading1']", namespaces=NS)
    )
    kinds = []
    for child in children[start:]:
        if child.tag in (W + "sectPr", W + "tbl"):
            kinds.append(child.tag.split("}")[1])
            continue
        ends = child.find(f"{W}pPr/{W}sectPr") is not None
        if child.xpath("w:r/w:br[@w:type='page']", namespaces=NS) and not out.text(child):
            kinds.append("break")
        elif ends:
            kinds.append(f"{out.text(child)}|section" if out.text(child) else "section")
        else:
            kinds.append(out.text(child) or child.tag.split("}")[1])
    return kinds


def test_page_break_after_a_section_break_is_dropped(write: WriteDocument) -> None:
    out = write(
        [
            title(1, "Start"),
            title(2, "Storage"),
            ast.OrientedSection(True, [para("wide")]),
            ast.PageBreak(),
            title(2, "Admin"),
        ]
    )
    assert flow(out) == ["Start|section", "Storage", "wide|section", "Admin", "sectPr"]


def test_portrait_inside_a_portrait_document_adds_no_section(write: WriteDocument) -> None:
    out = write(
        [
            title(1, "Start"),
            para("intro"),
            ast.OrientedSection(True, [para("wide")]),
            ast.OrientedSection(False, [para("tall")]),
            ast.PageBreak(),
            title(2, "Next"),
        ]
    )
    assert flow(out) == [
        "Start",
        "intro|section",
        "wide|section",
        "tall",
        "break",
        "Next",
        "sectPr",
    ]
    orientations = [s.xpath("w:pgSz/@w:orient", namespaces=NS) for s in out.xpath("//w:sectPr")]
    assert orientations == [[], ["landscape"], []]


def test_page_break_before_a_section_break_and_repeated_breaks_collapse(
    write: WriteDocument,
) -> None:
    out = write(
        [
            title(1, "Start"),
            para("before"),
            ast.PageBreak(),
            ast.OrientedSection(True, [para("wide")]),
            para("after"),
            ast.PageBreak(),
            ast.PageBreak(),
            para("last"),
        ]
    )
    assert flow(out) == [
        "Start",
        "before|section",
        "wide|section",
        "after",
        "break",
        "last",
        "sectPr",
    ]


def test_heading_before_a_landscape_section_moves_into_it(write: WriteDocument) -> None:
    out = write(
        [
            title(1, "Start"),
            para("text"),
            ast.PageBreak(),
            title(2, "Wide page"),
            ast.OrientedSection(True, [sample_table()]),
            para("after"),
        ]
    )
    kinds = flow(out)
    assert kinds[:3] == ["Start", "text|section", "Wide page"]
    assert kinds[3:] == ["tbl", "section", "after", "sectPr"]
    (closing,) = [p for p in out.xpath("//w:p[w:pPr/w:sectPr]") if not out.text(p)]
    spacing = closing.find(f"{W}pPr/{W}spacing")
    assert spacing is not None and spacing.get(W + "lineRule") == "exact"


def test_landscape_content_at_the_end_makes_the_last_section_landscape(
    write: WriteDocument,
) -> None:
    out = write([title(1, "Start"), para("text"), ast.OrientedSection(True, [para("wide")])])
    assert flow(out) == ["Start", "text|section", "wide", "sectPr"]
    final = out.body[-1]
    assert final.xpath("w:pgSz/@w:orient", namespaces=NS) == ["landscape"]
    assert not final.xpath("w:titlePg", namespaces=NS)


def pdf_page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return text.split("\f")[:-1]


@pytest.mark.libreoffice
def test_no_blank_pages_around_landscape_sections(libreoffice: LibreOffice, tmp_path: Path) -> None:
    blocks: list[Any] = [
        title(1, "Start"),
        ast.PageBreak(),
        title(2, "Storage"),
        para("Portrait text before the wide table."),
        ast.OrientedSection(True, [title(3, "Comparison"), sample_table()]),
        ast.OrientedSection(False, [para("Portrait again.")]),
        ast.PageBreak(),
        title(2, "Admin"),
        para("The last chapter."),
        ast.OrientedSection(True, [para("A wide appendix."), sample_table()]),
    ]
    source = tmp_path / "flow.docx"
    write_docx(ast.Document("Flow", blocks), source)
    pages = pdf_page_texts(libreoffice.convert(source))
    # the template's header prints the running title on every page but the cover
    blank = [n for n, text in enumerate(pages, 1) if len(text.split()) < 6]
    assert blank == [], pages


def test_lead_in_paragraphs_stay_with_what_they_introduce(write: WriteDocument) -> None:
    out = write(
        [
            para("Download the bundle and load it:"),
            ast.CodeBlock("anchorage feeds load bundle.tar.zst"),
            para("Read ", ast.Styled("strong", [ast.Text("this:")])),
            para("A plain paragraph."),
        ]
    )
    keeps = {
        out.text(p): bool(p.xpath("w:pPr/w:keepNext", namespaces=NS)) for p in out.xpath("//w:p")
    }
    assert keeps["Download the bundle and load it:"]
    assert keeps["Read this:"]
    assert not keeps["A plain paragraph."]


def test_headings_after_tables_keep_their_own_room_above(write: WriteDocument) -> None:
    out = write([sample_table(), ast.Heading(2, [ast.Text("Next")]), sample_table(), para("text")])
    (heading,) = out.paragraphs_in("Scroll Heading 2")
    assert not heading.xpath("w:pPr/w:spacing", namespaces=NS), "the style's spacing applies"
    (text,) = [p for p in out.xpath("//w:p") if out.text(p) == "text"]
    assert text.xpath("w:pPr/w:spacing/@w:before", namespaces=NS) == ["160"]


def test_expand_titles_have_room_above(write: WriteDocument) -> None:
    out = write([para("before"), ast.Expand("Why?", [para("Because.")])])
    (title,) = [p for p in out.xpath("//w:p") if out.text(p) == "Why?"]
    assert title.xpath("w:pPr/w:spacing/@w:before", namespaces=NS) == ["120"]
    assert title.xpath("w:pPr/w:keepNext", namespaces=NS)


def test_short_code_blocks_stay_on_one_page(write: WriteDocument) -> None:
    short = ast.CodeBlock("line 1\nline 2\nline 3\n", title="Example")
    long = ast.CodeBlock("\n".join(f"row {n}" for n in range(40)))
    out = write([short, long])
    code = out.paragraphs_in("Scroll Code")
    keeps = [bool(p.xpath("w:pPr/w:keepNext", namespaces=NS)) for p in code]
    assert [out.text(p) for p in code[:4]] == ["Example", "line 1", "line 2", "line 3"]
    assert keeps[:4] == [True, True, True, False]
    assert not any(keeps[4:]), "a long block may break across pages"


def test_figures_keep_with_their_caption(write: WriteDocument, png: Path) -> None:
    out = write(
        [
            para(ast.Image(file=png, align="center")),
            para(ast.Styled("em", [ast.Text("Figure 1. The caption.")])),
            para("Text with an inline ", ast.Image(file=png, width=16), " icon."),
        ]
    )
    figure, caption, inline = [
        p
        for p in out.xpath("//w:p")
        if p.xpath(".//w:drawing", namespaces=NS) or "Figure 1" in out.text(p)
    ]
    assert figure.xpath("w:pPr/w:keepNext", namespaces=NS)
    assert not caption.xpath("w:pPr/w:keepNext", namespaces=NS)
    assert not inline.xpath("w:pPr/w:keepNext", namespaces=NS)


def test_default_header_and_footer_span_the_text_width(write: WriteDocument) -> None:
    out = write([para("x")])
    for name, right_text in (("header1", None), ("footer1", "Page")):
        part = out.part(f"word/{name}.xml")
        (table,) = part.xpath("//w:tbl", namespaces=NS)
        assert table.xpath("w:tblPr/w:tblW/@w:type", namespaces=NS) == ["pct"]
        left, right = table.xpath(".//w:tc/w:p", namespaces=NS)
        assert left.xpath("w:pPr/w:jc/@w:val", namespaces=NS) == ["left"]
        assert right.xpath("w:pPr/w:jc/@w:val", namespaces=NS) == ["right"]
        if right_text:
            assert "".join(right.xpath(".//w:t/text()", namespaces=NS)).startswith(right_text)


@pytest.mark.libreoffice
def test_page_numbers_sit_at_the_right_margin_of_landscape_pages_too(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    source = tmp_path / "furniture.docx"
    blocks = [title(1, "Start"), para("portrait"), ast.OrientedSection(True, [para("wide")])]
    write_docx(ast.Document("Furniture", blocks), source)
    pdf = libreoffice.convert(source)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = html.split("<page ")[1:]
    assert len(pages) >= 3
    for page in pages[1:]:  # the cover page has no footer
        width = float(page.split('width="')[1].split('"')[0])
        total = page.split("<word ")[-1]  # the footer's "Page n of total" ends the page
        x_end = float(total.split('xMax="')[1].split('"')[0])
        assert abs(width - 56.7 - x_end) < 6, "ends at the 2 cm right margin"
