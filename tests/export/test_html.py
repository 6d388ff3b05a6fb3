"""The HTML writer shows what the Word writer shows, as a browser page fragment, and
treats content as data: hostile storage never becomes script, handlers or styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from pressroom.export import ast
from pressroom.export.assemble import ExportOptions, PageIndex, PageSource, assemble
from pressroom.export.folder import read_page_tree
from pressroom.export.html import HtmlOptions, safe_url, write_html
from tests.corpus.test_corpus import MANIFEST, corpus_tree, normalised

__all__ = ["corpus_tree"]


def attachment_url(name: str, page: str | None, space: str | None) -> str | None:
    return f"/download/attachments/7/{name}" if page is None else None


def render(storage_xml: str, attachments: dict[str, Path] | None = None) -> str:
    page = PageSource(
        id="7",
        title="Release notes",
        space_key="DOC",
        storage=storage_xml,
        attachments=attachments or {},
    )
    document = assemble(PageIndex([page]), ExportOptions("7"))
    return write_html(document, HtmlOptions(attachment_url=attachment_url)).html


def tree(fragment: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def test_code_is_highlighted_as_escaped_text() -> None:
    out = render(
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python'
        '</ac:parameter><ac:parameter ac:name="title">hello.py</ac:parameter>'
        "<ac:plain-text-body><![CDATA[def f(a):\n    return a < 2]]></ac:plain-text-body>"
        "</ac:structured-macro>"
    )
    figure = tree(out).find(".//figure")
    assert figure.findtext("figcaption") == "hello.py"
    assert figure.find(".//span[@class='k']").text == "def"
    assert "return a &lt; 2" in re.sub(r"<[^>]+>", "", out)


def test_tables_keep_headers_spans_and_cell_colours() -> None:
    out = render(
        "<table><tbody><tr><th>Name</th><th>Size</th></tr>"
        '<tr><td colspan="2" data-highlight-colour="#e3fcef">both</td></tr></tbody></table>'
    )
    table = tree(out).find(".//table")
    assert [th.text_content() for th in table.iter("th")] == ["Name", "Size"]
    cell = table.find(".//td")
    assert cell.get("colspan") == "2"
    assert cell.get("style") == "background-color: #e3fcef"


def test_pictures_come_from_the_pages_attachments(tmp_path: Path) -> None:
    picture = tmp_path / "chart.png"
    picture.write_bytes(b"png")
    out = render(
        '<p><ac:image ac:alt="Load chart"><ri:attachment ri:filename="chart.png"/></ac:image></p>',
        {"chart.png": picture},
    )
    image = tree(out).find(".//img")
    assert image.get("src") == "/download/attachments/7/chart.png"
    assert image.get("alt") == "Load chart"


def test_boxes_statuses_tasks_layouts_and_expands() -> None:
    out = render(
        '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">Heads up'
        "</ac:parameter><ac:rich-text-body><p>Read this.</p></ac:rich-text-body>"
        "</ac:structured-macro>"
        '<p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green'
        '</ac:parameter><ac:parameter ac:name="title">DONE</ac:parameter>'
        "</ac:structured-macro></p>"
        "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status>"
        "<ac:task-body>Ship it</ac:task-body></ac:task></ac:task-list>"
        '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>Left</p>'
        "</ac:layout-cell><ac:layout-cell><p>Right</p></ac:layout-cell></ac:layout-section>"
        "</ac:layout>"
        '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">More'
        "</ac:parameter><ac:rich-text-body><p>Hidden detail</p></ac:rich-text-body>"
        "</ac:structured-macro>"
    )
    root = tree(out)
    box = root.find(".//aside")
    assert box.get("class") == "box box-info"
    assert box.find("p").text == "Heads up"
    assert root.find(".//span[@class='status status-green']").text == "DONE"
    task = root.find(".//ul[@class='tasks']/li")
    assert task.get("class") == "task-done"
    assert "Ship it" in task.text_content()
    columns = root.findall(".//div[@class='columns']/div")
    assert [c.text_content() for c in columns] == ["Left", "Right"]
    details = root.find(".//details")
    assert details.findtext("summary") == "More"
    assert "Hidden detail" in details.text_content()


def test_links_between_headings_of_a_page_stay_in_the_page() -> None:
    out = render('<ac:structured-macro ac:name="toc"/><h1>Install</h1><p>text</p><h2>Upgrade</h2>')
    root = tree(out)
    targets = [a.get("href") for a in root.findall(".//nav//a")]
    assert len(targets) == 2
    for target in targets:
        assert root.find(f".//*[@id='{target[1:]}']") is not None


HOSTILE = (
    "<p>Before<script>alert(1)</script> after</p>"
    '<p><a href="javascript:alert(2)">click</a> <a href=" jav&#x09;ascript:alert(3)">tab</a></p>'
    '<p onclick="alert(4)"><img src="x" onerror="alert(5)"/>text</p>'
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(6)</script></svg>'
    '<p style="background: url(https://evil.example/x.png); color: red">styled</p>'
    '<p><ac:link><ri:url ri:value="javascript:alert(7)"/><ac:plain-text-link-body>'
    "<![CDATA[macro link]]></ac:plain-text-link-body></ac:link></p>"
    '<p><span style="color: #ff0000&quot; onmouseover=&quot;alert(8)">red</span></p>'
    "<ac:structured-macro ac:name=\"html\"><ac:plain-text-body><![CDATA[<b onmouseover='alert(9)'>"
    "</b>]]></ac:plain-text-body></ac:structured-macro>"
    '<p><a href="data:text/html,&lt;script&gt;alert(10)&lt;/script&gt;">data</a></p>'
)


def test_a_hostile_page_keeps_its_words_and_loses_its_code() -> None:
    out = render(HOSTILE)
    root = tree(out)
    assert root.find(".//script") is None and root.find(".//svg") is None
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (element.tag, name)
            assert "url(" not in value.lower()
            assert "javascript" not in value.lower()
            assert not value.lower().startswith("data:")
    text = root.text_content()
    assert "Before" in text and "click" in text and "styled" in text and "macro link" in text


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com/a?b=1", True),
        ("mailto:team@example.com", True),
        ("/download/attachments/1/a.png", True),
        ("#section", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (" \x01javascript:alert(1)", False),
        ("vbscript:msgbox", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("//evil.example/", False),
    ],
)
def test_only_web_addresses_become_links(url: str, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


def test_a_failing_element_costs_that_element_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from pressroom.export import html as writer
    from pressroom.export.failures import strict_failures

    def broken(*_args: object) -> str:
        raise RuntimeError("tokenizer exploded")

    monkeypatch.setattr(writer, "_highlighted", broken)
    document = ast.Document(
        "Notes",
        [ast.CodeBlock("x = 1", "python"), ast.Paragraph([ast.Text("still here")])],
    )
    with strict_failures(False):
        result = write_html(document)
    assert "[code block left out]" in result.html and "still here" in result.html
    assert any("code block left out" in warning for warning in result.warnings)
    with strict_failures(True), pytest.raises(RuntimeError):
        write_html(document)


def test_every_corpus_page_shows_its_sampled_texts(corpus_tree: Path) -> None:
    folder = read_page_tree(corpus_tree)
    options = ExportOptions(root_page_id=folder.root_id, scope="descendants")
    document = assemble(folder.pages, options)
    out = write_html(document, HtmlOptions(attachment_url=lambda n, p, s: f"/a/{n}")).html
    text = normalised(tree(out).text_content())
    missing = [
        phrase
        for entry in MANIFEST.values()
        for phrase in entry.get("texts", [])
        if normalised(phrase) not in text
    ]
    assert missing == [], missing
