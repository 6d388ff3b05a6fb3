"""A toc macro covers the page it is on, as in Scroll exports; the template's TOC
covers the whole document."""

from __future__ import annotations

from typing import Any

from pressroom.export import ast
from tests.export.docx.conftest import NS, W, WriteDocument, Written
from tests.export.docx.sample import para


def heading(level: int, text: str, page_id: str | None = None) -> ast.Heading:
    if page_id is None:
        return ast.Heading(level, [ast.Text(text)])
    return ast.Heading(level, [ast.Text(text)], [f"page-{page_id}"], page_title=True)


def toc_fields(out: Written) -> list[tuple[str, list[str]]]:
    """Each TOC field: its instruction and the texts of the entries it holds."""
    found = []
    for instr in out.xpath("//w:instrText[starts-with(normalize-space(.), 'TOC')]"):
        first = instr.getparent().getparent()
        entries, p = [], first
        while p is not None:
            if p.xpath("w:hyperlink", namespaces=NS):
                entries.append(out.text(p))
            if p.xpath("w:r/w:fldChar[@w:fldCharType='end']", namespaces=NS):
                break  # the TOC field's own end, outside the entries' PAGEREF links
            p = p.getnext()
        found.append((instr.text.strip(), entries))
    return found


def document() -> list[Any]:
    scoped = ast.TableOfContents(1, 2, scope_bookmark="page-2", levels=(3, 4))
    return [
        heading(1, "Manual", "1"),
        para("root"),
        heading(2, "Admin", "2"),
        scoped,
        heading(3, "Overview"),
        heading(4, "Detail"),
        heading(5, "Too deep"),
        heading(3, "Child page", "3"),
        heading(4, "Child heading"),
        heading(2, "API", "4"),
        heading(3, "Tokens"),
    ]


def test_toc_macro_lists_only_its_page_and_the_pages_below(write: WriteDocument) -> None:
    out = write(document())
    (template_toc, page_toc) = toc_fields(out)
    assert template_toc[1] == [
        "Manual", "Admin", "Overview", "Child page", "API", "Tokens"
    ]  # fmt: skip
    instruction, entries = page_toc
    assert instruction.startswith('TOC \\o "3-4" \\b page_2 \\h')
    assert entries == ["Overview", "Detail", "Child page", "Child heading"]


def test_page_bookmark_spans_the_page_up_to_the_next_page_of_its_level(
    write: WriteDocument,
) -> None:
    out = write(document())
    (start,) = out.xpath("//w:bookmarkStart[@w:name='page_2']")
    assert out.text(start.getparent()) == "Admin"
    (end,) = out.xpath(f"//w:bookmarkEnd[@w:id='{start.get(W + 'id')}']")
    assert end.getparent().tag == W + "body"
    assert out.text(end.getnext()) == "API"
    for name in ("page_1", "page_3", "page_4"):  # no toc: a bookmark on the title only
        (start,) = out.xpath(f"//w:bookmarkStart[@w:name='{name}']")
        ends = start.getparent().xpath(
            f"w:bookmarkEnd[@w:id='{start.get(W + 'id')}']", namespaces=NS
        )
        assert ends


def test_toc_of_the_last_page_ends_with_the_document(write: WriteDocument) -> None:
    blocks = [
        *document()[:-2],
        heading(2, "API", "4"),
        ast.TableOfContents(1, 3, scope_bookmark="page-4", levels=(3, 5)),
        heading(3, "Tokens"),
    ]
    out = write(blocks)
    (start,) = out.xpath("//w:bookmarkStart[@w:name='page_4']")
    (end,) = out.xpath(f"//w:bookmarkEnd[@w:id='{start.get(W + 'id')}']")
    assert out.text(end.getprevious()) == "Tokens"
    assert toc_fields(out)[-1][1] == ["Tokens"]


def test_toc_without_a_page_lists_the_whole_document(write: WriteDocument) -> None:
    out = write([ast.TableOfContents(1, 2), heading(1, "One"), heading(2, "Two")])
    instruction, entries = toc_fields(out)[-1]
    assert "\\b" not in instruction
    assert entries == ["One", "Two"]


def test_toc_entries_read_as_their_headings_read(write: WriteDocument) -> None:
    shown = ast.Heading(
        2,
        [
            ast.Text("Release "),
            ast.Date("2024-05-01"),
            ast.Text(" "),
            ast.Status("Done", "Green"),
            ast.Text(" by "),
            ast.UserMention(display_name="Ada Lovelace"),
            ast.Emoticon("tick", "\u2705"),
        ],
    )
    out = write([heading(1, "Manual", "1"), ast.TableOfContents(), shown])
    for _, entries in toc_fields(out):  # the template's and the macro's
        assert entries[1].startswith("Release 1 May 2024 Done by Ada Lovelace\u2705")
