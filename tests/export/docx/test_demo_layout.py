"""The DEMO manual, exported whole, laid out by LibreOffice: no blank page, no page
holding only a heading, no emoji box, the page's own toc on the reference pages."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pressroom.content.demo.tree import ATTACHMENTS, PAGE_TREE, SPACE_KEY, DemoPage, read_body
from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.docx import write_docx
from tests.export.docx.conftest import LibreOffice

pytestmark = pytest.mark.libreoffice


def demo_pages(folder: Path) -> list[PageSource]:
    pages: list[PageSource] = []

    def add(page: DemoPage, parent: str | None, position: int) -> None:
        page_id = str(len(pages) + 1)
        files = {}
        for name in page.attachments:
            files[name] = folder / name
            files[name].write_bytes(ATTACHMENTS[name].encode())
        pages.append(
            PageSource(
                page_id, page.title, SPACE_KEY, read_body(page.body),
                parent_id=parent, position=position, attachments=files,
            )
        )  # fmt: skip
        for number, child in enumerate(page.children):
            add(child, page_id, number)

    for number, root in enumerate(PAGE_TREE):
        add(root, None, number)
    return pages


def pages_with_images(pdf: Path) -> set[int]:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return {int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()}


def test_demo_manual_leaves_no_blank_or_heading_only_page(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    options = ExportOptions("1", scope="descendants", base_url="https://wiki.example.com")
    document = assemble(PageIndex(demo_pages(tmp_path)), options)
    source = tmp_path / "demo.docx"
    write_docx(document, source)
    pdf = libreoffice.convert(source)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")[:-1]
    furniture = re.compile(
        r"Anchorage 3.2 Administrator Manual|Anchorage Documentation|Page \d+ of"
    )
    for number, page in enumerate(pages[1:], start=2):
        body = [line for line in page.splitlines() if line.strip() and not furniture.search(line)]
        if number not in pages_with_images(pdf):
            assert len(body) > 2, f"page {number} is (nearly) blank: {body}"
    assert "\u263a" in text, "the smile emoticon prints as a symbol fonts carry"
    (configuration,) = [p for p in pages if "Configuration Reference\n" in p and "Reading" in p]
    toc = configuration.split("Configuration Reference", 1)[1].split("The configuration file")[1]
    assert "Getting Started" not in toc, "the page's toc lists that page only"
