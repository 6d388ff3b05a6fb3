"""Storage format reader on hostile and garbled input: it never fails, never expands
entities, never reads files or the network, and stays fast.

The suite runs strict (tests/conftest.py): a failure inside any element raises here
instead of becoming a placeholder, so "never fails" means no element ever failed."""

from __future__ import annotations

import html
import html.entities
import io
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.ast import PageBody, Paragraph, Text
from pressroom.export.docx import write_docx
from pressroom.export.storage import read_storage
from pressroom.export.storage_markup import colour

FRAGMENTS = [
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<ol start='x'>",
    "<table>",
    "<tr>",
    "<td colspan='-5'>",
    "<td colspan='x' rowspan='99999999999999999999'>",
    "<th rowspan='0' colspan=' 2 '>",
    "</td>",
    "</table>",
    "<strong>",
    "</strong>",
    "<br/>",
    "<hr>",
    "<span style='color:'>",
    "</span>",
    '<ac:structured-macro ac:name="info">',
    '<ac:structured-macro ac:name="code">',
    '<ac:structured-macro ac:name="section">',
    '<ac:structured-macro ac:name="column">',
    '<ac:structured-macro ac:name="scroll-only-inline">',
    '<ac:structured-macro ac:name="details">',
    "</ac:structured-macro>",
    "<ac:rich-text-body>",
    "</ac:rich-text-body>",
    '<ac:parameter ac:name="">',
    '<ac:parameter ac:name="exporter">',
    "</ac:parameter>",
    "<ac:plain-text-body><![CDATA[",
    "]]></ac:plain-text-body>",
    "<ac:link>",
    '<ri:page ri:content-title="T"/>',
    "</ac:link>",
    "<ac:image>",
    "</ac:image>",
    "<ac:task-list><ac:task><ac:task-body>",
    "</ac:task-body></ac:task></ac:task-list>",
    "<ac:layout><ac:layout-section><ac:layout-cell>",
    "</ac:layout-cell></ac:layout-section></ac:layout>",
    '<ac:emoticon ac:emoji-id="atlassian-check_mark" ac:emoji-shortname=":check_mark:"/>',
    '<ac:emoticon ac:name="blue-star" ac:emoji-id="3a7d5b1c2f3a7d5b1c2f3a7d5b1c2f"/>',
    '<ac:emoticon ac:emoji-id="1f1f0-1f1f7" ac:emoji-fallback=":flag_kr:"/>',
    '<ac:emoticon ac:emoji-id="d800-110000-"/>',
    "<ac:adf-extension>",
    '<ac:adf-node type="decision-list">',
    '<ac:adf-node type="decision-item">',
    '<ac:adf-node type="panel">',
    '<ac:adf-attribute key="state">',
    '<ac:adf-attribute key="panel-color">',
    "</ac:adf-attribute>",
    "<ac:adf-content>",
    "</ac:adf-content>",
    "</ac:adf-node>",
    "<ac:adf-fallback>",
    "</ac:adf-fallback>",
    "</ac:adf-extension>",
    '<ac:structured-macro ac:name="view-file">',
    '<ac:structured-macro ac:name="ui-tab">',
    '<ac:structured-macro ac:name="detailssummary">',
    '<ac:structured-macro ac:name="contentbylabel">',
    '<ac:structured-macro ac:name="jira">',
    '<ac:parameter ac:name="cql">',
    '<ac:parameter ac:name="name">',
    '<ri:attachment ri:filename="a.pdf"/>',
    "<ac:caption>",
    "</ac:caption>",
    '<ac:adf-mark key="border"/>',
    '<time datetime="2024-13-45"/>',
    "<ac:placeholder>",
    "</ac:placeholder>",
    '<a href="https://x" data-card-appearance="block">',
    "</a>",
    '<ri:user ri:account-id="5b10"/>',
    "&nbsp;",
    "&",
    "&#0;",
    "&#x110000;",
    "&unknown;",
    "<",
    ">",
    "]]>",
    "<!--",
    "-->",
    "<?pi x?>",
    "<!DOCTYPE x [",
    "<foo:bar>",
    "</foo:bar>",
    "\x00",
    "\ud800",
    "text",
    " ",
]

PAGE_SETTINGS = settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow]
)


tag_soup = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=80)


@PAGE_SETTINGS
@given(tag_soup)
def test_tag_soup_never_fails(parts: list[str]) -> None:
    body = read_storage("".join(parts))
    assert isinstance(body, PageBody)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag_soup)
def test_tag_soup_assembles_and_writes_a_document(parts: list[str]) -> None:
    page = PageSource(id="1", title="Soup", space_key="DOC", storage="".join(parts))
    document = assemble(PageIndex([page]), ExportOptions("1"))
    out = io.BytesIO()
    write_docx(document, out)
    assert zipfile.ZipFile(out).testzip() is None


# Well-formed elements whose numbers, sizes and colours are hostile: tag soup rarely builds
# the context (a cell inside a row inside a table) in which such a value is read.
HOSTILE_VALUE_CONTEXTS = [
    "<table><tbody><tr><td colspan='{v}' rowspan='{v}'>x</td><th colspan='{v}'>y</th></tr>"
    "</tbody></table>",
    "<table><colgroup><col style='width: {v}'/></colgroup><tbody><tr><td>x</td></tr></tbody>"
    "</table>",
    "<ol start='{v}'><li>x</li></ol>",
    "<p style='color: {v}; text-align: {v}; margin-left: {v}'>x</p>",
    "<p><span style='background-color: {v}'>x</span></p>",
    '<ac:image ac:width="{v}" ac:height="{v}"><ri:attachment ri:filename="a.png"/></ac:image>',
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="firstline">{v}</ac:parameter>'
    '<ac:parameter ac:name="linenumbers">{v}</ac:parameter>'
    "<ac:plain-text-body><![CDATA[x = 1]]></ac:plain-text-body></ac:structured-macro>",
    '<ac:structured-macro ac:name="toc"><ac:parameter ac:name="minLevel">{v}</ac:parameter>'
    '<ac:parameter ac:name="maxLevel">{v}</ac:parameter></ac:structured-macro><h1>a</h1>',
    '<ac:structured-macro ac:name="children"><ac:parameter ac:name="depth">{v}'
    "</ac:parameter></ac:structured-macro>",
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">{v}</ac:parameter>'
    '<ac:parameter ac:name="title">{v}</ac:parameter></ac:structured-macro>',
    '<ac:structured-macro ac:name="panel"><ac:parameter ac:name="bgColor">{v}</ac:parameter>'
    "<ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>",
    '<ac:emoticon ac:name="{v}" ac:emoji-id="{v}" ac:emoji-shortname="{v}"'
    ' ac:emoji-fallback="{v}"/>',
    '<ac:structured-macro ac:name="recently-updated"><ac:parameter ac:name="max">{v}'
    "</ac:parameter></ac:structured-macro>",
]
hostile_values = (
    st.sampled_from(
        [
            *["", "x", "-5", " 2 ", "0", "1e9", "NaN", "0x10", "99999999999999999999", "-0"],
            *["1.5", "rgb(999, 300, 256)", "#GGG", "#12345", "var(--x)", "1e400px", "-3em"],
        ]
    )
    | st.integers().map(str)
    | st.text(max_size=12)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HOSTILE_VALUE_CONTEXTS), hostile_values)
def test_hostile_numbers_sizes_and_colours_never_fail(context: str, value: str) -> None:
    storage = context.format(v=html.escape(value, quote=True))
    page = PageSource(id="1", title="Values", space_key="DOC", storage=storage)
    document = assemble(PageIndex([page]), ExportOptions("1"))
    out = io.BytesIO()
    write_docx(document, out)
    assert zipfile.ZipFile(out).testzip() is None


@settings(max_examples=300, deadline=None)
@given(hostile_values | st.from_regex(r"rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)"))
def test_a_colour_is_always_six_hex_digits_or_none(value: str) -> None:
    result = colour(value)
    assert result is None or re.fullmatch(r"#[0-9a-f]{6}", result), (value, result)


@PAGE_SETTINGS
@given(st.text(max_size=500))
def test_arbitrary_text_never_fails(text: str) -> None:
    assert isinstance(read_storage(text, "pdf"), PageBody)


@settings(max_examples=20, deadline=5000)
@given(
    st.sampled_from(
        [
            ("<div>", "</div>"),
            ("<ul><li>", "</li></ul>"),
            ("<table><tr><td>", "</td></tr></table>"),
            ("<strong>", "</strong>"),
            ("<blockquote>", "</blockquote>"),
            (
                '<ac:structured-macro ac:name="info"><ac:rich-text-body>',
                "</ac:rich-text-body></ac:structured-macro>",
            ),
            (
                '<ac:structured-macro ac:name="scroll-only-inline"><ac:rich-text-body>',
                "</ac:rich-text-body></ac:structured-macro>",
            ),
        ]
    ),
    st.booleans(),
)
def test_ten_thousand_levels_of_nesting(pair: tuple[str, str], closed: bool) -> None:
    opening, closing = pair
    xml = opening * 10_000 + "deep" + (closing * 10_000 if closed else "")
    body = read_storage(xml)
    assert isinstance(body, PageBody)
    assert body.warnings


@settings(max_examples=10, deadline=5000)
@given(
    st.sampled_from(
        [
            ("<div>", "</div>"),
            ("<blockquote>", "</blockquote>"),
            ("<ul><li>", "</li></ul>"),
            ("<table><tr><td>", "</td></tr></table>"),
            ("<strong>", "</strong>"),
        ]
    )
)
def test_nesting_the_parser_accepts_is_read_as_plain_text_past_the_reader_limit(
    pair: tuple[str, str],
) -> None:
    """240 levels of elements pass the parser (it stops at 256) but not the reader's
    depth limit, which keeps far from Python's recursion limit."""
    opening, closing = pair
    levels = 240 // opening.count("<")
    body = read_storage(opening * levels + "deep" + closing * levels + "<p>after</p>")
    assert "content nested too deeply: read as plain text" in body.warnings
    assert "deep" in all_text(body)
    assert body.blocks[-1] == Paragraph([Text("after")])


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<p>&lol9;</p><p title="&lol9;">x</p>"""


def all_text(body: PageBody) -> str:
    return repr(body)


@settings(max_examples=5, deadline=2000)
@given(st.sampled_from(["", "<p>before</p>"]))
def test_billion_laughs_is_not_expanded(prefix: str) -> None:
    body = read_storage(prefix + BILLION_LAUGHS)
    assert "lollol" not in all_text(body)
    assert len(all_text(body)) < 5_000


def test_doctype_in_the_middle_is_not_expanded_either() -> None:
    body = read_storage("<p>a</p>" + BILLION_LAUGHS.split("\n", 1)[1])
    assert "lollol" not in all_text(body)


def xxe_payloads(secret: Path) -> list[str]:
    uri = secret.as_uri()
    return [
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{uri}">]><p>&xxe;</p>',
        f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{uri}"> %p;]><p>x</p>',
        f'<!DOCTYPE x SYSTEM "{uri}"><p>&secret;</p>',
        f'<p>a</p><!DOCTYPE x [<!ENTITY xxe SYSTEM "{uri}">]><p>&xxe;</p>',
        f'<p xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="{uri}" parse="text"/></p>',
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><p>&xxe;</p>',
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]><p>&xxe;</p>',
    ]


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    for payload in xxe_payloads(secret):
        body = read_storage(payload)
        text = all_text(body)
        assert "TOP-SECRET-4711" not in text, payload
        assert "root:x:0:0" not in text, payload


@settings(max_examples=10, deadline=5000)
@given(st.sampled_from(["title", "ac:name", "style", "href"]), st.sampled_from(["a", "&amp;", "é"]))
def test_huge_attributes(attribute: str, unit: str) -> None:
    value = unit * 1_000_000
    body = read_storage(
        f'<p {attribute}="{value}"><a {attribute}="{value}">x</a>'
        f'<span {attribute}="{value}">y</span></p><p>after</p>'
    )
    assert Paragraph([Text("after")]) in body.blocks


def test_values_past_the_parser_limit_give_a_warning_not_a_failure() -> None:
    body = read_storage(f'<p title="{"a" * 11_000_000}">x</p>')
    assert body.blocks == []
    assert any("limit" in w for w in body.warnings)


def test_many_pages_worth_of_siblings() -> None:
    body = read_storage("<p>x</p>" * 50_000)
    assert len(body.blocks) == 50_000
    assert body.blocks[-1] == Paragraph([Text("x")])
    assert body.warnings == []


def test_unclosed_markup_is_recovered_with_a_warning() -> None:
    body = read_storage("<p>one<p>two</strong><ul><li>three")
    assert "one" in all_text(body)
    assert "three" in all_text(body)
    assert any("malformed" in w for w in body.warnings)


def plain_text(body: PageBody) -> str:
    return "".join(
        child.text
        for block in body.blocks
        if isinstance(block, Paragraph)
        for child in block.children
        if isinstance(child, Text)
    )


@PAGE_SETTINGS
@given(st.text(max_size=300))
def test_escaped_text_survives_word_for_word(text: str) -> None:
    body = read_storage(f"<p>{html.escape(text)}</p>")
    kept = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    expected = re.sub(r"[ \t\r\n\f]+", " ", kept).strip(" ")
    assert plain_text(body) == expected


ENTITY_NAMES = sorted(
    name[:-1]
    for name, value in html.entities.html5.items()
    if name.endswith(";") and not re.search(r"[\s<>&]", value)
)


@PAGE_SETTINGS
@given(st.sampled_from(ENTITY_NAMES))
def test_every_html_entity_resolves_like_a_browser(name: str) -> None:
    body = read_storage(f"<p>x&{name};y</p>")
    assert plain_text(body) == html.unescape(f"x&{name};y")
    assert body.warnings == []
