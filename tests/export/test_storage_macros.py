"""Storage format reader: Confluence macros."""

from __future__ import annotations

import pytest

from pressroom.export.ast import (
    Admonition,
    Anchor,
    Block,
    ChildrenList,
    CodeBlock,
    Column,
    Columns,
    Div,
    Expand,
    Heading,
    IncludePage,
    LineBreak,
    Paragraph,
    Placeholder,
    Status,
    Styled,
    Table,
    TableOfContents,
    Text,
)
from pressroom.export.storage import read_storage


def macro(name: str, body: str = "", **parameters: str) -> str:
    params = "".join(
        f'<ac:parameter ac:name="{key}">{value}</ac:parameter>' for key, value in parameters.items()
    )
    opening = f'<ac:structured-macro ac:name="{name}" ac:schema-version="1">'
    return f"{opening}{params}{body}</ac:structured-macro>"


def rich(xml: str) -> str:
    return f"<ac:rich-text-body>{xml}</ac:rich-text-body>"


def plain(text: str) -> str:
    return f"<ac:plain-text-body><![CDATA[{text}]]></ac:plain-text-body>"


def para(text: str) -> Paragraph:
    return Paragraph([Text(text)])


def only_block(xml: str) -> Block:
    body = read_storage(xml)
    assert len(body.blocks) == 1, body.blocks
    return body.blocks[0]


def test_code_macro_with_all_parameters() -> None:
    xml = macro(
        "code",
        plain('def f():\n    return "<&>"\n'),
        language="Python",
        title="Example",
        linenumbers="true",
        firstline="10",
    )
    assert only_block(xml) == CodeBlock(
        'def f():\n    return "<&>"',
        language="python",
        title="Example",
        line_numbers=True,
        first_line=10,
    )


def test_legacy_macro_element() -> None:
    xml = (
        '<ac:macro ac:name="code">'
        "<ac:plain-text-body><![CDATA[x = 1]]></ac:plain-text-body></ac:macro>"
    )
    assert only_block(xml) == CodeBlock("x = 1")


def test_noformat_macro() -> None:
    assert only_block(macro("noformat", plain("  keep   spaces"))) == CodeBlock("  keep   spaces")


@pytest.mark.parametrize("kind", ["info", "note", "tip", "warning"])
def test_admonition_macros(kind: str) -> None:
    xml = macro(kind, rich("<p>careful</p>"), title="Heads up")
    assert only_block(xml) == Admonition(kind, [para("careful")], title="Heads up")  # type: ignore[arg-type]


def test_panel_macro_colours() -> None:
    xml = macro(
        "panel",
        rich("<p>x</p>"),
        title="T",
        bgColor="#FFFAE6",
        borderColor="#f00",
        titleBGColor="rgb(1,2,3)",
    )
    assert only_block(xml) == Admonition(
        "panel",
        [para("x")],
        title="T",
        background="#fffae6",
        border_color="#ff0000",
        title_background="#010203",
    )


def test_expand_macro() -> None:
    assert only_block(macro("expand", rich("<p>hidden</p>"), title="More")) == Expand(
        "More", [para("hidden")]
    )
    assert only_block(macro("expand", rich("<p>h</p>"))) == Expand(
        "Click here to expand...", [para("h")]
    )


def test_toc_macro_levels() -> None:
    assert only_block(macro("toc", minLevel="2", maxLevel="3")) == TableOfContents(2, 3)
    assert only_block(macro("toc", maxLevel="nonsense")) == TableOfContents(1, 6)


def test_anchor_macro() -> None:
    body = read_storage(f"<p>{macro('anchor', **{'': 'install'})}Install</p>")
    assert body.blocks == [Paragraph([Anchor("install"), Text("Install")])]


def test_anchor_inside_heading_joins_heading_children() -> None:
    body = read_storage(f"<h2>{macro('anchor', **{'': 'a1'})}Title</h2>")
    assert body.blocks[0].children == [Anchor("a1"), Text("Title")]  # type: ignore[union-attr]


def test_status_macro() -> None:
    body = read_storage(f"<p>{macro('status', title='DONE', colour='Green', subtle='true')}</p>")
    assert body.blocks == [Paragraph([Status("DONE", "Green", subtle=True)])]


def test_status_macro_with_unknown_colour_is_grey() -> None:
    body = read_storage(f"<p>{macro('status', title='X', colour='Chartreuse')}</p>")
    assert body.blocks == [Paragraph([Status("X", "Grey")])]


def test_excerpt_rendered_in_place_and_stored() -> None:
    body = read_storage(macro("excerpt", rich("<p>summary</p>")))
    assert body.blocks == [Div([para("summary")])]
    assert body.excerpt == [para("summary")]
    assert body.excerpt[0] is not body.blocks[0].blocks[0]  # type: ignore[union-attr]


def test_hidden_excerpt_is_stored_only() -> None:
    body = read_storage(macro("excerpt", rich("<p>summary</p>"), hidden="true"))
    assert body.blocks == []
    assert body.excerpt == [para("summary")]


PAGE_LINK = '<ac:link><ri:page ri:space-key="DOC" ri:content-title="Shared" /></ac:link>'


def test_include_macro() -> None:
    assert only_block(macro("include", **{"": PAGE_LINK})) == IncludePage("Shared", "DOC")


def test_excerpt_include_macro() -> None:
    assert only_block(macro("excerpt-include", **{"": PAGE_LINK}, nopanel="true")) == IncludePage(
        "Shared", "DOC", excerpt_only=True
    )


def test_include_of_space_colon_title_text() -> None:
    assert only_block(macro("include", **{"": "DOC:Shared"})) == IncludePage("Shared", "DOC")


def test_include_without_page_warns() -> None:
    body = read_storage(macro("include"))
    assert body.blocks == []
    assert body.warnings == ["include macro names no page; left out"]


def test_children_macro() -> None:
    xml = macro("children", page=PAGE_LINK, depth="2", sort="title", reverse="true")
    assert only_block(xml) == ChildrenList(
        "Shared", depth=2, sort="title", reverse=True, space_key="DOC"
    )
    assert only_block(macro("children", all="true")) == ChildrenList(depth=0)


def test_jira_macro_is_a_placeholder() -> None:
    body = read_storage(f"<p>{macro('jira', key='PROJ-1', server='System JIRA')}</p>")
    assert body.blocks == [Paragraph([Placeholder("PROJ-1")])]


def test_section_and_columns_with_pixel_widths() -> None:
    xml = macro(
        "section",
        rich(
            macro("column", rich("<p>left</p>"), width="100px")
            + macro("column", rich("<p>right</p>"), width="300px")
        ),
    )
    assert only_block(xml) == Columns([Column([para("left")], 25.0), Column([para("right")], 75.0)])


def test_section_columns_with_percent_and_free_widths() -> None:
    xml = macro(
        "section",
        rich(macro("column", rich("<p>a</p>"), width="30%") + macro("column", rich("<p>b</p>"))),
    )
    assert only_block(xml) == Columns([Column([para("a")], 30.0), Column([para("b")], None)])


def test_page_properties_are_collected_and_rendered() -> None:
    table = (
        "<table><tbody><tr><th>Owner</th><td><p>Jane <strong>Doe</strong></p></td></tr>"
        "<tr><th>Status</th><td>Draft</td></tr></tbody></table>"
    )
    body = read_storage(macro("details", rich(table)))
    assert body.page_properties == {"Owner": "Jane Doe", "Status": "Draft"}
    assert len(body.blocks) == 1
    assert isinstance(body.blocks[0], Table)


def test_page_properties_skip_header_rows() -> None:
    table = "<table><tr><th>Key</th><th>Value</th></tr><tr><td>Owner</td><td>Ann</td></tr></table>"
    assert read_storage(macro("details", rich(table))).page_properties == {"Owner": "Ann"}


def test_hidden_page_properties_are_not_rendered() -> None:
    table = "<table><tr><th>K</th><td>V</td></tr></table>"
    body = read_storage(macro("details", rich(table), hidden="true"))
    assert body.page_properties == {"K": "V"}
    assert body.blocks == []


def test_unknown_macro_renders_rich_body_with_warning() -> None:
    body = read_storage(macro("fancy-thing", rich("<p>inside</p>")))
    assert body.blocks == [Div([para("inside")])]
    assert body.warnings == ["unsupported macro 'fancy-thing': rendered its body only"]


def test_unknown_macro_without_body_shows_a_placeholder_with_warning() -> None:
    body = read_storage(macro("livesearch", spaceKey="DOC"))
    assert body.blocks == [Paragraph([Placeholder("[unsupported macro: livesearch]")])]
    assert body.warnings == ["unsupported macro 'livesearch': shown as a placeholder"]


def test_block_macro_in_running_text_is_flattened() -> None:
    body = read_storage(f"<p><strong>a {macro('info', rich('<p>b</p><p>c</p>'))}</strong></p>")
    assert body.blocks == [Paragraph([Styled("strong", [Text("a b"), LineBreak(), Text("c")])])]


ANCHOR = macro("anchor", **{"": "here"})


def test_anchor_alone_before_a_heading_joins_the_heading() -> None:
    body = read_storage(f"<p>{ANCHOR}</p><h2>Title</h2>")
    assert body.blocks == [Heading(2, [Anchor("here"), Text("Title")], ["Title"])]


def test_anchor_alone_before_a_table_keeps_its_own_paragraph() -> None:
    body = read_storage(f"{ANCHOR}<table><tr><td>x</td></tr></table>")
    assert body.blocks[0] == Paragraph([Anchor("here")])
    assert isinstance(body.blocks[1], Table)


def test_anchor_at_the_end_keeps_its_own_paragraph() -> None:
    assert read_storage(f"<p>text</p><p>{ANCHOR}</p>").blocks == [
        para("text"),
        Paragraph([Anchor("here")]),
    ]
