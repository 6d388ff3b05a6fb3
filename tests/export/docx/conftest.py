"""Fixtures for the Word writer tests: writing a document and reading it back with
python-docx/lxml, sample images, and LibreOffice headless for real-client checks."""

from __future__ import annotations

import functools
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import TemplateContext, write_docx
from tests.export.docx.sample import make_png
from tests.libreoffice import LibreOffice

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
W = "{{{}}}".format(NS["w"])


@dataclass
class Written:
    """A written .docx, read back: python-docx for the package, plain lxml trees of
    its parts for queries."""

    path: Path
    package: Any
    warnings: list[str]

    def part(self, name: str) -> Any:
        with zipfile.ZipFile(self.path) as archive:
            return etree.fromstring(archive.read(name))

    @functools.cached_property
    def body(self) -> Any:
        return self.part("word/document.xml").find(W + "body")

    @functools.cached_property
    def styles(self) -> Any:
        return self.part("word/styles.xml")

    def xpath(self, query: str, node: Any = None) -> list[Any]:
        return (self.body if node is None else node).xpath(query, namespaces=NS)

    def style_id(self, name: str) -> str:
        for style in self.styles.iter(W + "style"):
            name_el = style.find(W + "name")
            if name_el is not None and name_el.get(W + "val").lower() == name.lower():
                return str(style.get(W + "styleId"))
        raise AssertionError(f"no style {name!r}")

    def paragraphs_in(self, style_name: str) -> list[Any]:
        style_id = self.style_id(style_name)
        return self.xpath(f"//w:p[w:pPr/w:pStyle/@w:val='{style_id}']")

    def text(self, node: Any) -> str:
        return "".join(node.xpath(".//w:t/text()", namespaces=NS))


WriteDocument = Callable[..., Written]


@pytest.fixture
def write(tmp_path: Path) -> WriteDocument:
    """write(blocks_or_document, template=None, context=None) -> Written."""

    def _write(
        content: ast.Document | list[ast.Block],
        template: Path | None = None,
        context: TemplateContext | None = None,
    ) -> Written:
        document = content if isinstance(content, ast.Document) else ast.Document("Test", content)
        out = tmp_path / f"out-{uuid.uuid4().hex[:8]}.docx"
        warnings = write_docx(document, out, template=template, context=context)
        return Written(out, docx.Document(str(out)), warnings)

    return _write


@pytest.fixture
def png(tmp_path: Path) -> Path:
    return make_png(tmp_path / "picture.png", (400, 200))


def xml_of(element: Any) -> str:
    return etree.tostring(element, encoding="unicode")


__all__ = ["NS", "LibreOffice", "W", "WriteDocument", "Written", "xml_of"]
