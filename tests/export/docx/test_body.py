"""Headings, paragraphs, inline formatting, links and bookmarks in the written body."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.export import ast
from pressroom.export.docx import ExportCancelled, write_docx
from tests.export.docx.conftest import NS, W, WriteDocument
from tests.export.docx.sample import para, text


def test_headings_use_scroll_heading_styles_with_outline_levels(write: WriteDocument) -> None:
    out = write([ast.Heading(level, [text(f"H{level}")]) for level in range(1, 7)])
    for level in range(1, 7):
        (p,) = out.paragraphs_in(f"Scroll Heading {level}")
        assert out.text(p) == f"H{level}"
    style = out.styles.xpath(
        f"//w:style[@w:styleId='{out.style_id('Scroll Heading 2')}']//w:outlineLvl/@w:val",
        namespaces=NS,
    )
    assert style == ["1"]


def test_headings_deeper_than_nine_become_bold_paragraphs(write: WriteDocument) -> None:
    out = write([ast.Heading(12, [text("Very deep")])])
    (p,) = [p for p in out.xpath("//w:p") if out.text(p) == "Very deep"]
    assert p.xpath(".//w:rPr/w:b", namespaces=NS)
    assert out.style_id("Scroll Plain Text") in p.xpath(".//w:pStyle/@w:val", namespaces=NS)


def test_heading_bookmarks_and_internal_links_share_sanitised_names(
    write: WriteDocument,
) -> None:
    name = "1. Über die Installation & mehr -- a very long heading anchor name indeed"
    out = write(
        [
            para(ast.Link(ast.InternalTarget(name), [text("see below")])),
            ast.Heading(1, [text("Install")], bookmarks=[name]),
        ]
    )
    (start,) = out.xpath("//w:bookmarkStart[not(starts-with(@w:name, '_Toc'))]")
    word_name = start.get(W + "name")
    assert len(word_name) <= 40
    assert word_name[0].isalpha()
    assert all((c.isalnum() and c.isascii()) or c == "_" for c in word_name)
    (link,) = out.xpath("//w:hyperlink[not(starts-with(@w:anchor, '_Toc'))]")
    assert link.get(W + "anchor") == word_name
    assert start.get(W + "id") in out.xpath("//w:bookmarkEnd/@w:id")


def test_external_links_are_hyperlinks_with_external_relationships(
    write: WriteDocument,
) -> None:
    url = "https://example.com/docs?a=1&b=2"
    out = write([para(ast.Link(ast.ExternalTarget(url), [text("docs")]))])
    (link,) = out.xpath("//w:hyperlink")
    rel = out.package.part.rels[link.get("{{{}}}id".format(NS["r"]))]
    assert rel.is_external
    assert rel.target_ref == url
    assert out.text(link) == "docs"
    assert link.xpath(".//w:rStyle/@w:val", namespaces=NS) == [out.style_id("Hyperlink")]


def test_unresolved_page_links_become_plain_text_with_a_warning(write: WriteDocument) -> None:
    out = write([para(ast.Link(ast.PageTarget("Other page"), [text("other")]))])
    assert not out.xpath("//w:hyperlink")
    assert "other" in out.text(out.body)
    assert any("Other page" in w for w in out.warnings)


def test_inline_formatting_maps_to_run_properties(write: WriteDocument) -> None:
    out = write(
        [
            para(
                ast.Styled("strong", [text("b")]),
                ast.Styled("em", [text("i")]),
                ast.Styled("underline", [text("u")]),
                ast.Styled("strike", [text("s")]),
                ast.Styled("sup", [text("sup")]),
                ast.Colored("#ff0000", [text("red")]),
                ast.Styled("code", [text("code")]),
            )
        ]
    )
    runs = {out.text(r): r for r in out.xpath("//w:r")}
    assert runs["b"].xpath("w:rPr/w:b", namespaces=NS)
    assert runs["i"].xpath("w:rPr/w:i", namespaces=NS)
    assert runs["u"].xpath("w:rPr/w:u/@w:val", namespaces=NS) == ["single"]
    assert runs["s"].xpath("w:rPr/w:strike", namespaces=NS)
    assert runs["sup"].xpath("w:rPr/w:vertAlign/@w:val", namespaces=NS) == ["superscript"]
    assert runs["red"].xpath("w:rPr/w:color/@w:val", namespaces=NS) == ["FF0000"]
    assert runs["code"].xpath("w:rPr/w:rStyle/@w:val", namespaces=NS) == [
        out.style_id("Scroll Inline Code")
    ]


def test_mentions_emoticons_dates_status_and_anchors(write: WriteDocument) -> None:
    out = write(
        [
            para(
                ast.UserMention(username="jdoe", display_name="Jane Doe"),
                " ",
                ast.UserMention(username="bob"),
                ast.Emoticon("smile", "\U0001f642"),
                ast.Date("2024-05-01"),
                ast.Status("Done", "Green"),
                ast.Anchor("here"),
            )
        ]
    )
    body_text = out.text(out.body)
    assert "Jane Doe" in body_text
    assert "bob" in body_text
    assert "\u263a" in body_text  # the smile emoticon, as a text-style symbol
    assert "1 May 2024" in body_text
    (status,) = [r for r in out.xpath("//w:r") if "Done" in out.text(r)]
    assert status.xpath("w:rPr/w:shd/@w:fill", namespaces=NS) == ["E3FCEF"]
    assert out.xpath("//w:bookmarkStart/@w:name") == ["here"]


def test_whitespace_is_preserved_and_control_characters_dropped(write: WriteDocument) -> None:
    out = write([para("  two leading\x07 spaces ")])
    (t,) = [t for t in out.xpath("//w:t") if "leading" in (t.text or "")]
    assert t.text == "  two leading spaces "
    assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_paragraph_alignment_and_indent(write: WriteDocument) -> None:
    out = write([ast.Paragraph([text("centred")], align="center", indent=2)])
    (p,) = [p for p in out.xpath("//w:p") if out.text(p) == "centred"]
    assert p.xpath("w:pPr/w:jc/@w:val", namespaces=NS) == ["center"]
    assert p.xpath("w:pPr/w:ind/@w:left", namespaces=NS) == ["900"]


def test_blocks_have_their_scroll_styles(write: WriteDocument) -> None:
    out = write(
        [
            ast.BlockQuote([para("quoted")]),
            ast.Admonition("info", [para("info body")], title="Info title"),
            ast.Admonition("warning", [para("warn")]),
            ast.Expand("More", [para("expanded")]),
            ast.Columns([ast.Column([para("left")]), ast.Column([para("right")])]),
        ]
    )
    assert [out.text(p) for p in out.paragraphs_in("Scroll Quote")] == ["quoted"]
    assert [out.text(p) for p in out.paragraphs_in("Scroll Info")] == ["Info title", "info body"]
    assert [out.text(p) for p in out.paragraphs_in("Scroll Warning")] == ["warn"]
    assert [out.text(p) for p in out.paragraphs_in("Scroll Expand Macro Text")] == ["expanded"]
    assert [out.text(p) for p in out.paragraphs_in("Scroll Section Column")] == ["left", "right"]
    (box,) = [t for t in out.xpath("//w:tbl") if "info body" in out.text(t)]
    assert box.xpath(".//w:tcPr/w:shd/@w:fill", namespaces=NS) == ["DEEBFF"]


def test_page_breaks_and_landscape_sections(write: WriteDocument) -> None:
    out = write(
        [
            para("before"),
            ast.PageBreak(),
            ast.OrientedSection(True, [para("wide")]),
            para("after"),
        ]
    )
    assert out.xpath("//w:br[@w:type='page']")
    sections = out.xpath("//w:sectPr")
    orientations = [s.xpath("w:pgSz/@w:orient", namespaces=NS) for s in sections]
    assert orientations == [[], ["landscape"], []]
    landscape = sections[1].xpath("w:pgSz", namespaces=NS)[0]
    assert int(landscape.get(W + "w")) > int(landscape.get(W + "h"))
    assert not sections[1].xpath("w:titlePg", namespaces=NS)


def test_unresolved_includes_show_a_placeholder_and_a_warning(write: WriteDocument) -> None:
    out = write([ast.IncludePage("Elsewhere"), ast.ChildrenList(), para("kept")])
    assert "kept" in out.text(out.body)
    assert "[included page 'Elsewhere' not resolved]" in out.text(out.body)
    assert any("Elsewhere" in w for w in out.warnings)


def test_document_without_blocks_still_writes(write: WriteDocument) -> None:
    out = write([])
    assert out.xpath("//w:sectPr")


def test_progress_is_reported_and_cancel_stops_the_export(tmp_path: Path) -> None:
    blocks: list[ast.Block] = [para(f"p{n}") for n in range(40)]
    reports: list[tuple[int, int]] = []
    write_docx(
        ast.Document("T", blocks), tmp_path / "a.docx", progress=lambda d, t: reports.append((d, t))
    )
    assert reports[-1] == (40, 40)
    assert all(t == 40 for _, t in reports)
    checks = iter([False, True])
    with pytest.raises(ExportCancelled):
        write_docx(
            ast.Document("T", blocks), tmp_path / "b.docx", is_cancelled=lambda: next(checks)
        )


def test_links_to_bookmarks_that_never_appear_are_reported(write: WriteDocument) -> None:
    out = write(
        [
            para(ast.Link(ast.InternalTarget("later"), [text("fine")])),
            para(ast.Link(ast.InternalTarget("nowhere"), [text("broken")])),
            ast.Heading(1, [text("Later")], bookmarks=["later"]),
        ]
    )
    assert out.warnings == ["Link to nowhere has no target in the document"]


def test_panel_titles_are_readable_on_their_title_bar(write: WriteDocument) -> None:
    out = write(
        [
            ast.Admonition("panel", [para("dark")], title="You need", title_background="#0052CC"),
            ast.Admonition("panel", [para("light")], title="Light bar", title_background="#FFF0B3"),
            ast.Admonition("panel", [para("plain")], title="No bar"),
        ]
    )
    colours = {}
    for title in ("You need", "Light bar", "No bar"):
        (run,) = [r for r in out.xpath("//w:r[w:rPr/w:b]") if out.text(r) == title]
        colours[title] = run.xpath("w:rPr/w:color/@w:val", namespaces=NS)
    assert colours == {"You need": ["FFFFFF"], "Light bar": ["000000"], "No bar": []}
    (box,) = [t for t in out.xpath("//w:tbl") if "You need" in out.text(t)]
    bar, body = box.xpath("w:tr", namespaces=NS)
    assert out.text(bar) == "You need", "the title is a full-width bar above the body"
    assert bar.xpath("w:tc/w:tcPr/w:shd/@w:fill", namespaces=NS) == ["0052CC"]
    assert bar.xpath("w:trPr/w:cantSplit", namespaces=NS)
    assert out.text(body) == "dark"


def test_emoticons_print_as_symbols_fonts_carry(write: WriteDocument) -> None:
    emoticons = [
        ast.Emoticon("smile", "\U0001f642"),
        ast.Emoticon("tick", "\u2705"),
        ast.Emoticon("warning", "\u26a0\ufe0f"),
        ast.Emoticon("", "\U0001f44d"),  # an emoji by id, no Confluence name
        ast.Emoticon("grinning-cat", "\U0001f638"),
        ast.Emoticon("unknown", ""),
    ]
    out = write([para(*emoticons)])
    (p,) = [p for p in out.xpath("//w:p") if "(unknown)" in out.text(p)]
    runs = [(out.text(r), r.xpath("w:rPr/w:rFonts/@w:ascii", namespaces=NS)) for r in p[1:]]
    assert runs == [
        ("\u263a", ["Segoe UI Symbol"]),
        ("\u2714", ["Segoe UI Symbol"]),
        ("\u26a0", ["Segoe UI Symbol"]),
        ("\U0001f44d", ["Segoe UI Emoji"]),  # emoji stay emoji
        ("\U0001f638", ["Segoe UI Emoji"]),
        ("(unknown)", []),
    ]
    assert p[2].xpath("w:rPr/w:color/@w:val", namespaces=NS) == ["00875A"]
