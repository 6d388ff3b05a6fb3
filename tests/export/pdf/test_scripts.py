"""Every script our users write prints in a font that has it; what no font has is a
warning, never a failed export."""

from __future__ import annotations

from tests.export.pdf.conftest import Render
from tests.pdf_reading import pdffonts, pdftotext

KOREAN = "설치 안내서를 읽으십시오"
JAPANESE = "インストールガイドを読んでください"
CHINESE = "请阅读安装指南"
ARABIC = "اقرأ دليل التثبيت"
HEBREW = "קרא את מדריך ההתקנה"
GREEK_CYRILLIC = "Οδηγός εγκατάστασης — Руководство по установке"
EMOJI = "🚀✅"


def test_korean_japanese_chinese_arabic_hebrew_and_emoji_print(render: Render) -> None:
    body = "".join(
        f"<p>{text}</p>" for text in (KOREAN, JAPANESE, CHINESE, ARABIC, HEBREW, GREEK_CYRILLIC)
    )
    body += f"<h2>{KOREAN}</h2><p>Launch {EMOJI} done</p>"
    pdf, warnings = render({"Scripts.xml": body})
    text = pdftotext(pdf)
    for sample in (KOREAN, JAPANESE, CHINESE, GREEK_CYRILLIC):
        assert sample in text, sample
    for word in ARABIC.split() + HEBREW.split():  # right-to-left: words, in any order
        assert word in text, word
    assert EMOJI[0] in text
    names = " ".join(font.name for font in pdffonts(pdf))
    assert "NotoSansCJK" in names
    assert "Emoji" in names or "Type 3" in names or EMOJI[0] in text
    assert all(font.embedded for font in pdffonts(pdf))
    assert not [w for w in warnings if "no font" in w], warnings


def test_text_no_font_has_is_a_warning_not_a_failure(render: Render) -> None:
    unassigned = chr(0x2FFF0)
    pdf, warnings = render({"Unknown.xml": f"<p>Before {unassigned} after</p>"})
    assert "Before" in pdftotext(pdf)
    assert any("no font" in w and unassigned in w for w in warnings), warnings


def test_japanese_locale_prefers_japanese_glyph_forms(render: Render) -> None:
    pdf, _ = render({"Scripts.xml": f"<p>{JAPANESE}</p>"})
    assert JAPANESE in pdftotext(pdf)


def test_right_to_left_paragraphs_run_from_the_right_margin(render: Render) -> None:
    import pdfplumber

    pdf, _ = render({"Scripts.xml": f"<p>{HEBREW}</p><p>Left to right.</p>"})
    with pdfplumber.open(pdf) as document:
        page = next(p for p in document.pages if "Left" in (p.extract_text() or ""))
        words = page.extract_words()
        hebrew = [w for w in words if any("\u0590" <= c <= "\u05ff" for c in w["text"])]
        latin = [w for w in words if w["text"] == "Left"]
        assert hebrew and latin
        assert max(w["x1"] for w in hebrew) > page.width * 0.7
        assert latin[0]["x0"] < page.width * 0.3
