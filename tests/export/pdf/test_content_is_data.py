"""Content is data, never code: Typst syntax in a page prints as written, in every
place content reaches the PDF (text, headings, code, tables, links, alt texts)."""

from __future__ import annotations

from pathlib import Path

from pressroom.export import ast
from pressroom.export.docx import TemplateContext
from pressroom.export.pdf import builtin_template, write_pdf
from tests.export.pdf.conftest import Render
from tests.pdf_reading import pdftotext, uri_links

HOSTILE = [
    '#read("/etc/passwd")',
    '#import "/etc/hostname": *',
    '#include "/etc/hosts"',
    "#sys.inputs",
    "#pagebreak()",
    "C:\\temp\\new",
    "$x^2$",
    "@fig-1",
    "<label>",
    "*not bold*",
    "_not em_",
    "// not a comment",
    "/* nor this */",
    '"quoted" ]) [ #{',
    "`raw`",
    "= not a heading",
]


def _storage(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped


def test_typst_syntax_in_a_page_prints_literally(render: Render) -> None:
    body = "".join(f"<p>{_storage(line)}</p>" for line in HOSTILE)
    body += f"<h2>{_storage(HOSTILE[0])}</h2>"
    body += "<table><tbody><tr><th>" + _storage(HOSTILE[1]) + "</th></tr>"
    body += "<tr><td>" + _storage(HOSTILE[3]) + "</td></tr></tbody></table>"
    body += (
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python'
        "</ac:parameter><ac:plain-text-body><![CDATA["
        + "\n".join(HOSTILE)
        + "]]></ac:plain-text-body></ac:structured-macro>"
    )
    body += '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">#sys.inputs'
    body += "</ac:parameter><ac:rich-text-body><p>$ box $</p></ac:rich-text-body>"
    body += "</ac:structured-macro>"
    body += '<p><a href="https://example.com/a&quot;)#read(&quot;x">link "text" #x</a></p>'
    pdf, warnings = render({"Hostile #title.xml": body})
    text = pdftotext(pdf).replace("\u200b", "")
    for line in HOSTILE:
        assert line in text, line
    assert "root:" not in text  # /etc/passwd was never read
    assert 'link "text" #x' in text
    assert 'https://example.com/a")#read("x' in uri_links(pdf)
    assert "Hostile #title" in text
    assert not [w for w in warnings if "Typesetting" in w], warnings


def test_hostile_metadata_and_template_texts_stay_text(tmp_path: Path) -> None:
    title = 'Report"); #read("/etc/passwd") // ]'
    document = ast.Document(
        title,
        [ast.Heading(1, [ast.Text(title)], ["t"], page_title=True), ast.Paragraph([ast.Text("x")])],
    )
    template = builtin_template("com.k15t.scroll.pdf.default-template-documentation")
    assert template is not None
    context = TemplateContext(title=title, space_name="{page} $scroll.title #sys")
    out = tmp_path / "out.pdf"
    write_pdf(document, out, template=template, context=context, strict=True)
    text = pdftotext(out)
    assert title in text
    assert "{page} $scroll.title #sys" in text  # a value is never read as a template
