"""Offline rendering of storage files and page-tree folders (``pressroom render``)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PIL import Image
from typer.testing import CliRunner

from pressroom.cli import cli
from pressroom.export.folder import FolderInvalid, read_page_tree


def _tree(root: Path) -> Path:
    (root / "01-Guide").mkdir(parents=True)
    (root / "01-Guide.xml").write_text("<h1>Intro</h1><p>Hello <strong>world</strong></p>")
    (root / "01-Guide" / "02 Second.xml").write_text("<p>second child</p>")
    (root / "01-Guide" / "01 First.xml").write_text(
        '<p>first child</p><ac:image ac:width="150"><ri:attachment ri:filename="pic.png"/>'
        "</ac:image>"
    )
    Image.new("RGB", (300, 200), "teal").save(root / "01-Guide" / "pic.png")
    return root


def test_folder_is_read_as_a_page_tree(tmp_path: Path) -> None:
    tree = read_page_tree(_tree(tmp_path / "docs"))
    root = tree.pages.page(tree.root_id)
    assert root is not None
    assert root.title == "Guide"
    children = tree.pages.children(root.id)
    assert [c.title for c in children] == ["First", "Second"]
    assert set(children[0].attachments) == {"pic.png"}


def test_several_top_level_pages_get_a_root_named_after_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Handbook"
    folder.mkdir()
    (folder / "a.xml").write_text("<p>a</p>")
    (folder / "b.xml").write_text("<p>b</p>")
    tree = read_page_tree(folder)
    assert tree.title == "Handbook"
    assert [p.title for p in tree.pages.children(tree.root_id)] == ["a", "b"]


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FolderInvalid, match="holds no page"):
        read_page_tree(tmp_path)


def test_render_command_writes_a_docx(tmp_path: Path) -> None:
    source = _tree(tmp_path / "docs")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(cli, ["render", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert {"Guide", "Intro", "First", "Second", "first child"} <= set(texts)
    assert len(document.inline_shapes) == 1
    current = CliRunner().invoke(cli, ["render", str(source), "-o", str(out), "--scope", "current"])
    assert current.exit_code == 0
    assert "First" not in [p.text for p in docx.Document(str(out)).paragraphs]


def test_render_command_reports_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", str(tmp_path), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    bad_scope = CliRunner().invoke(cli, ["render", str(tmp_path), "-o", "x.docx", "--scope", "all"])
    assert bad_scope.exit_code != 0


def test_render_writes_a_pdf_when_the_output_ends_in_pdf(tmp_path: Path) -> None:
    from tests.pdf_reading import pdftotext

    source = tmp_path / "Release Notes.xml"
    source.write_text("<h1>Fixed</h1><p>Everything.</p>", "utf-8")
    out = tmp_path / "notes.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            str(source),
            "-o",
            str(out),
            "--template",
            "com.k15t.scroll.pdf.default-template-article",
        ],
    )
    assert result.exit_code == 0, result.output
    text = pdftotext(out)
    assert "Everything." in text and "Contents" not in text
    bad = CliRunner().invoke(cli, ["render", str(source), "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2
