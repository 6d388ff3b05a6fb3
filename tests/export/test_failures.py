"""A bad element costs that element, never the page: in production (lenient) it becomes a
placeholder and a warning naming page and element; in tests (strict) it raises."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from lxml import etree

from pressroom.export import ast, storage
from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.docx import write_docx
from pressroom.export.failures import strict_failures

PAGE = (
    "<p>Before <ac:emoticon ac:name='smile'/> after.</p>"
    "<table><tbody><tr><td>cell</td></tr></tbody></table><p>The end.</p>"
)


def broken_emoticon(element: etree._Element) -> list[ast.Inline]:
    raise KeyError("glyph table corrupted")


@pytest.fixture
def emoticons_break(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader bug: every emoticon raises."""
    monkeypatch.setattr(storage, "emoticon", broken_emoticon)


def export(storage_xml: str) -> ast.Document:
    page = PageSource(id="7", title="Release notes", space_key="DOC", storage=storage_xml)
    return assemble(PageIndex([page]), ExportOptions("7"))


def document_text(path: Path) -> str:
    package = docx.Document(str(path))
    cells = [c.text for t in package.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in package.paragraphs] + cells)


@pytest.mark.usefixtures("emoticons_break")
def test_an_unreadable_element_costs_that_element_only(tmp_path: Path) -> None:
    with strict_failures(False):
        document = export(PAGE)
        write_docx(document, tmp_path / "out.docx")
    text = document_text(tmp_path / "out.docx")
    assert "Before [unreadable emoticon] after." in text
    assert "cell" in text
    assert "The end." in text
    [warning] = document.warnings
    assert warning.startswith('Release notes: could not read <ac:emoticon ac:name="smile">')
    assert "KeyError" in warning
    assert "[unreadable emoticon]" in warning


@pytest.mark.usefixtures("emoticons_break")
def test_strict_reading_raises_the_failure() -> None:
    with pytest.raises(KeyError, match="glyph table"):
        export(PAGE)


def broken_document() -> ast.Document:
    """A status lozenge without a title: a node no reader makes, as a writer bug would
    meet one."""
    bad = ast.Status(title=None)  # type: ignore[arg-type]
    return ast.Document(
        "Doc",
        [
            ast.Heading(1, [ast.Text("Install guide")], ["page-1"], page_title=True),
            ast.Paragraph([ast.Text("State: "), bad, ast.Text(" today.")]),
            ast.Table([ast.TableRow([ast.TableCell([ast.Paragraph([bad])])])]),
            ast.Paragraph([ast.Text("Still here.")]),
        ],
    )


def test_an_element_the_writer_cannot_render_costs_that_element_only(tmp_path: Path) -> None:
    with strict_failures(False):
        warnings = write_docx(broken_document(), tmp_path / "out.docx")
    text = document_text(tmp_path / "out.docx")
    assert "State: [could not render status] today." in text
    assert "[could not render status]" in text.split("today.")[1]  # the one in the table
    assert "Still here." in text
    assert len(warnings) == 2
    assert all(w.startswith("Install guide: could not render a status (") for w in warnings)


def test_a_block_that_fails_is_taken_out_whole(tmp_path: Path) -> None:
    """The table fails in its second row, after its first row is written."""
    good = ast.TableRow([ast.TableCell([ast.Paragraph([ast.Text("first row")])])])
    bad = ast.TableRow([ast.TableCell([], background=0xFF0000)])  # type: ignore[arg-type]
    document = ast.Document("Doc", [ast.Table([good, bad]), ast.Paragraph([ast.Text("next")])])
    with strict_failures(False):
        warnings = write_docx(document, tmp_path / "out.docx")
    package = docx.Document(str(tmp_path / "out.docx"))
    assert package.tables == []
    texts = [p.text for p in package.paragraphs]
    assert "[could not render table]" in texts
    assert "next" in texts
    assert "first row" not in document_text(tmp_path / "out.docx")
    assert "could not render a table" in warnings[0]


def test_strict_writing_raises_the_failure(tmp_path: Path) -> None:
    with pytest.raises(AttributeError):
        write_docx(broken_document(), tmp_path / "out.docx")
