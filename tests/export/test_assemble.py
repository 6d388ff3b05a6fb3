"""The assembler: pages of an export -> one document."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from pressroom.export.assemble import (
    ExportCancelled,
    ExportOptions,
    PageIndex,
    PageSource,
    RootPageNotFound,
    assemble,
)
from pressroom.export.ast import (
    Anchor,
    Document,
    ExternalTarget,
    Heading,
    Image,
    Index,
    InternalTarget,
    Link,
    ListBlock,
    PageBreak,
    Paragraph,
    Placeholder,
    TableOfContents,
    Text,
)

BASE = "https://wiki.example.com"


def page(page_id: str, title: str, storage: str = "", **fields: Any) -> PageSource:
    fields.setdefault("space_key", "DOC")
    return PageSource(id=page_id, title=title, storage=storage, **fields)


def export(pages: list[PageSource], root: str = "1", **options: Any) -> Document:
    options.setdefault("scope", "descendants")
    return assemble(PageIndex(pages), ExportOptions(root, base_url=BASE, **options))


def macro(name: str, body: str = "", **parameters: str) -> str:
    params = "".join(
        f'<ac:parameter ac:name="{key}">{value}</ac:parameter>' for key, value in parameters.items()
    )
    return f'<ac:structured-macro ac:name="{name}">{params}{body}</ac:structured-macro>'


def anchor_link(anchor: str, text: str) -> str:
    body = f"<ac:plain-text-link-body>{text}</ac:plain-text-link-body>"
    return f'<ac:link ac:anchor="{anchor}">{body}</ac:link>'


def headings(document: Document) -> list[tuple[int, str]]:
    return [
        (b.level, "".join(c.text for c in b.children if isinstance(c, Text)))
        for b in document.blocks
        if isinstance(b, Heading)
    ]


def links(document: Document) -> list[Link]:
    found: list[Link] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            found.extend(c for c in block.children if isinstance(c, Link))
        if isinstance(block, ListBlock):
            for item in block.items:
                found.extend(links(Document("", item.blocks)))
    return found


TREE = [
    page("1", "Guide", "<p>root</p>"),
    page("3", "Second", "<p>two</p>", parent_id="1", position=2),
    page("2", "First", "<p>one</p>", parent_id="1", position=1),
    page("4", "Nested", "<p>deep</p>", parent_id="2", position=0),
    page("9", "Elsewhere", "<p>not exported</p>"),
]


def test_current_scope_exports_one_page_with_its_title() -> None:
    document = export(TREE, scope="current")
    assert document.title == "Guide"
    assert document.blocks == [
        Heading(1, [Text("Guide")], ["page-1"], page_title=True),
        Paragraph([Text("root")]),
    ]


def test_descendants_in_tree_order_with_title_levels() -> None:
    assert headings(export(TREE)) == [(1, "Guide"), (2, "First"), (3, "Nested"), (2, "Second")]


def test_page_breaks_between_top_level_pages() -> None:
    document = export(TREE)
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == [
        "Heading",
        "Paragraph",
        "PageBreak",
        "Heading",
        "Paragraph",
        "Heading",
        "Paragraph",
        "PageBreak",
        "Heading",
        "Paragraph",
    ]


def test_page_breaks_can_be_switched_off() -> None:
    document = export(TREE, page_break_between_top_level_pages=False)
    assert not any(isinstance(b, PageBreak) for b in document.blocks)


def test_first_heading_sits_below_title_and_skipped_levels_close_up() -> None:
    pages = [page("1", "Root", "<h1>A</h1><h3>B</h3><h6>C</h6><h2>D</h2><h1>E</h1>")]
    assert headings(export(pages))[1:] == [(2, "A"), (3, "B"), (4, "C"), (3, "D"), (2, "E")]


def test_later_headings_cannot_rise_above_the_first() -> None:
    pages = [page("1", "Root", "<h3>First</h3><h4>Sub</h4><h1>Higher</h1><h2>Mid</h2>")]
    assert headings(export(pages))[1:] == [(2, "First"), (3, "Sub"), (2, "Higher"), (3, "Mid")]


def test_headings_follow_the_page_depth() -> None:
    pages = [
        page("1", "Root"),
        page("2", "Child", "<h2>In child</h2><h3>Deeper</h3>", parent_id="1"),
    ]
    assert headings(export(pages)) == [(1, "Root"), (2, "Child"), (3, "In child"), (4, "Deeper")]


def test_levels_may_exceed_nine() -> None:
    pages = [page("0", "P0")] + [page(str(n), f"P{n}", parent_id=str(n - 1)) for n in range(1, 10)]
    pages[-1] = page("9", "P9", "<h1>Deep</h1>", parent_id="8")
    assert headings(export(pages, root="0"))[-2:] == [(10, "P9"), (11, "Deep")]


def test_title_override_names_the_page_and_document() -> None:
    storage = macro("scroll-title", title="Short")
    document = export([page("1", "A very long title", storage)])
    assert document.title == "Short"
    assert headings(document) == [(1, "Short")]


def test_links_to_exported_pages_become_internal() -> None:
    storage = '<p><ac:link><ri:page ri:content-title="Second" /></ac:link></p>'
    pages = [page("1", "Guide", storage), page("3", "Second", parent_id="1")]
    assert links(export(pages))[0].target == InternalTarget("page-3")


def test_links_to_pages_outside_the_export_use_their_url() -> None:
    storage = (
        '<p><ac:link><ri:page ri:content-title="Elsewhere" /></ac:link>'
        '<ac:link><ri:page ri:content-title="Linked" ri:space-key="OPS" /></ac:link></p>'
    )
    pages = [
        page("1", "Guide", storage),
        page("9", "Elsewhere"),
        page("8", "Linked", space_key="OPS", url=f"{BASE}/x/abc"),
    ]
    targets = [link.target for link in links(export(pages))]
    assert targets == [
        ExternalTarget(f"{BASE}/pages/viewpage.action?pageId=9"),
        ExternalTarget(f"{BASE}/x/abc"),
    ]


def test_links_to_missing_pages_warn() -> None:
    storage = '<p><ac:link><ri:page ri:content-title="Gone Page" /></ac:link></p>'
    document = export([page("1", "Guide", storage)])
    assert links(document)[0].target == ExternalTarget(f"{BASE}/display/DOC/Gone+Page")
    assert document.warnings == ["Guide: link to missing page 'Gone Page'"]


def test_blog_post_links_find_blog_posts() -> None:
    storage = (
        '<p><ac:link><ri:blog-post ri:content-title="News" ri:posting-day="2024/01/02" />'
        "</ac:link></p>"
    )
    pages = [page("1", "Guide", storage), page("7", "News", content_type="blogpost")]
    assert links(export(pages))[0].target == ExternalTarget(
        f"{BASE}/pages/viewpage.action?pageId=7"
    )


def test_anchor_links_and_anchors_are_scoped_per_page() -> None:
    storage = f"<p>{macro('anchor', **{'': 'top'})}x</p><p>{anchor_link('top', 'up')}</p>"
    document = export([page("1", "Guide", storage)])
    assert document.blocks[1] == Paragraph([Anchor("1-top"), Text("x")])
    assert links(document)[0].target == InternalTarget("1-top")
    assert document.warnings == []


def test_anchor_link_to_a_heading_resolves_by_heading_text() -> None:
    storage = (
        '<h2>Set up</h2><p><ac:link ac:anchor="Set up"><ac:plain-text-link-body>a'
        '</ac:plain-text-link-body></ac:link><ac:link ac:anchor="Guide-Setup">'
        "<ac:plain-text-link-body>b</ac:plain-text-link-body></ac:link></p>"
    )
    document = export([page("1", "Guide", storage)])
    heading = document.blocks[1]
    assert isinstance(heading, Heading)
    assert heading.bookmarks == ["1-Set up", "1-Setup"]
    assert [link.target for link in links(document)] == [
        InternalTarget("1-Set up"),
        InternalTarget("1-Setup"),
    ]


def test_anchor_link_into_another_exported_page() -> None:
    pages = [
        page(
            "1",
            "Guide",
            '<p><ac:link ac:anchor="Install"><ri:page ri:content-title="Setup" /></ac:link></p>',
        ),
        page("2", "Setup", "<h1>Install</h1>", parent_id="1"),
    ]
    assert links(export(pages))[0].target == InternalTarget("2-Install")


def test_missing_anchor_falls_back_to_the_page() -> None:
    storage = f"<p>{anchor_link('nowhere', 'x')}</p>"
    document = export([page("1", "Guide", storage)])
    assert links(document)[0].target == InternalTarget("page-1")
    assert document.warnings == ["Guide: link to missing anchor 'nowhere'"]


def test_attachment_links_point_at_the_download() -> None:
    storage = (
        '<p><ac:link><ri:attachment ri:filename="a b.pdf" /></ac:link>'
        '<ac:link><ri:attachment ri:filename="c.zip"><ri:page ri:content-title="Files" />'
        "</ri:attachment></ac:link></p>"
    )
    pages = [page("1", "Guide", storage), page("5", "Files")]
    assert [link.target for link in links(export(pages))] == [
        ExternalTarget(f"{BASE}/download/attachments/1/a%20b.pdf"),
        ExternalTarget(f"{BASE}/download/attachments/5/c.zip"),
    ]


def test_images_get_their_attachment_file(tmp_path: Path) -> None:
    png = tmp_path / "d.png"
    other = tmp_path / "logo.png"
    storage = (
        '<p><ac:image><ri:attachment ri:filename="d.png" /></ac:image>'
        '<ac:image><ri:attachment ri:filename="logo.png"><ri:page ri:content-title="Brand" />'
        "</ri:attachment></ac:image>"
        '<ac:image><ri:attachment ri:filename="gone.png" /></ac:image></p>'
    )
    pages = [
        page("1", "Guide", storage, attachments={"d.png": png}),
        page("6", "Brand", attachments={"logo.png": other}),
    ]
    document = export(pages)
    paragraph = document.blocks[1]
    assert isinstance(paragraph, Paragraph)
    files = [c.file for c in paragraph.children if isinstance(c, Image)]
    assert files == [png, other, None]
    assert document.warnings == ["Guide: missing image 'gone.png'"]


def include(title: str, name: str = "include") -> str:
    return (
        f'<ac:structured-macro ac:name="{name}"><ac:parameter ac:name="">'
        f'<ac:link><ri:page ri:content-title="{title}" /></ac:link>'
        "</ac:parameter></ac:structured-macro>"
    )


def test_include_inserts_the_page_with_headings_below_the_current_one() -> None:
    pages = [
        page("1", "Guide", f"<h1>Before</h1>{include('Shared')}<h1>After</h1>"),
        page("8", "Shared", "<h1>Shared heading</h1><h2>Shared sub</h2><p>shared text</p>"),
    ]
    document = export(pages)
    assert headings(document) == [
        (1, "Guide"),
        (2, "Before"),
        (3, "Shared heading"),
        (4, "Shared sub"),
        (2, "After"),
    ]
    assert Paragraph([Text("shared text")]) in document.blocks


def test_toc_macro_covers_its_page_at_the_pages_heading_levels() -> None:
    toc = macro("toc", minLevel="2", maxLevel="3")
    pages = [
        page("1", "Guide", "<p>root</p>"),
        page("2", "Admin", f"{toc}<h1>Overview</h1>", parent_id="1"),
        page("8", "Shared", f"<div>{toc}</div>"),
        page("3", "Config", f"<h1>Keys</h1>{include('Shared')}", parent_id="2"),
    ]
    tocs = [b for b in export(pages).blocks if isinstance(b, TableOfContents)]
    assert [(t.scope_bookmark, t.levels) for t in tocs] == [("page-2", (4, 5)), ("page-3", (6, 7))]
    assert [(t.min_level, t.max_level) for t in tocs] == [(2, 3), (2, 3)]


def test_excerpt_include_inserts_the_excerpt_only() -> None:
    excerpt = (
        '<ac:structured-macro ac:name="excerpt"><ac:rich-text-body><p>summary</p>'
        "</ac:rich-text-body></ac:structured-macro><p>rest</p>"
    )
    pages = [
        page("1", "Guide", include("Source", "excerpt-include")),
        page("8", "Source", excerpt),
    ]
    document = export(pages)
    assert document.blocks[1:] == [Paragraph([Text("summary")])]


def test_include_cycles_are_cut_with_a_warning() -> None:
    pages = [
        page("1", "Guide", include("A")),
        page("8", "A", f"<p>in a</p>{include('B')}"),
        page("9", "B", f"<p>in b</p>{include('A')}"),
    ]
    document = export(pages)
    assert document.blocks[1:] == [Paragraph([Text("in a")]), Paragraph([Text("in b")])]
    assert document.warnings == ["B: include of 'A' loops back; left out"]


def test_self_include_is_cut() -> None:
    document = export([page("1", "Guide", f"<p>x</p>{include('Guide')}")])
    assert document.blocks[1:] == [Paragraph([Text("x")])]
    assert "loops back" in document.warnings[0]


def test_include_of_a_blog_post() -> None:
    pages = [
        page("1", "Guide", include("Announcement")),
        page("7", "Announcement", "<p>news</p>", content_type="blogpost"),
    ]
    assert export(pages).blocks[1:] == [Paragraph([Text("news")])]


def test_missing_include_warns_and_leaves_a_placeholder() -> None:
    document = export([page("1", "Guide", include("Nope"))])
    missing = "included page 'Nope' not found, or not in a space you may export"
    assert document.warnings == [f"Guide: {missing}"]
    assert document.blocks[1:] == [Paragraph([Placeholder(f"[{missing}]")])]


def test_page_included_twice_places_its_bookmarks_once() -> None:
    pages = [
        page("1", "Guide", include("Shared") + include("Shared")),
        page("8", "Shared", "<h1>Part</h1>"),
    ]
    document = export(pages)
    parts = [b for b in document.blocks if isinstance(b, Heading) and not b.page_title]
    assert [h.bookmarks for h in parts] == [["8-Part"], []]


def test_children_macro_lists_links_to_children() -> None:
    children = macro("children", depth="2")
    pages = [
        page("1", "Guide", children),
        page("2", "B child", parent_id="1", position=1),
        page("3", "A child", parent_id="1", position=2),
        page("4", "Grandchild", parent_id="2"),
    ]
    document = export(pages, scope="current")
    listing = document.blocks[1]
    assert isinstance(listing, ListBlock)
    assert [link.children for link in links(Document("", [listing]))] == [
        [Text("B child")],
        [Text("Grandchild")],
        [Text("A child")],
    ]
    assert links(Document("", [listing]))[0].target == ExternalTarget(
        f"{BASE}/pages/viewpage.action?pageId=2"
    )


def test_children_macro_sorted_by_title_reversed_links_internally() -> None:
    children = (
        '<ac:structured-macro ac:name="children"><ac:parameter ac:name="sort">title'
        '</ac:parameter><ac:parameter ac:name="reverse">true</ac:parameter></ac:structured-macro>'
    )
    pages = [
        page("1", "Guide", children),
        page("2", "Alpha", parent_id="1", position=2),
        page("3", "Beta", parent_id="1", position=1),
    ]
    listing = export(pages).blocks[1]
    found = links(Document("", [listing]))
    assert [(link.children, link.target) for link in found] == [
        ([Text("Beta")], InternalTarget("page-3")),
        ([Text("Alpha")], InternalTarget("page-2")),
    ]


def test_children_macro_of_a_page_in_another_space() -> None:
    children = macro(
        "children",
        page='<ac:link><ri:page ri:space-key="OPS" ri:content-title="Runbooks" /></ac:link>',
    )
    pages = [
        page("1", "Guide", children),
        page("5", "Runbooks", space_key="OPS"),
        page("6", "Restart", space_key="OPS", parent_id="5"),
    ]
    listing = export(pages).blocks[1]
    assert [link.children for link in links(Document("", [listing]))] == [[Text("Restart")]]


def test_warnings_of_every_page_name_the_page() -> None:
    unknown = '<ac:structured-macro ac:name="mystery" />'
    pages = [page("1", "Guide", unknown), page("2", "Child", unknown, parent_id="1")]
    assert export(pages).warnings == [
        "Guide: unsupported macro 'mystery': shown as a placeholder",
        "Child: unsupported macro 'mystery': shown as a placeholder",
    ]


def test_progress_is_reported_per_page() -> None:
    calls: list[tuple[int, int]] = []
    assemble(
        PageIndex(TREE),
        ExportOptions("1", scope="descendants"),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancellation_is_checked_between_pages() -> None:
    calls: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        assemble(
            PageIndex(TREE),
            ExportOptions("1", scope="descendants"),
            progress=lambda done, total: calls.append((done, total)),
            is_cancelled=lambda: len(calls) >= 2,
        )
    assert calls == [(1, 4), (2, 4)]


def test_cycle_collector_state_is_restored() -> None:
    assert gc.isenabled()
    export(TREE)
    assert gc.isenabled()
    with pytest.raises(ExportCancelled):
        assemble(PageIndex(TREE), ExportOptions("1"), is_cancelled=lambda: True)
    assert gc.isenabled()


def test_missing_root_page_raises() -> None:
    with pytest.raises(RootPageNotFound):
        export(TREE, root="404")


def test_index_is_added_when_pages_have_index_terms() -> None:
    term = macro("scroll-indexterm", entry="gear")
    assert isinstance(export([page("1", "Guide", f"<p>x{term}</p>")]).blocks[-1], Index)
    assert not any(isinstance(b, Index) for b in export(TREE).blocks)


def test_exporter_reaches_the_reader() -> None:
    only_pdf = macro("scroll-pdf-only", "<ac:rich-text-body><p>pdf</p></ac:rich-text-body>")
    pages = [page("1", "Guide", only_pdf)]
    assert export(pages, exporter="word").blocks[1:] == []
    assert export(pages, exporter="pdf").blocks[1:] == [Paragraph([Text("pdf")])]


def test_parent_cycles_in_bad_data_do_not_loop() -> None:
    pages = [page("1", "A", parent_id="2"), page("2", "B", parent_id="1")]
    assert headings(export(pages)) == [(1, "A"), (2, "B")]
