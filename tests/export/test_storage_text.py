"""Storage format reader: headings, paragraphs, inline formatting, entities."""

from __future__ import annotations

import pytest

from pressroom.export.ast import (
    Block,
    BlockQuote,
    CodeBlock,
    Colored,
    Date,
    Heading,
    HorizontalRule,
    LineBreak,
    Paragraph,
    Styled,
    Text,
)
from pressroom.export.storage import read_storage


def only_block(xml: str) -> Block:
    body = read_storage(xml)
    assert len(body.blocks) == 1, body.blocks
    return body.blocks[0]


def only_paragraph(xml: str) -> Paragraph:
    block = only_block(xml)
    assert isinstance(block, Paragraph)
    return block


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_headings_keep_their_level_and_text(level: int) -> None:
    assert only_block(f"<h{level}>Getting started</h{level}>") == Heading(
        level, [Text("Getting started")], ["Getting started", "Gettingstarted"]
    )


def test_heading_bookmarks_use_the_plain_heading_text() -> None:
    heading = only_block("<h2>Install <strong>now</strong>!</h2>")
    assert isinstance(heading, Heading)
    assert heading.bookmarks == ["Install now!", "Installnow!"]


def test_heading_id_is_a_bookmark_too() -> None:
    heading = only_block('<h1 id="Guide-Overview">Overview</h1>')
    assert isinstance(heading, Heading)
    assert heading.bookmarks == ["Overview", "Guide-Overview"]


def test_paragraph_text_and_whitespace_collapse() -> None:
    assert only_paragraph("<p>\n  Hello \n\t world  </p>") == Paragraph([Text("Hello world")])


def test_paragraph_alignment_from_style() -> None:
    assert only_paragraph('<p style="text-align: right;">x</p>').align == "right"
    assert only_paragraph('<p style="text-align:center">x</p>').align == "center"
    assert only_paragraph('<p style="text-align: justify">x</p>').align == "justify"


def test_paragraph_indentation_in_editor_steps() -> None:
    assert only_paragraph('<p style="margin-left: 30.0px;">x</p>').indent == 1
    assert only_paragraph('<p style="margin-left: 90px;">x</p>').indent == 3
    assert only_paragraph('<p style="padding-left: 60px;">x</p>').indent == 2


def test_empty_paragraphs_are_dropped() -> None:
    assert read_storage("<p></p><p> </p><p><br/></p>").blocks == []


def test_loose_text_becomes_a_paragraph() -> None:
    assert read_storage("just text <em>here</em>").blocks == [
        Paragraph([Text("just text "), Styled("em", [Text("here")])])
    ]


@pytest.mark.parametrize(
    ("tag", "style"),
    [
        ("strong", "strong"),
        ("b", "strong"),
        ("em", "em"),
        ("i", "em"),
        ("u", "underline"),
        ("s", "strike"),
        ("del", "strike"),
        ("strike", "strike"),
        ("sup", "sup"),
        ("sub", "sub"),
        ("code", "code"),
        ("small", "small"),
        ("big", "big"),
    ],
)
def test_inline_styles(tag: str, style: str) -> None:
    assert only_paragraph(f"<p>a <{tag}>b</{tag}> c</p>") == Paragraph(
        [Text("a "), Styled(style, [Text("b")]), Text(" c")]  # type: ignore[arg-type]
    )


def test_nested_inline_styles() -> None:
    paragraph = only_paragraph("<p><strong><em>both</em></strong></p>")
    assert paragraph.children == [Styled("strong", [Styled("em", [Text("both")])])]


@pytest.mark.parametrize(
    ("style", "colour"),
    [
        ("color: #FF0000", "#ff0000"),
        ("color: #f00", "#ff0000"),
        ("color: rgb(0, 128, 255)", "#0080ff"),
        ("color: red", "#ff0000"),
    ],
)
def test_span_colour_normalised(style: str, colour: str) -> None:
    paragraph = only_paragraph(f'<p><span style="{style};">red</span></p>')
    assert paragraph.children == [Colored(colour, [Text("red")])]


def test_span_with_unknown_colour_keeps_text() -> None:
    paragraph = only_paragraph('<p><span style="color: var(--x)">t</span></p>')
    assert paragraph.children == [Text("t")]


def test_span_text_decoration_as_confluence_stores_strike_and_underline() -> None:
    paragraph = only_paragraph(
        '<p><span style="text-decoration: line-through;">gone</span>'
        '<span style="text-decoration: underline;">under</span></p>'
    )
    assert paragraph.children == [
        Styled("strike", [Text("gone")]),
        Styled("underline", [Text("under")]),
    ]


def test_heading_bookmarks_ignore_anchor_macro_names() -> None:
    heading = only_block(
        '<h2><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">x</ac:parameter>'
        "</ac:structured-macro>Real title</h2>"
    )
    assert isinstance(heading, Heading)
    assert heading.bookmarks == ["Real title", "Realtitle"]


def test_line_break_inside_paragraph() -> None:
    paragraph = only_paragraph("<p>one <br/>\n two<br/></p>")
    assert paragraph.children == [Text("one"), LineBreak(), Text("two")]


def test_horizontal_rule() -> None:
    assert only_block("<hr/>") == HorizontalRule()


def test_blockquote_holds_paragraphs() -> None:
    assert only_block("<blockquote><p>quoted</p></blockquote>") == BlockQuote(
        [Paragraph([Text("quoted")])]
    )


def test_pre_keeps_whitespace_and_line_breaks() -> None:
    assert only_block("<pre>a  b\n  c<br/>d</pre>") == CodeBlock("a  b\n  c\nd")


def test_time_element_becomes_a_date() -> None:
    paragraph = only_paragraph('<p>due <time datetime="2024-05-01" /></p>')
    assert paragraph.children == [Text("due "), Date("2024-05-01")]


def test_html_named_entities_are_resolved() -> None:
    paragraph = only_paragraph("<p>a&nbsp;b &rarr; &ouml; &amp; &lt;x&gt; &#233; &#x263A;</p>")
    assert paragraph.children == [Text("a\u00a0b \u2192 \u00f6 & <x> \u00e9 \u263a")]


def test_unknown_entity_stays_visible_text() -> None:
    body = read_storage("<p>&bogus; &amp</p>")
    assert body.blocks == [Paragraph([Text("&bogus; &amp")])]


def test_cdata_in_paragraph_is_text() -> None:
    assert only_paragraph("<p><![CDATA[a < b]]></p>").children == [Text("a < b")]


def test_unknown_wrapper_elements_are_transparent() -> None:
    assert read_storage("<div><p>one</p><section><p>two</p></section></div>").blocks == [
        Paragraph([Text("one")]),
        Paragraph([Text("two")]),
    ]


def test_block_macro_inside_paragraph_splits_it() -> None:
    blocks = read_storage(
        '<p>before<ac:structured-macro ac:name="noformat">'
        "<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>"
        "</ac:structured-macro>after</p>"
    ).blocks
    assert blocks == [Paragraph([Text("before")]), CodeBlock("x"), Paragraph([Text("after")])]
