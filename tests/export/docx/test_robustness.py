"""Whatever text a wiki page holds, the writer produces a document Word can open."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import write_docx

any_text = st.text(max_size=40)


@st.composite
def documents(draw: st.DrawFn) -> ast.Document:
    words = draw(st.lists(any_text, min_size=1, max_size=4))
    anchor = draw(any_text)
    blocks: list[ast.Block] = [
        ast.Heading(draw(st.integers(1, 14)), [ast.Text(words[0])], bookmarks=[anchor]),
        ast.Paragraph(
            [
                ast.Styled("strong", [ast.Text(w)]) if i % 2 else ast.Text(w)
                for i, w in enumerate(words)
            ]
            + [
                ast.Link(ast.InternalTarget(anchor), [ast.Text(draw(any_text))]),
                ast.Link(ast.ExternalTarget(draw(any_text)), []),
                ast.Status(draw(any_text), draw(any_text)),
                ast.IndexTerm(draw(any_text)),
                ast.Date(draw(any_text)),
            ]
        ),
        ast.CodeBlock(draw(any_text), language=draw(st.sampled_from([None, "python", "xml"]))),
        ast.Table(
            rows=[
                ast.TableRow(
                    [
                        ast.TableCell(
                            [ast.Paragraph([ast.Text(w)])],
                            colspan=draw(st.integers(1, 3)),
                            rowspan=draw(st.integers(1, 3)),
                        )
                        for w in words
                    ]
                )
                for _ in range(draw(st.integers(1, 3)))
            ]
        ),
        ast.TableOfContents(),
    ]
    return ast.Document(draw(any_text), blocks)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_text_makes_a_readable_document(document: ast.Document) -> None:
    out = io.BytesIO()
    write_docx(document, out)
    out.seek(0)
    docx.Document(out)
    with zipfile.ZipFile(out) as archive:
        etree.fromstring(archive.read("word/document.xml"))


template_text = st.lists(
    st.sampled_from([*"$!scrol.tiep{}%#()\"'- x", "$scroll.", "{{", "}}", "{%", "%}"]),
    max_size=12,
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(template_text, min_size=1, max_size=4), min_size=1, max_size=4))
def test_any_template_text_never_fails_the_export(paragraphs: list[list[str]]) -> None:
    template = docx.Document()
    for pieces in paragraphs:
        p = template.add_paragraph()
        for piece in pieces:
            p.add_run(piece)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.docx"
        template.save(str(path))
        out = io.BytesIO()
        write_docx(ast.Document("T", [ast.Paragraph([ast.Text("body")])]), out, template=path)
    out.seek(0)
    docx.Document(out)
