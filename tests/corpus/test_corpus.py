"""The corpus of realistic Confluence pages (issue 8): every page renders to .docx through
the pipeline ``pressroom render`` uses, opens in LibreOffice, and keeps its text and images.

All pages are rendered once, then converted to text in ONE LibreOffice start; each page
then gets its own test, so a failure names the page. Pages the engine cannot handle yet
are listed in KNOWN_GAPS and expected to fail (strictly: the entry must go once fixed).

The suite renders strict (tests/conftest.py): a failure inside the reader or the writer
raises and fails that page's test with the exception, instead of a placeholder.
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree
from PIL import Image

from pressroom.export.folder import read_page_tree
from pressroom.export.render import render_path
from tests.corpus.attachments import write_attachment
from tests.libreoffice import LibreOffice

CORPUS = Path(__file__).parent
PAGES = CORPUS / "pages"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load(
    (CORPUS / "manifest.yaml").read_text(encoding="utf-8")
)["pages"]
MIN_PAGES = 60
MIN_BODY_CHARACTERS = 40

# Page → what the engine cannot handle yet, with the reason. Each entry is an expected
# failure (strict: it must go once fixed). Empty: the engine handles every page.
KNOWN_GAPS: dict[str, str] = {}

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_IMAGE_RELATIONSHIP = f"{_R}/image"
_VARIATION_SELECTORS = dict.fromkeys(map(ord, "\ufe0e\ufe0f"))


@dataclass
class RenderedPage:
    docx: Path | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = ""


def normalised(text: str) -> str:
    """NFC, no emoji variation selectors, every run of whitespace one space."""
    text = unicodedata.normalize("NFC", text).translate(_VARIATION_SELECTORS)
    return " ".join(text.split())


def _page_file(root: Path, key: str) -> Path:
    return root.joinpath(*key.split("/"))


def _pages_on_disk() -> set[str]:
    return {
        unicodedata.normalize("NFC", path.relative_to(PAGES).as_posix())
        for path in PAGES.rglob("*.xml")
    }


@pytest.fixture(scope="module")
def corpus_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus with every page's attachments generated beside it."""
    tree = tmp_path_factory.mktemp("corpus") / "pages"
    shutil.copytree(PAGES, tree)
    for key, entry in MANIFEST.items():
        folder = _page_file(tree, key).parent
        for attachment in entry.get("attachments", []):
            write_attachment(folder, attachment["name"], attachment.get("size"))
    return tree


@pytest.fixture(scope="module")
def rendered(corpus_tree: Path, libreoffice: LibreOffice) -> dict[str, RenderedPage]:
    """Every page rendered alone to .docx, then all read back by one LibreOffice start."""
    out = corpus_tree.parent / "docx"
    out.mkdir()
    pages: dict[str, RenderedPage] = {}
    for number, key in enumerate(MANIFEST):
        target = out / f"page-{number:03d}.docx"
        try:
            warnings = render_path(_page_file(corpus_tree, key), target, scope="current")
        except Exception as error:  # the page's own test reports it
            pages[key] = RenderedPage(error=f"{type(error).__name__}: {error}")
            continue
        pages[key] = RenderedPage(docx=target, warnings=warnings)
    made = [page for page in pages.values() if page.docx is not None]
    if made:
        texts = libreoffice.convert_all([page.docx for page in made if page.docx], "txt")
        for page, text_file in zip(made, texts, strict=True):
            page.text = text_file.read_text(encoding="utf-8-sig")
    return pages


def _embedded_images(docx_file: Path) -> list[bytes]:
    """The image parts the document body refers to."""
    with zipfile.ZipFile(docx_file) as package:
        relationships = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        body = etree.fromstring(package.read("word/document.xml"))
        referenced = {
            value
            for element in body.iter()
            for name, value in element.attrib.items()
            if name in (f"{{{_R}}}embed", f"{{{_R}}}id")
        }
        return [
            package.read("word/" + rel.get("Target", "").lstrip("/").removeprefix("word/"))
            for rel in relationships
            if rel.get("Type") == _IMAGE_RELATIONSHIP
            and rel.get("Id") in referenced
            and rel.get("TargetMode") != "External"
        ]


def _pixel_size(blob: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(blob)) as image:
            return image.size
    except OSError:
        return None


def _is_embedded(source: bytes, embedded: list[bytes]) -> bool:
    """The same bytes, or (if the writer converted the format) the same pixel size."""
    size = _pixel_size(source)
    return any(blob == source or _pixel_size(blob) == size for blob in embedded)


def _after_heading(text: str, title: str) -> str:
    """What follows the last line that is the page's title alone (its heading): the body."""
    lines = text.splitlines()
    headings = [number for number, line in enumerate(lines) if line.strip() == title]
    return normalised("\n".join(lines[headings[-1] + 1 :] if headings else lines))


def _cases() -> list[Any]:
    return [
        pytest.param(
            key,
            id=key,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[key])]
            if key in KNOWN_GAPS
            else [],
        )
        for key in MANIFEST
    ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", _cases())
def test_page_keeps_its_text_and_images(
    key: str, rendered: dict[str, RenderedPage], corpus_tree: Path
) -> None:
    page = rendered[key]
    assert page.error is None, f"rendering failed: {page.error}"
    assert page.docx is not None
    problems = _problems(MANIFEST[key], page, _page_file(corpus_tree, key))
    assert not problems, "\n".join([*problems, f"render warnings: {page.warnings}"])


def _problems(entry: dict[str, Any], page: RenderedPage, page_file: Path) -> list[str]:
    """Everything wrong with one rendered page, so that one run shows all of it."""
    assert page.docx is not None
    problems: list[str] = []
    body = normalised(page.text)
    if len(_after_heading(page.text, read_page_tree(page_file).title)) < MIN_BODY_CHARACTERS:
        problems.append("the page is empty")
    missing = [text for text in entry["texts"] if normalised(text) not in body]
    if missing:
        problems.append(f"text not in the document: {missing}")
    shown = [text for text in entry.get("absent", []) if normalised(text) in body]
    if shown:
        problems.append(f"text that must not be exported: {shown}")
    embedded = _embedded_images(page.docx)
    lost = [
        name
        for name in entry.get("images", [])
        if not _is_embedded((page_file.parent / name).read_bytes(), embedded)
    ]
    if lost:
        problems.append(f"images not embedded: {lost}")
    return problems


def test_manifest_describes_every_page_of_the_corpus() -> None:
    assert set(MANIFEST) == _pages_on_disk()
    assert len(MANIFEST) >= MIN_PAGES
    assert not set(KNOWN_GAPS) - set(MANIFEST), "a known gap names no page of the corpus"
    for key, entry in MANIFEST.items():
        assert 3 <= len(entry["texts"]) <= 7, key
        names = {attachment["name"] for attachment in entry.get("attachments", [])}
        assert set(entry.get("images", [])) <= names, key


def test_corpus_is_one_page_tree_for_pressroom_render() -> None:
    tree = read_page_tree(PAGES)
    pending, count = [tree.root_id], 0
    while pending:
        count += 1
        pending.extend(child.id for child in tree.pages.children(pending.pop()))
    assert count == len(MANIFEST)


_FILENAME = re.compile(r'ri:filename="([^"]+)"')


@pytest.mark.parametrize(
    "key", [key for key, entry in MANIFEST.items() if entry.get("forms_differ")]
)
def test_page_refers_to_an_attachment_in_the_other_normal_form(key: str) -> None:
    """The point of these pages: ri:filename and the stored name differ only in normal form."""
    storage = _page_file(PAGES, key).read_text(encoding="utf-8")
    stored = {attachment["name"] for attachment in MANIFEST[key].get("attachments", [])}
    composed = {unicodedata.normalize("NFC", name) for name in stored}
    mismatched = [
        name
        for name in _FILENAME.findall(storage)
        if name not in stored and unicodedata.normalize("NFC", name) in composed
    ]
    assert mismatched, f"{key}: every ri:filename has the stored normal form"
