"""Images, code blocks and Word fields."""

from __future__ import annotations

from pathlib import Path

from pressroom.export import ast
from tests.export.docx.conftest import NS, W, WriteDocument
from tests.export.docx.sample import make_png, para

EMU_PER_PX = 9525


def extents(out: object) -> list[tuple[int, int]]:
    return [
        (int(e.get("cx")), int(e.get("cy")))
        for e in out.xpath("//wp:inline/wp:extent")  # type: ignore[attr-defined]
    ]


def test_image_size_keeps_aspect_ratio_and_alt_text(write: WriteDocument, png: Path) -> None:
    out = write([para(ast.Image(file=png, width=200, alt="Blue box"))])
    assert extents(out) == [(200 * EMU_PER_PX, 100 * EMU_PER_PX)]
    assert out.xpath("//wp:docPr/@descr") == ["Blue box"]
    (blip,) = out.xpath("//a:blip/@r:embed")
    assert out.package.part.related_parts[blip].content_type == "image/png"


def test_images_wider_than_the_text_are_scaled_down(write: WriteDocument, tmp_path: Path) -> None:
    big = make_png(tmp_path / "big.png", (3000, 1500))
    out = write([para(ast.Image(file=big))])
    ((cx, cy),) = extents(out)
    sect = out.xpath("//w:sectPr")[-1]
    page = int(sect.xpath("w:pgSz/@w:w", namespaces=NS)[0])
    margins = sum(int(sect.xpath(f"w:pgMar/@w:{s}", namespaces=NS)[0]) for s in ("left", "right"))
    assert cx == (page - margins) * 635
    assert abs(cx - 2 * cy) <= 2


def text_area(section: object) -> tuple[int, int]:
    """Width and height of a section's text area in EMU."""

    def twips(path: str) -> int:
        return int(section.xpath(path, namespaces=NS)[0])  # type: ignore[attr-defined]

    width = twips("w:pgSz/@w:w") - twips("w:pgMar/@w:left") - twips("w:pgMar/@w:right")
    height = twips("w:pgSz/@w:h") - twips("w:pgMar/@w:top") - twips("w:pgMar/@w:bottom")
    return width * 635, height * 635


def test_tall_images_fit_the_page_height_keeping_their_shape(
    write: WriteDocument, tmp_path: Path
) -> None:
    tall = make_png(tmp_path / "tall.png", (400, 2400))
    image = ast.Image(file=tall, width=200, height=1200)
    out = write([para(image), ast.OrientedSection(True, [para(image)])])
    (portrait, landscape) = extents(out)
    portrait_section, landscape_section = out.xpath("//w:sectPr")  # the last took its layout
    for (cx, cy), section in ((portrait, portrait_section), (landscape, landscape_section)):
        width, height = text_area(section)
        assert height * 0.85 < cy < height, "fits the text area with room for a caption"
        assert cx < width
        assert abs(cx * 6 - cy) <= 6, "keeps the 1:6 shape"
    assert landscape[1] < portrait[1]


def test_same_image_is_embedded_once(write: WriteDocument, png: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.png"
    copy.write_bytes(png.read_bytes())
    out = write([para(ast.Image(file=png)), para(ast.Image(file=copy), ast.Image(file=png))])
    embeds = out.xpath("//a:blip/@r:embed")
    assert len(embeds) == 3
    assert len(set(embeds)) == 1
    ids = out.xpath("//wp:docPr/@id")
    assert len(set(ids)) == 3


def test_image_alignment_centres_its_paragraph(write: WriteDocument, png: Path) -> None:
    out = write([para(ast.Image(file=png, align="center"))])
    assert out.xpath("//w:p[.//w:drawing]/w:pPr/w:jc/@w:val") == ["center"]


def test_external_images_become_links(write: WriteDocument) -> None:
    image = ast.Image(url="https://example.com/a.png", alt="diagram")
    out = write([para(image)])
    (link,) = out.xpath("//w:hyperlink")
    assert out.text(link) == "diagram"
    assert not out.xpath("//w:drawing")


def test_missing_and_broken_images_warn_and_show_their_name(
    write: WriteDocument, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    out = write(
        [para(ast.Image(attachment="gone.png")), para(ast.Image(file=broken, alt="Broken"))]
    )
    body = out.text(out.body)
    assert "[gone.png]" in body
    assert "[Broken]" in body
    assert len(out.warnings) == 2


def test_code_blocks_are_coloured_and_keep_whitespace(write: WriteDocument) -> None:
    code = 'def f():\n\treturn "x"   # note\n'
    out = write([ast.CodeBlock(code, language="python", title="f.py", line_numbers=True)])
    lines = out.paragraphs_in("Scroll Code")
    assert [out.text(p) for p in lines] == ["f.py", "1  def f():", '2  return "x"   # note']
    assert lines[2].xpath(".//w:tab", namespaces=NS)
    colours = set(out.xpath("//w:r/w:rPr/w:color/@w:val"))
    assert len(colours) >= 3
    keyword = [r for r in lines[1].xpath("w:r", namespaces=NS) if out.text(r).strip() == "def"]
    assert keyword[0].xpath("w:rPr/w:color", namespaces=NS)
    spaced = [t for t in out.xpath("//w:t") if t.text and "   " in t.text]
    assert spaced[0].get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_unknown_languages_and_noformat_are_plain(write: WriteDocument) -> None:
    out = write([ast.CodeBlock("a <b> & c", language="no-such-language"), ast.CodeBlock("x\n\ny")])
    lines = out.paragraphs_in("Scroll Code")
    assert [out.text(p) for p in lines] == ["a <b> & c", "x", "", "y"]
    assert not out.xpath("//w:r/w:rPr/w:color")


def test_toc_field_and_update_on_open(write: WriteDocument) -> None:
    out = write([ast.TableOfContents(2, 4), ast.Heading(2, [ast.Text("x")])])
    instructions = [t.strip() for t in out.xpath("//w:instrText/text()")]
    (toc,) = [i for i in instructions if i.startswith('TOC \\o "2-4" \\h \\z \\u')]
    assert '\\t "Scroll Heading 2,2,Scroll Heading 3,3,Scroll Heading 4,4"' in toc
    begin = out.xpath("//w:fldChar[@w:fldCharType='begin']")
    assert len(out.xpath("//w:fldChar[@w:fldCharType='end']")) == len(begin)
    settings = out.part("word/settings.xml")
    assert settings.xpath("w:updateFields/@w:val", namespaces=NS) == ["true"]


def test_toc_result_lists_the_headings_with_page_references(write: WriteDocument) -> None:
    out = write(
        [
            ast.TableOfContents(1, 2),
            ast.Heading(1, [ast.Text("Intro")]),
            ast.Heading(2, [ast.Styled("em", [ast.Text("Details")])]),
            ast.Heading(3, [ast.Text("Too deep for this TOC")]),
        ]
    )
    entries = out.xpath("//w:p[w:hyperlink[starts-with(@w:anchor, '_Toc')]]")
    texts = [out.text(p) for p in entries]
    assert texts[-2:] == ["Intro", "Details"]  # after the template's own TOC
    for p in entries[-2:]:
        anchor = p.xpath("w:hyperlink/@w:anchor", namespaces=NS)[0]
        assert out.xpath(f"//w:bookmarkStart[@w:name='{anchor}']")
        assert f"PAGEREF {anchor}" in "".join(p.xpath(".//w:instrText/text()", namespaces=NS))
    assert entries[-2].xpath("w:pPr/w:pStyle/@w:val", namespaces=NS) == [out.style_id("toc 1")]


def test_index_terms_and_index(write: WriteDocument) -> None:
    out = write([para(ast.IndexTerm("Install:Linux"), "text"), ast.Index()])
    instructions = [t.strip() for t in out.xpath("//w:instrText/text()")]
    assert 'XE "Install:Linux"' in instructions
    assert any(i.startswith("INDEX") for i in instructions)


def test_index_result_lists_the_entries_under_letter_headings(write: WriteDocument) -> None:
    terms = ["Install:Linux", "backup", "Install:Kubernetes", "backup", "Zones"]
    blocks: list[ast.Block] = [para(ast.IndexTerm(t), f"about {t}") for t in terms]
    out = write([*blocks, ast.Index()])
    (begin,) = out.xpath("//w:p[w:r/w:instrText[starts-with(normalize-space(.), 'INDEX')]]")
    shown = [begin, *begin.itersiblings()]
    shown = shown[
        : [bool(out.xpath("w:r/w:fldChar[@w:fldCharType='end']", p)) for p in shown].index(True) + 1
    ]
    styles = [p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) for p in shown]
    texts = [out.text(p) for p in shown]
    assert list(zip(texts, styles, strict=True)) == [
        ("B", out.style_id("index heading")),
        ("backup", out.style_id("index 1")),
        ("I", out.style_id("index heading")),
        ("Install", out.style_id("index 1")),
        ("Kubernetes", out.style_id("index 2")),
        ("Linux", out.style_id("index 2")),
        ("Z", out.style_id("index heading")),
        ("Zones", out.style_id("index 1")),
    ]
    assert "build the index" not in out.text(out.body)


def test_default_template_has_page_numbers_and_running_header(write: WriteDocument) -> None:
    out = write([ast.Heading(1, [ast.Text("Chapter")])])
    header = out.part("word/header1.xml")
    footer = out.part("word/footer1.xml")
    furniture = " ".join(
        t.strip()
        for part in (header, footer)
        for t in part.xpath("//w:instrText/text()", namespaces=NS)
    )
    assert "PAGE" in furniture
    assert "NUMPAGES" in furniture
    assert 'STYLEREF "Scroll Heading 1"' in furniture
    sect = out.xpath("//w:sectPr")[-1]
    assert sect.xpath("w:pgSz/@w:w", namespaces=NS) == ["11906"]  # A4
    assert sect.xpath("w:titlePg", namespaces=NS)
    assert W  # namespace helper in use
