"""Storage format reader: the Scroll exporter macros."""

from __future__ import annotations

import pytest

from pressroom.export.ast import (
    Anchor,
    IndexTerm,
    OrientedSection,
    PageBreak,
    Paragraph,
    Table,
    Text,
)
from pressroom.export.storage import Exporter, read_storage


def macro(macro_name: str, body: str = "", **parameters: str) -> str:
    params = "".join(
        f'<ac:parameter ac:name="{key}">{value}</ac:parameter>' for key, value in parameters.items()
    )
    return f'<ac:structured-macro ac:name="{macro_name}">{params}{body}</ac:structured-macro>'


def rich(xml: str) -> str:
    return f"<ac:rich-text-body>{xml}</ac:rich-text-body>"


KEPT = [Paragraph([Text("body")])]


@pytest.mark.parametrize(
    ("parameters", "exporter", "kept"),
    [
        ({}, "word", False),
        ({}, "pdf", False),
        ({"exporter": "word"}, "word", False),
        ({"exporter": "word"}, "pdf", True),
        ({"exporter": "pdf"}, "word", True),
        ({"exporter": "pdf"}, "pdf", False),
        ({"exporter": "pdf,word"}, "word", False),
        ({"exporter": "html"}, "word", True),
    ],
)
def test_scroll_ignore(parameters: dict[str, str], exporter: Exporter, kept: bool) -> None:
    body = read_storage(macro("scroll-ignore", rich("<p>body</p>"), **parameters), exporter)
    assert body.blocks == (KEPT if kept else [])


@pytest.mark.parametrize(
    ("parameters", "exporter", "kept"),
    [
        ({}, "word", True),
        ({"exporter": "word"}, "word", True),
        ({"exporter": "word"}, "pdf", False),
        ({"exporter": "pdf"}, "word", False),
        ({"exporter": "pdf"}, "pdf", True),
        ({"exporter": "word, pdf"}, "pdf", True),
    ],
)
def test_scroll_only(parameters: dict[str, str], exporter: Exporter, kept: bool) -> None:
    body = read_storage(macro("scroll-only", rich("<p>body</p>"), **parameters), exporter)
    assert body.blocks == (KEPT if kept else [])


@pytest.mark.parametrize(
    ("name", "exporter", "kept"),
    [
        ("scroll-ignore-inline", "word", False),
        ("scroll-only-inline", "word", True),
        ("scroll-pdf-ignore-inline", "pdf", False),
        ("scroll-pdf-ignore-inline", "word", True),
    ],
)
def test_inline_variants_keep_the_sentence(name: str, exporter: Exporter, kept: bool) -> None:
    xml = f"<p>a {macro(name, rich('middle'))} b</p>"
    expected = "a middle b" if kept else "a b"
    assert read_storage(xml, exporter).blocks == [Paragraph([Text(expected)])]


def test_inline_exporter_parameter() -> None:
    xml = f"<p>a {macro('scroll-only-inline', rich('pdf only'), exporter='pdf')} b</p>"
    assert read_storage(xml, "word").blocks == [Paragraph([Text("a b")])]
    assert read_storage(xml, "pdf").blocks == [Paragraph([Text("a pdf only b")])]


@pytest.mark.parametrize(
    ("name", "exporter", "kept"),
    [
        ("scroll-pdf-ignore", "pdf", False),
        ("scroll-pdf-ignore", "word", True),
        ("scroll-pdf-only", "pdf", True),
        ("scroll-pdf-only", "word", False),
    ],
)
def test_pdf_macros(name: str, exporter: Exporter, kept: bool) -> None:
    body = read_storage(macro(name, rich("<p>body</p>")), exporter)
    assert body.blocks == (KEPT if kept else [])


def test_scroll_pagebreak() -> None:
    assert read_storage(macro("scroll-pagebreak")).blocks == [PageBreak()]


@pytest.mark.parametrize(
    ("name", "landscape"), [("scroll-landscape", True), ("scroll-portrait", False)]
)
def test_orientation_macros(name: str, landscape: bool) -> None:
    assert read_storage(macro(name, rich("<p>wide</p>"))).blocks == [
        OrientedSection(landscape, [Paragraph([Text("wide")])])
    ]


def test_scroll_title_overrides_the_page_title() -> None:
    body = read_storage(macro("scroll-title", title="Short Title", type="title") + "<p>x</p>")
    assert body.title_override == "Short Title"
    assert body.blocks == [Paragraph([Text("x")])]


def test_scroll_pagetitle_from_body() -> None:
    body = read_storage(macro("scroll-pagetitle", rich("<p>Export <em>Title</em></p>")))
    assert body.title_override == "Export Title"
    assert body.blocks == []


def test_scroll_indexterm_entry_and_subentry() -> None:
    xml = f"<p>Widgets{macro('scroll-indexterm', entry='widget', subentry='blue')}</p>"
    assert read_storage(xml).blocks == [Paragraph([Text("Widgets"), IndexTerm("widget:blue")])]


def test_scroll_indexterm_without_entry_uses_body() -> None:
    xml = f"<p>{macro('scroll-indexterm', rich('gears'))}</p>"
    assert read_storage(xml).blocks == [Paragraph([IndexTerm("gears"), Text("gears")])]


def test_scroll_bookmark() -> None:
    xml = f"<p>{macro('scroll-bookmark', name='intro')}Intro</p>"
    assert read_storage(xml).blocks == [Paragraph([Anchor("intro"), Text("Intro")])]


def test_scroll_content_block_renders_body() -> None:
    assert read_storage(macro("scroll-content-block", rich("<p>body</p>"))).blocks == KEPT


def test_scroll_tablelayout_sets_widths_of_its_table() -> None:
    table = "<table><tr><td>a</td><td>b</td></tr></table>"
    xml = macro("scroll-tablelayout", rich(table), widths="30%,70%", tableWidth="90%")
    [block] = read_storage(xml).blocks
    assert isinstance(block, Table)
    assert block.column_widths == [30.0, 70.0]
    assert block.width_percent == 90.0


def test_scroll_tablelayout_without_widths_keeps_table_widths() -> None:
    table = '<table><colgroup><col style="width: 50px"/></colgroup><tr><td>a</td></tr></table>'
    [block] = read_storage(macro("scroll-tablelayout", rich(table))).blocks
    assert isinstance(block, Table)
    assert block.column_widths == [50.0]
