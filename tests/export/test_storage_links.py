"""Storage format reader: links, mentions, images, emoticons."""

from __future__ import annotations

import pytest

from pressroom.export.ast import (
    Anchor,
    AnchorTarget,
    AttachmentTarget,
    Emoticon,
    ExternalTarget,
    Image,
    Inline,
    Link,
    PageTarget,
    Paragraph,
    Text,
    UserMention,
)
from pressroom.export.storage import read_storage


def inlines(xml: str) -> list[Inline]:
    body = read_storage(f"<p>{xml}</p>")
    assert len(body.blocks) == 1, body.blocks
    paragraph = body.blocks[0]
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


def test_external_link() -> None:
    assert inlines('<a href="https://example.com/x">site</a>') == [
        Link(ExternalTarget("https://example.com/x"), [Text("site")])
    ]


def test_html_anchor_link_and_named_anchor() -> None:
    assert inlines('<a href="#top">up</a><a name="top"></a>') == [
        Link(AnchorTarget("top"), [Text("up")]),
        Anchor("top"),
    ]


def test_javascript_links_are_dropped_but_text_kept() -> None:
    body = read_storage('<p><a href="javascript:alert(1)">click</a></p>')
    assert body.blocks == [Paragraph([Text("click")])]
    assert any("unsafe" in w for w in body.warnings)


def test_page_link_with_plain_text_body() -> None:
    xml = (
        '<ac:link><ri:page ri:content-title="Install Guide" ri:space-key="DOC" />'
        "<ac:plain-text-link-body><![CDATA[the guide]]></ac:plain-text-link-body></ac:link>"
    )
    assert inlines(xml) == [
        Link(PageTarget("Install Guide", "DOC"), [Text("the guide")]),
    ]


def test_page_link_without_body_shows_title() -> None:
    assert inlines('<ac:link><ri:page ri:content-title="Home" /></ac:link>') == [
        Link(PageTarget("Home"), [Text("Home")])
    ]


def test_page_link_with_rich_body_and_anchor() -> None:
    xml = (
        '<ac:link ac:anchor="setup"><ri:page ri:content-title="Home" />'
        "<ac:link-body><strong>bold</strong> link</ac:link-body></ac:link>"
    )
    [link] = inlines(xml)
    assert isinstance(link, Link)
    assert link.target == PageTarget("Home", anchor="setup")
    assert inline_types(link.children) == ["Styled", "Text"]


def inline_types(nodes: list[Inline]) -> list[str]:
    return [type(n).__name__ for n in nodes]


def test_link_with_an_image_as_its_body() -> None:
    xml = (
        '<ac:link><ri:page ri:content-title="Home" /><ac:link-body>'
        '<ac:image><ri:attachment ri:filename="logo.png" /></ac:image></ac:link-body></ac:link>'
    )
    assert inlines(xml) == [Link(PageTarget("Home"), [Image(attachment="logo.png")])]


def test_blog_post_link() -> None:
    xml = (
        '<ac:link><ri:blog-post ri:content-title="News" ri:space-key="TEAM" '
        'ri:posting-day="2024/01/30" /></ac:link>'
    )
    assert inlines(xml) == [
        Link(PageTarget("News", "TEAM", "blogpost", "2024/01/30"), [Text("News")])
    ]


def test_anchor_link_on_same_page() -> None:
    xml = (
        '<ac:link ac:anchor="details">'
        "<ac:plain-text-link-body>see</ac:plain-text-link-body></ac:link>"
    )
    assert inlines(xml) == [Link(AnchorTarget("details"), [Text("see")])]


def test_attachment_link_on_other_page() -> None:
    xml = (
        '<ac:link><ri:attachment ri:filename="spec.pdf">'
        '<ri:page ri:content-title="Specs" ri:space-key="ENG" /></ri:attachment></ac:link>'
    )
    assert inlines(xml) == [Link(AttachmentTarget("spec.pdf", "Specs", "ENG"), [Text("spec.pdf")])]


@pytest.mark.parametrize(
    ("resource", "mention"),
    [
        ('ri:username="jdoe"', UserMention(username="jdoe")),
        ('ri:userkey="ff80808"', UserMention(userkey="ff80808")),
        ('ri:account-id="5b10a2844c20"', UserMention(account_id="5b10a2844c20")),
    ],
)
def test_user_mentions(resource: str, mention: UserMention) -> None:
    assert inlines(f"<ac:link><ri:user {resource} /></ac:link>") == [mention]


def test_user_mention_with_link_body_as_display_name() -> None:
    xml = (
        '<ac:link><ri:user ri:username="jdoe" />'
        "<ac:plain-text-link-body>Jane Doe</ac:plain-text-link-body></ac:link>"
    )
    assert inlines(xml) == [UserMention(username="jdoe", display_name="Jane Doe")]


def test_attachment_image_with_attributes() -> None:
    xml = (
        '<ac:image ac:width="300" ac:height="200" ac:align="center" ac:alt="diagram" '
        'ac:title="Figure" ac:border="true"><ri:attachment ri:filename="d.png" /></ac:image>'
    )
    assert inlines(xml) == [
        Image(
            attachment="d.png",
            width=300,
            height=200,
            align="center",
            alt="diagram",
            title="Figure",
            border=True,
        )
    ]


def test_image_from_another_page() -> None:
    xml = (
        '<ac:image><ri:attachment ri:filename="logo.png">'
        '<ri:page ri:content-title="Brand" ri:space-key="MKT" /></ri:attachment></ac:image>'
    )
    assert inlines(xml) == [Image(attachment="logo.png", page_title="Brand", space_key="MKT")]


def test_url_image() -> None:
    xml = '<ac:image ac:width="50"><ri:url ri:value="https://example.com/i.png" /></ac:image>'
    assert inlines(xml) == [Image(url="https://example.com/i.png", width=50)]


def test_image_at_block_level_gets_its_own_paragraph() -> None:
    body = read_storage('<ac:image><ri:attachment ri:filename="a.png" /></ac:image>')
    assert body.blocks == [Paragraph([Image(attachment="a.png")])]


def test_image_without_source_is_left_out_with_warning() -> None:
    body = read_storage("<p>x<ac:image /></p>")
    assert body.blocks == [Paragraph([Text("x")])]
    assert body.warnings == ["image without a source: left out"]


@pytest.mark.parametrize(
    ("name", "glyph"),
    [("smile", "\U0001f642"), ("thumbs-up", "\U0001f44d"), ("tick", "\u2705")],
)
def test_emoticons(name: str, glyph: str) -> None:
    assert inlines(f'<ac:emoticon ac:name="{name}" />') == [Emoticon(name, glyph)]


def test_emoji_wins_over_the_legacy_blue_star_name() -> None:
    xml = (
        '<ac:emoticon ac:name="blue-star" ac:emoji-shortname=":rocket:" '
        'ac:emoji-id="1f680" ac:emoji-fallback="\U0001f680" />'
    )
    assert inlines(xml) == [Emoticon(":rocket:", "\U0001f680")]


def test_emoji_from_id_when_fallback_is_a_shortname() -> None:
    xml = '<ac:emoticon ac:name="blue-star" ac:emoji-id="1f680" ac:emoji-fallback=":rocket:" />'
    assert inlines(xml) == [Emoticon(":rocket:", "\U0001f680")]
