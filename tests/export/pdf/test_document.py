"""What a reader of the exported PDF finds: outline, table of contents with the real
pages, running headers, page X of Y, working links, embedded fonts, tags."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from pressroom.export.pdf import ARTICLE_ID
from tests.export.pdf.conftest import Render
from tests.pdf_reading import (
    internal_link_targets,
    is_tagged,
    outline,
    page_texts,
    pdffonts,
    pdfinfo,
    toc_entries,
    uri_links,
)


def _chapter(number: int, filler: int) -> str:
    """A page with sections long enough to span pages, a link to the next chapter."""
    paragraphs = "".join(
        f"<p>Paragraph {i} of chapter {number}: {'lorem ipsum dolor sit amet ' * 12}</p>"
        for i in range(filler)
    )
    link = (
        f'<p>Continue with <ac:link><ri:page ri:content-title="Chapter {number + 1}"/>'
        f"<ac:plain-text-link-body><![CDATA[the next chapter]]></ac:plain-text-link-body>"
        f"</ac:link>.</p>"
    )
    return (
        f"<h1>Section {number}.A</h1>{paragraphs}<h2>Detail {number}.A.1</h2>{paragraphs}"
        f"<h1>Section {number}.B</h1>"
        f"<p>See <a href='https://example.com/{number}'>the site</a>.</p>"
        f"{link}"
    )


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 110, 180)).save(buffer, "PNG")
    return buffer.getvalue()


def _book(chapters: int = 3) -> dict[str, str | bytes]:
    pages: dict[str, str | bytes] = {
        f"{n:02d} Chapter {n}.xml": _chapter(n, 6 + n) for n in range(1, chapters + 1)
    }
    pages["01 Chapter 1.xml"] += (
        '<p><ac:image ac:alt="wide picture"><ri:attachment ri:filename="wide.png"/></ac:image></p>'
    )
    pages["wide.png"] = _png(3000, 400)
    return pages


def test_outline_toc_and_headings_agree_with_the_real_pages(render: Render) -> None:
    pdf, warnings = render(_book())
    texts = page_texts(pdf)
    marks = outline(pdf)
    titles = [m.title for m in marks]
    for n in (1, 2, 3):
        assert any(t.endswith(f"Chapter {n}") for t in titles), titles
        assert any(t.endswith(f"Section {n}.A") for t in titles)
    for mark in marks:
        heading = re.sub(r"^[\d.]+\s+", "", mark.title)
        assert heading in texts[mark.page - 1], (mark, texts[mark.page - 1][:200])
    toc_page = next(i for i, t in enumerate(texts, 1) if "Contents" in t)
    printed = toc_entries(pdf, toc_page)
    assert len(printed) >= 9, printed
    real = {m.title: m.page for m in marks}
    for title, page in printed.items():
        assert real[title] == page, (title, page, real[title])
    assert not [w for w in warnings if "Chapter 4" not in w], warnings


def test_every_page_but_the_cover_says_page_x_of_y_and_its_chapter(render: Render) -> None:
    pdf, _ = render(_book())
    texts = page_texts(pdf)
    total = len(texts)
    assert int(pdfinfo(pdf)["Pages"]) == total
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {total}" in text
    chapter_two = next(i for i, t in enumerate(texts) if "Paragraph 3 of chapter 2" in t)
    header = texts[chapter_two].strip().splitlines()[0]
    assert "Chapter 2" in header, header
    assert "Page 1 of" not in texts[0]


def test_links_inside_the_export_jump_to_their_heading_and_others_are_uris(
    render: Render,
) -> None:
    pdf, _ = render(_book())
    texts = page_texts(pdf)
    targets = internal_link_targets(pdf)
    assert targets, "no internal links"
    for target in targets:
        assert 1 <= target <= len(texts)
    chapter_two_page = next(m.page for m in outline(pdf) if m.title.endswith("Chapter 2"))
    assert chapter_two_page in targets
    assert "https://example.com/1" in uri_links(pdf)


def test_fonts_are_embedded_and_the_document_is_tagged(render: Render) -> None:
    pdf, _ = render(_book(1))
    fonts = pdffonts(pdf)
    assert fonts
    assert all(font.embedded for font in fonts), fonts
    assert is_tagged(pdf)
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Chapter 1"


def test_a_wide_picture_is_scaled_to_the_text_area(render: Render) -> None:
    pdf, warnings = render(_book(1))
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    page_width = float(reader.pages[0].mediabox.width)
    found = False
    for page in reader.pages:
        for image in page.images:
            found = True
            assert image.image is not None
    assert found
    assert not [w for w in warnings if "wide" in w]
    assert page_width < 3000 * 0.75  # the picture's natural width would not fit


def test_the_article_template_has_no_cover_and_no_contents(render: Render) -> None:
    pdf, _ = render(_book(2), template_id=ARTICLE_ID)
    first = page_texts(pdf)[0]
    assert "Contents" not in first
    assert "Section 1.A" in first
    assert "Page 1 of" in first


def test_a_missing_picture_costs_only_that_picture(render: Render, tmp_path: Path) -> None:
    broken = b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10
    pdf, warnings = render(
        {
            "Pictures.xml": '<p>Before <ac:image><ri:attachment ri:filename="gone.png"/>'
            '</ac:image> <ac:image ac:alt="broken one"><ri:attachment ri:filename="bad.png"/>'
            "</ac:image> after.</p>",
            "bad.png": broken,
        }
    )
    text = "".join(page_texts(pdf))
    assert "Before" in text and "after." in text
    assert any("bad.png" in w for w in warnings), warnings
    assert any("gone.png" in w for w in warnings), warnings


def test_a_picture_caption_prints_under_it_as_a_numbered_figure(render: Render) -> None:
    png = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(png, "PNG")
    pdf, _ = render(
        {
            "Figures.xml": '<p>Above.</p><ac:image ac:width="200">'
            '<ri:attachment ri:filename="red.png"/>'
            "<ac:caption><p>The red square</p></ac:caption></ac:image><p>Below.</p>",
            "red.png": png.getvalue(),
        }
    )
    text = " ".join(page_texts(pdf)[-1].split())
    assert "Figure 1: The red square" in text, text
    assert text.index("Above.") < text.index("Figure 1") < text.index("Below.")
