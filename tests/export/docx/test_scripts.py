"""Korean, Japanese, Chinese, Arabic, Hebrew and emoji: each in a run Word and
LibreOffice draw with a font that has its characters."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.docx import TemplateContext, write_docx
from tests.export.docx.conftest import NS, W, WriteDocument, Written
from tests.export.docx.sample import para
from tests.libreoffice import LibreOffice

KOREAN = "한국어 문서입니다"
JAPANESE = "日本語のテキスト、カタカナ"
CHINESE = "这是中文文本。"
ARABIC = "مرحبا بالعالم، هذا نص عربي."
HEBREW = "שלום עולם"
EMOJI = "😀🚀✅🇰🇷👍🏽"
PAGE = (
    f"<h1>Scripts {KOREAN}</h1><p>Korean: {KOREAN}.</p><p>Japanese: {JAPANESE}</p>"
    f"<p>Chinese: {CHINESE}</p><p>{ARABIC}</p><p>{HEBREW}</p><p>Emoji: {EMOJI}</p>"
    '<p>Cloud emoji: <ac:emoticon ac:name="blue-star" ac:emoji-shortname=":grinning:" '
    'ac:emoji-id="1f600" ac:emoji-fallback="😀"/></p>'
)


def runs_with(out: Written, text: str) -> list[object]:
    return [r for r in out.xpath("//w:r") if text in out.text(r)]


def test_the_default_style_takes_east_asian_fonts_from_the_theme(write: WriteDocument) -> None:
    out = write([para("x")])
    fonts = out.styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(W + "eastAsiaTheme") == "minorEastAsia"
    assert fonts.get(W + "eastAsia") != "Calibri"
    assert not out.styles.xpath("//w:rFonts[@w:eastAsia='Calibri']", namespaces=NS)


@pytest.mark.parametrize(
    ("locale", "languages"),
    [
        ("en", ("en-US", "zh-CN", "ar-SA")),
        ("ko_KR", ("ko-KR", "ko-KR", "ar-SA")),
        ("he", ("he-IL", "zh-CN", "he-IL")),
    ],
)
def test_the_document_language_comes_from_the_locale(
    write: WriteDocument, locale: str, languages: tuple[str, str, str]
) -> None:
    out = write([para("x")], context=TemplateContext(title="T", locale=locale))
    lang = out.styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert (lang.get(W + "val"), lang.get(W + "eastAsia"), lang.get(W + "bidi")) == languages
    theme = out.part("word/settings.xml").find(W + "themeFontLang")
    assert theme.get(W + "eastAsia") == languages[1]


def test_each_script_gets_its_language_direction_or_font(write: WriteDocument) -> None:
    out = write([para(f"Mixed {KOREAN} and {JAPANESE} and {CHINESE} and 😀 end")])
    [korean] = runs_with(out, KOREAN)
    assert out.xpath("w:rPr/w:lang/@w:eastAsia", korean) == ["ko-KR"]
    [japanese] = runs_with(out, JAPANESE)
    assert out.xpath("w:rPr/w:lang/@w:eastAsia", japanese) == ["ja-JP"]
    [chinese] = runs_with(out, CHINESE)
    assert out.xpath("w:rPr/w:lang/@w:eastAsia", chinese) == ["zh-CN"]
    [emoji] = runs_with(out, "😀")
    assert out.text(emoji).strip() == "😀"
    assert set(out.xpath("w:rPr/w:rFonts/@*", emoji)) == {"Segoe UI Emoji"}
    [latin] = runs_with(out, "end")
    assert out.xpath("w:rPr", latin) == []


def test_right_to_left_paragraphs_and_runs(write: WriteDocument) -> None:
    out = write([para(ARABIC), para(f"{HEBREW} (v2)"), para(f"Latin first {ARABIC}")])
    arabic, hebrew, latin = out.xpath("//w:body/w:p[w:r]")[-3:]
    assert out.xpath("w:pPr/w:bidi", arabic) and out.xpath("w:pPr/w:bidi", hebrew)
    assert not out.xpath("w:pPr/w:bidi", latin)
    assert out.xpath("w:r/w:rPr/w:lang/@w:bidi", arabic) == ["ar-SA"]
    assert out.xpath("w:r/w:rPr/w:lang/@w:bidi", hebrew)[0] == "he-IL"
    assert all(out.xpath("w:rPr/w:rtl", r) for r in runs_with(out, "عربي"))


# -- through LibreOffice -------------------------------------------------------------------


def fontconfig() -> str:
    binary = shutil.which("fc-list")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fontconfig (fc-list) is required in CI but is not installed")
        pytest.skip("fontconfig (fc-list) is not installed")
    return binary


@functools.cache
def fonts_covering(char: str) -> frozenset[str]:
    """PostScript names of the installed fonts that have a glyph for ``char``."""
    listed = subprocess.run(
        [fontconfig(), f":charset={ord(char):x}", "postscriptname"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return frozenset(line.split("=", 1)[1].strip() for line in listed.splitlines() if "=" in line)


def drawn_with(pdf: Path) -> list[tuple[str, str]]:
    """(font, text) of every piece of text of the PDF, the font's subset tag removed."""
    pieces: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if text.strip() and font is not None:
            pieces.append((str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1], text))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return pieces


def has_glyph(font: str, char: str) -> bool:
    """Whether the embedded ``font`` is one of the fonts with ``char`` (LibreOffice may
    add a suffix such as ``-VKana`` to the PostScript name of a CJK face)."""
    return any(font == name or font.startswith(name + "-") for name in fonts_covering(char))


def visible(text: str) -> set[str]:
    """Characters that draw a glyph of their own (not spaces, joiners or selectors)."""
    return {c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cf", "Mn")}


@pytest.mark.libreoffice
def test_every_script_prints_with_a_font_that_has_it(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    page = PageSource(id="1", title="Scripts", space_key="DOC", storage=PAGE)
    document = assemble(PageIndex([page]), ExportOptions("1"))
    source = tmp_path / "scripts.docx"
    assert write_docx(document, source) == []
    pdf = libreoffice.convert(source)
    pdftotext = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    expected = visible(KOREAN + JAPANESE + CHINESE + ARABIC + HEBREW + EMOJI)
    assert expected - visible(pdftotext) == set()
    pieces = drawn_with(pdf)
    assert expected - visible("".join(text for _, text in pieces)) == set()
    unfit = {
        (char, font)
        for font, text in pieces
        for char in visible(text)
        if char in expected
        if not has_glyph(font, char)
    }
    assert unfit == set()
