"""Word templates: placeholders (Scroll syntax and Jinja, split across runs, in body,
headers and footers), where content goes, style merging, upload validation."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import (
    Person,
    TemplateContext,
    TemplateInvalid,
    default_template_bytes,
    template_context,
    validate_template,
)
from pressroom.export.docx.template_context import format_java_date
from tests.export.docx.conftest import NS, WriteDocument
from tests.export.docx.sample import para

EXPORTED = dt.datetime(2024, 3, 5, 14, 7, 9)
LIMITS = {"max_bytes": 5_000_000, "max_uncompressed": 50_000_000}


def context(**changes: object) -> TemplateContext:
    values: dict[str, object] = {
        "title": "Install Guide",
        "page_id": "557060",
        "space_key": "DOC",
        "space_name": "Documentation",
        "export_date": EXPORTED,
        "exporter": Person("Ada Lovelace", "ada", "ada@example.com"),
        "page_properties": {"Owner": "Team Blue"},
        "version_name": "2.0",
    }
    values.update(changes)
    return TemplateContext(**values)  # type: ignore[arg-type]


def split_paragraph(container: object, *pieces: str) -> None:
    """A paragraph whose text Word stored in several runs."""
    p = container.add_paragraph()  # type: ignore[attr-defined]
    for piece in pieces:
        p.add_run(piece)


def make_template(path: Path, *paragraphs: tuple[str, ...], header: tuple[str, ...] = ()) -> Path:
    document = docx.Document()
    for pieces in paragraphs:
        split_paragraph(document, *pieces)
    if header:
        section = document.sections[0]
        section.header.paragraphs[0].text = ""
        for piece in header:
            section.header.paragraphs[0].add_run(piece)
        section.footer.paragraphs[0].add_run("$scroll.spa")
        section.footer.paragraphs[0].add_run("ce.key")
    document.save(str(path))
    return path


def body_texts(out: object) -> list[str]:
    return [out.text(p) for p in out.xpath("//w:body/w:p")]  # type: ignore[attr-defined]


def test_split_scroll_placeholders_in_body_header_and_footer(
    write: WriteDocument, tmp_path: Path
) -> None:
    template = make_template(
        tmp_path / "t.docx",
        ("Title: $scr", "oll.ti", "tle", " (", "$scroll.pageid", ")"),
        ("By $scroll.exporter.fullName <$scroll.exporter.email>",),
        ("$scroll.content",),
        header=("$scroll.", "title", " \u2013 ", "$scroll.space.name"),
    )
    out = write([para("Body text")], template=template, context=context())
    assert body_texts(out) == [
        "Title: Install Guide (557060)",
        "By Ada Lovelace <ada@example.com>",
        "Body text",
    ]
    header = out.part("word/header1.xml")
    assert (
        "".join(header.xpath("//w:t/text()", namespaces=NS)) == "Install Guide \u2013 Documentation"
    )
    footer = out.part("word/footer1.xml")
    assert "".join(footer.xpath("//w:t/text()", namespaces=NS)) == "DOC"
    assert out.warnings == []


def test_dates_page_properties_and_version_forms(write: WriteDocument, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        ('$scroll.exportdate.("yyyy-MM-dd")',),
        ("$scroll.exportdate(dd.MM.yy HH:mm)",),
        ("$scroll.exportdate.(\u201cEEEE, d MMMM yyyy\u201d)",),
        ("$scroll.pageproperty.(Owner) / $scroll.version.name",),
        ("$scroll.custom.(k15t-scroll-document-versions-for-confluence, version-name)",),
    )
    out = write([], template=template, context=context())
    assert body_texts(out) == [
        "2024-03-05",
        "05.03.24 14:07",
        "Tuesday, 5 March 2024",
        "Team Blue / 2.0",
        "2.0",
    ]


def test_unknown_placeholders_stay_literal_and_warn(write: WriteDocument, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        ("$scroll.nonsense and $!scroll.modifier.fullName.",),
        ("{{ no_such_thing }}",),
    )
    out = write([], template=template, context=context())
    assert body_texts(out)[:2] == ["$scroll.nonsense and .", "{{ no_such_thing }}"]
    assert any("$scroll.nonsense" in w for w in out.warnings)
    assert any("no_such_thing" in w for w in out.warnings)


def test_jinja_expressions_and_paragraph_level_blocks(write: WriteDocument, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        (
            "{{ ti",
            "tle }} in {{ space.name|upper }}",
        ),
        ("{% if version_name %}",),
        ("Version {{ version_name }}",),
        ("{% endif %}",),
        ("{% for label in pagelabels %}",),
        ("Label {{ label }}",),
        ("{% endfor %}",),
        ("Exported {{ exportdate|date('yyyy') }} by {{ exporter.fullName }}",),
    )
    out = write([], template=template, context=context(page_labels=["a", "b<c>"]))
    assert body_texts(out) == [
        "Install Guide in DOCUMENTATION",
        "Version 2.0",
        "Label a",
        "Label b<c>",
        "Exported 2024 by Ada Lovelace",
    ]


def test_jinja_is_sandboxed(write: WriteDocument, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx", ("{{ title.__class__.__mro__[1].__subclasses__() }}",)
    )
    out = write([para("content")], template=template, context=context())
    assert "subclasses" not in " ".join(body_texts(out)).replace("__subclasses__", "")
    assert "content" in body_texts(out)
    assert out.warnings


def test_content_goes_where_the_marker_is_else_first(write: WriteDocument, tmp_path: Path) -> None:
    marked = make_template(tmp_path / "m.docx", ("Before",), ("$scroll.", "content"), ("After",))
    out = write([para("Body")], template=marked, context=context())
    assert body_texts(out) == ["Before", "Body", "After"]
    unmarked = make_template(tmp_path / "u.docx", ("Appendix",))
    out = write([para("Body")], template=unmarked, context=context())
    assert body_texts(out) == ["Body", "Appendix"]


def test_include_page_placeholder_renders_that_page(write: WriteDocument, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx", ("$scroll.includepage.(DOC:Legal notice)",), ("$scroll.content",)
    )
    asked: list[str] = []

    def render(reference: str) -> list[ast.Block] | None:
        asked.append(reference)
        return [para("Legal text")]

    out = write([para("Body")], template=template, context=context(render_include=render))
    assert asked == ["DOC:Legal notice"]
    assert body_texts(out) == ["Legal text", "Body"]


def test_template_styles_win_and_missing_ones_are_merged(
    write: WriteDocument, tmp_path: Path
) -> None:
    document = docx.Document()
    code_style = document.styles.add_style("Scroll Code", 1)
    code_style.font.name = "Courier New"
    document.add_paragraph("$scroll.content")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    out = write(
        [ast.CodeBlock("x = 1"), ast.Admonition("info", [para("i")])],
        template=path,
        context=context(),
    )
    code_id = out.style_id("Scroll Code")
    (style,) = out.styles.xpath(f"//w:style[@w:styleId='{code_id}']", namespaces=NS)
    assert style.xpath(".//w:rFonts/@w:ascii", namespaces=NS) == ["Courier New"]
    assert out.paragraphs_in("Scroll Code")
    assert out.paragraphs_in("Scroll Info")
    assert out.style_id("Scroll Heading 1")


def test_dotx_templates_open(write: WriteDocument, tmp_path: Path) -> None:
    source = make_template(tmp_path / "t.docx", ("$scroll.title",))
    dotx = tmp_path / "t.dotx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dotx, "w") as dst:
        for entry in src.infolist():
            data = src.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(entry, data)
    out = write([], template=dotx, context=context())
    assert body_texts(out) == ["Install Guide"]


def test_default_template_cover_page(write: WriteDocument) -> None:
    out = write([para("Body")], context=context())
    texts = body_texts(out)
    assert texts[0] == "Install Guide"
    assert texts[1] == "Documentation"
    assert texts[2:4] == ["Exported on 5 March 2024", "by Ada Lovelace"]  # no version given
    assert "Body" in texts
    assert out.warnings == []


def test_dates_in_the_exports_locale(write: WriteDocument, tmp_path: Path) -> None:
    pytest.importorskip("babel")
    template = make_template(tmp_path / "t.docx", ('$scroll.exportdate.("EEEE, d. MMMM yyyy")',))
    out = write([], template=template, context=context(locale="de-DE"))
    assert body_texts(out)[0] == "Dienstag, 5. M\u00e4rz 2024"


@pytest.mark.parametrize("babel", [True, False], ids=["babel", "built-in"])
def test_java_date_patterns(babel: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not babel:
        monkeypatch.setattr(template_context, "_babel_dates", lambda: None)
    moment = dt.datetime(2024, 12, 1, 9, 5, 3)
    assert format_java_date(moment, "yyyy-MM-dd'T'HH:mm:ss") == "2024-12-01T09:05:03"
    assert format_java_date(moment, "d MMM yy, h:mm a") == "1 Dec 24, 9:05 AM"
    assert format_java_date(moment, "EEE 'o''clock'") == "Sun o'clock"


# ---------------------------------------------------------------------------
# Validation of uploads
# ---------------------------------------------------------------------------


def test_valid_templates_pass() -> None:
    assert validate_template(default_template_bytes(), **LIMITS) == []


def test_not_a_zip_is_invalid() -> None:
    with pytest.raises(TemplateInvalid, match="not a zip"):
        validate_template(b"%PDF-1.4 not a docx", **LIMITS)


def test_zip_without_document_is_invalid() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TemplateInvalid, match=r"word/document\.xml"):
        validate_template(buffer.getvalue(), **LIMITS)


def test_zip_bombs_are_invalid() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * 60_000_000)
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(TemplateInvalid, match="unpacks to more than"):
        validate_template(data, **LIMITS)
    with pytest.raises(TemplateInvalid, match="zip bomb"):
        validate_template(data, max_bytes=5_000_000, max_uncompressed=10**9)


def test_oversized_uploads_are_invalid() -> None:
    with pytest.raises(TemplateInvalid, match="larger than"):
        validate_template(b"x" * 100, max_bytes=10, max_uncompressed=100)


def test_placeholder_problems_are_reported(tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        ("$scroll.content",),
        (
            "$scroll.con",
            "tent",
        ),
        ("{% if title %}",),
        ("$scroll.bogus",),
    )
    problems = validate_template(template.read_bytes(), **LIMITS)
    assert any("appears 2 times" in p for p in problems)
    assert any("Jinja syntax error" in p for p in problems)
    assert any("$scroll.bogus" in p for p in problems)


def test_ids_do_not_clash_with_the_templates_own(
    write: WriteDocument, tmp_path: Path, png: Path
) -> None:
    document = docx.Document()
    logo = document.sections[0].header.paragraphs[0].add_run()
    logo.add_picture(str(png))
    intro = document.add_paragraph("Intro")
    start = intro._p.makeelement(f"{{{NS['w']}}}bookmarkStart")
    start.set(f"{{{NS['w']}}}id", "1")
    start.set(f"{{{NS['w']}}}name", "Install")
    intro._p.append(start)
    end = intro._p.makeelement(f"{{{NS['w']}}}bookmarkEnd")
    end.set(f"{{{NS['w']}}}id", "1")
    intro._p.append(end)
    document.add_paragraph("$scroll.content")
    path = tmp_path / "logo.docx"
    document.save(str(path))
    out = write(
        [ast.Heading(1, [ast.Text("Install")], bookmarks=["Install"]), para(ast.Image(file=png))],
        template=path,
        context=context(),
    )
    header = out.part("word/header1.xml")
    drawing_ids = out.xpath("//wp:docPr/@id") + header.xpath("//wp:docPr/@id", namespaces=NS)
    assert len(drawing_ids) == len(set(drawing_ids)) == 2
    bookmark_ids = out.xpath("//w:bookmarkStart/@w:id")
    assert len(bookmark_ids) == len(set(bookmark_ids))
    names = out.xpath("//w:bookmarkStart/@w:name")
    assert names.count("Install") == 1


def test_lists_number_with_the_templates_list_style_definition(
    write: WriteDocument, tmp_path: Path
) -> None:
    document = docx.Document()
    bullet = document.styles.add_style("Scroll List Bullet", 1)
    ppr = bullet.element.get_or_add_pPr()
    num_pr = ppr.makeelement(f"{{{NS['w']}}}numPr")
    num_id = num_pr.makeelement(f"{{{NS['w']}}}numId")
    num_id.set(f"{{{NS['w']}}}val", "1")  # the blank document's "List Bullet" numbering
    num_pr.append(num_id)
    ppr.insert(0, num_pr)
    document.add_paragraph("$scroll.content")
    path = tmp_path / "lists.docx"
    document.save(str(path))
    out = write([ast.ListBlock(False, [ast.ListItem([para("item")])])], template=path)
    numbering = out.part("word/numbering.xml")
    template_abstract = numbering.xpath("w:num[@w:numId='1']/w:abstractNumId/@w:val", namespaces=NS)
    (item,) = out.paragraphs_in("Scroll List Bullet")
    used = item.xpath("w:pPr/w:numPr/w:numId/@w:val", namespaces=NS)[0]
    abstract = numbering.xpath(f"w:num[@w:numId='{used}']/w:abstractNumId/@w:val", namespaces=NS)
    assert abstract == template_abstract
    assert used != "1"  # a list of its own, restarting


def test_broken_document_parts_are_invalid() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(TemplateInvalid, match="not well-formed"):
        validate_template(buffer.getvalue(), **LIMITS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(TemplateInvalid, match="cannot use this file"):
        validate_template(buffer.getvalue(), **LIMITS)


def test_jinja_runtime_errors_leave_the_template_as_it_is(
    write: WriteDocument, tmp_path: Path
) -> None:
    template = make_template(tmp_path / "t.docx", ("{{ 1 + title }}",), ("$scroll.title",))
    out = write([], template=template, context=context())
    assert body_texts(out) == ["{{ 1 + title }}", "Install Guide"]
    assert any("Jinja" in w for w in out.warnings)


def test_tables_line_up_with_the_text_in_older_templates(
    write: WriteDocument, tmp_path: Path
) -> None:
    table = ast.Table(rows=[ast.TableRow([ast.TableCell([para("x")])])])
    modern = write([table])
    assert not modern.xpath("//w:tblInd")
    older = make_template(tmp_path / "word2010.docx", ("$scroll.content",))  # compat mode 14
    shifted = write([table], template=older)
    assert shifted.xpath("//w:tbl/w:tblPr/w:tblInd/@w:w") == ["108"]


def test_control_characters_in_values_do_not_break_the_export(write: WriteDocument) -> None:
    out = write(
        ast.Document("Bad\x00title\x1b", [para("x")]),
        context=context(title="Bad\x07 title", exporter=Person("Ada\x0b")),
    )
    assert body_texts(out)[0] == "Bad title"
    assert out.package.core_properties.title == "Badtitle"


def test_default_template_without_context_shows_no_placeholders(write: WriteDocument) -> None:
    out = write(ast.Document("Only a title", [para("x")]))
    furniture = [out.part(f"word/{name}.xml") for name in ("header1", "footer1")]
    texts = [out.text(out.body)] + ["".join(p.itertext()) for p in furniture]
    assert not any("$" in text for text in texts)
    assert body_texts(out)[0] == "Only a title"


def test_a_templates_own_toc_is_filled_with_the_documents_headings(
    write: WriteDocument, tmp_path: Path
) -> None:
    w = NS["w"]
    toc_xml = f"""<w:sdt xmlns:w="{w}"><w:sdtContent>
      <w:p><w:r><w:t>Contents</w:t></w:r></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>
        <w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Old entry 1</w:t></w:r></w:p>
      <w:p><w:r><w:t>Old entry 2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
    </w:sdtContent></w:sdt>"""
    document = docx.Document()
    document.element.body.insert(0, etree.fromstring(toc_xml))
    document.add_paragraph("$scroll.content")
    path = tmp_path / "toc.docx"
    document.save(str(path))
    out = write(
        [ast.Heading(1, [ast.Text("Alpha")]), ast.Heading(2, [ast.Text("Beta")])],
        template=path,
        context=context(),
    )
    sdt_texts = [out.text(p) for p in out.xpath("//w:sdtContent/w:p")]
    assert sdt_texts == ["Contents", "Alpha", "Beta"]
    assert (
        len(out.xpath("//w:sdtContent//w:fldChar[@w:fldCharType='begin']")) == 3
    )  # TOC + 2 PAGEREF


def test_jinja_block_lines_inside_table_cells_keep_cells_valid(
    write: WriteDocument, tmp_path: Path
) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).paragraphs[0].text = "{% set greeting = 'Hi' %}"
    table.cell(0, 1).paragraphs[0].text = "{{ greeting }} {{ title }}"
    document.add_paragraph("$scroll.content")
    path = tmp_path / "cells.docx"
    document.save(str(path))
    out = write([para("x")], template=path, context=context())
    cells = out.xpath("//w:tc")
    assert [out.text(cell) for cell in cells] == ["", "Hi Install Guide"]
    for cell in cells:
        assert cell[-1].tag == f"{{{NS['w']}}}p"
