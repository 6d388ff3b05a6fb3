"""Real Word numbering for lists; tables with merged cells, widths and header rows."""

from __future__ import annotations

from lxml import etree

from pressroom.export import ast
from pressroom.export.docx.numbering import ListNumbering, PlannedList
from tests.export.docx.conftest import NS, W, WriteDocument
from tests.export.docx.sample import para, sample_table, text


def numbered(out: object, paragraphs: list[object]) -> list[tuple[str, str, str]]:
    """(text, numId, ilvl) of each numbered paragraph."""
    result = []
    for p in paragraphs:
        num_id = p.xpath("w:pPr/w:numPr/w:numId/@w:val", namespaces=NS)  # type: ignore[attr-defined]
        ilvl = p.xpath("w:pPr/w:numPr/w:ilvl/@w:val", namespaces=NS)  # type: ignore[attr-defined]
        if num_id:
            result.append((out.text(p), num_id[0], ilvl[0]))  # type: ignore[attr-defined]
    return result


def simple_list(ordered: bool, *labels: str, start: int = 1) -> ast.ListBlock:
    return ast.ListBlock(ordered, [ast.ListItem([para(label)]) for label in labels], start)


def test_nested_lists_use_numbering_levels(write: WriteDocument) -> None:
    inner = simple_list(False, "inner a", "inner b")
    outer = ast.ListBlock(True, [ast.ListItem([para("one"), inner]), ast.ListItem([para("two")])])
    out = write([outer])
    rows = numbered(out, out.xpath("//w:p"))
    assert [(t, lvl) for t, _, lvl in rows] == [
        ("one", "0"),
        ("inner a", "1"),
        ("inner b", "1"),
        ("two", "0"),
    ]
    assert rows[0][1] == rows[3][1] != rows[1][1]
    assert out.paragraphs_in("Scroll List Number")
    assert [out.text(p) for p in out.paragraphs_in("Scroll List Bullet 2")] == [
        "inner a",
        "inner b",
    ]


def test_each_list_restarts_with_its_own_num_and_start_value(write: WriteDocument) -> None:
    out = write([simple_list(True, "a", "b"), para("between"), simple_list(True, "c", start=5)])
    rows = numbered(out, out.xpath("//w:p"))
    first_id, second_id = rows[0][1], rows[2][1]
    assert first_id != second_id
    numbering = out.part("word/numbering.xml")
    (num,) = numbering.xpath(f"w:num[@w:numId='{second_id}']", namespaces=NS)
    assert num.xpath("w:lvlOverride/w:startOverride/@w:val", namespaces=NS) == ["5"]
    abstract_id = num.xpath("w:abstractNumId/@w:val", namespaces=NS)[0]
    (abstract,) = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", namespaces=NS)
    assert len(abstract.xpath("w:lvl", namespaces=NS)) == 9
    assert abstract.xpath("w:lvl[@w:ilvl='0']/w:numFmt/@w:val", namespaces=NS) == ["decimal"]


def test_lists_deeper_than_nine_levels_clamp(write: WriteDocument) -> None:
    block: ast.ListBlock = simple_list(False, "level 12")
    for depth in range(11, 0, -1):
        block = ast.ListBlock(False, [ast.ListItem([para(f"level {depth}"), block])])
    out = write([block])
    levels = [int(lvl) for _, _, lvl in numbered(out, out.xpath("//w:p"))]
    assert levels == [*range(9), 8, 8, 8]


def test_task_lists_show_checkboxes(write: WriteDocument) -> None:
    out = write(
        [ast.TaskList([ast.TaskItem(True, [para("done")]), ast.TaskItem(False, [para("open")])])]
    )
    texts = [out.text(p) for p in out.xpath("//w:p") if out.text(p)]
    assert "\u2611\tdone" not in texts  # tabs are w:tab, not text
    assert any(t.startswith("\u2611") and t.endswith("done") for t in texts)
    assert any(t.startswith("\u2610") and t.endswith("open") for t in texts)


def test_table_merges_and_header_rows(write: WriteDocument) -> None:
    out = write([sample_table()])
    (table,) = out.xpath("//w:tbl")
    assert table.xpath("w:tblPr/w:tblStyle/@w:val", namespaces=NS) == [
        out.style_id("Scroll Table Normal")
    ]
    rows = table.xpath("w:tr", namespaces=NS)
    assert rows[0].xpath("w:trPr/w:tblHeader", namespaces=NS)
    assert not rows[1].xpath("w:trPr/w:tblHeader", namespaces=NS)
    row1 = rows[1].xpath("w:tc", namespaces=NS)
    assert row1[0].xpath("w:tcPr/w:vMerge/@w:val", namespaces=NS) == ["restart"]
    assert row1[1].xpath("w:tcPr/w:gridSpan/@w:val", namespaces=NS) == ["2"]
    assert row1[2].xpath("w:tcPr/w:shd/@w:fill", namespaces=NS) == ["E3FCEF"]
    row2 = rows[2].xpath("w:tc", namespaces=NS)
    assert len(row2) == 4
    continued = row2[0].xpath("w:tcPr/w:vMerge", namespaces=NS)[0]
    assert continued.get(W + "val") in (None, "continue")
    header_cell = rows[0].xpath("w:tc", namespaces=NS)[0]
    assert header_cell.xpath(".//w:rPr/w:b", namespaces=NS)


def test_table_never_exceeds_the_text_width(write: WriteDocument) -> None:
    wide = ast.Table(
        rows=[ast.TableRow([ast.TableCell([para("x")]) for _ in range(3)])],
        column_widths=[900, 900, 900],
    )
    out = write([wide])
    grid = [int(w) for w in out.xpath("//w:tblGrid/w:gridCol/@w:w")]
    sect = out.xpath("//w:sectPr")[-1]
    page = int(sect.xpath("w:pgSz/@w:w", namespaces=NS)[0])
    left = int(sect.xpath("w:pgMar/@w:left", namespaces=NS)[0])
    right = int(sect.xpath("w:pgMar/@w:right", namespaces=NS)[0])
    assert sum(grid) <= page - left - right
    assert len(set(grid)) == 1


def test_table_column_weights_and_width_percent(write: WriteDocument) -> None:
    table = ast.Table(
        rows=[ast.TableRow([ast.TableCell([para("a")]), ast.TableCell([para("b")])])],
        column_widths=[1, 3],
        width_percent=50,
    )
    out = write([table])
    a, b = (int(w) for w in out.xpath("//w:tblGrid/w:gridCol/@w:w"))
    assert abs(b - 3 * a) <= 3
    assert out.xpath("//w:tblPr/w:tblW/@w:w") == [str(a + b)]


def test_nested_tables_fit_in_their_cell_and_cells_end_with_paragraphs(
    write: WriteDocument,
) -> None:
    inner = ast.Table(rows=[ast.TableRow([ast.TableCell([para("inner")])])])
    outer = ast.Table(rows=[ast.TableRow([ast.TableCell([inner]), ast.TableCell([para("b")])])])
    out = write([outer])
    outer_tbl, inner_tbl = out.xpath("//w:tbl")
    outer_cell = outer_tbl.xpath("w:tr/w:tc", namespaces=NS)[0]
    cell_width = int(outer_cell.xpath("w:tcPr/w:tcW/@w:w", namespaces=NS)[0])
    assert int(inner_tbl.xpath("w:tblPr/w:tblW/@w:w", namespaces=NS)[0]) < cell_width
    assert outer_cell[-1].tag == W + "p"


def test_adjacent_tables_are_kept_apart(write: WriteDocument) -> None:
    table = ast.Table(rows=[ast.TableRow([ast.TableCell([para("x")])])])
    out = write([table, ast.Table(rows=[ast.TableRow([ast.TableCell([para("y")])])])])
    first, _second = out.xpath("//w:tbl")
    assert first.getnext().tag == W + "p"


def test_ragged_rows_are_padded_to_the_grid(write: WriteDocument) -> None:
    table = ast.Table(
        rows=[
            ast.TableRow([ast.TableCell([para(c)]) for c in "abc"]),
            ast.TableRow([ast.TableCell([para("only")])]),
        ]
    )
    out = write([table])
    spans = [
        sum(int(s) for s in tc.xpath("w:tcPr/w:gridSpan/@w:val", namespaces=NS) or ["1"])
        for tc in out.xpath("//w:tr[2]/w:tc")
    ]
    assert sum(spans) == 3
    assert text("only").text in out.text(out.body)


def test_tables_inside_list_items_are_indented_and_narrower(write: WriteDocument) -> None:
    table = ast.Table(rows=[ast.TableRow([ast.TableCell([para("cell")])])])
    out = write([ast.ListBlock(False, [ast.ListItem([para("item"), table])]), table])
    nested, top = out.xpath("//w:body/w:tbl")
    indent = int(nested.xpath("w:tblPr/w:tblInd/@w:w", namespaces=NS)[0])
    assert indent > 0
    nested_width = int(nested.xpath("w:tblPr/w:tblW/@w:w", namespaces=NS)[0])
    top_width = int(top.xpath("w:tblPr/w:tblW/@w:w", namespaces=NS)[0])
    assert nested_width == top_width - indent


def test_long_bodies_keep_order_and_table_separation_across_chunks(
    write: WriteDocument,
) -> None:
    blocks: list[ast.Block] = [
        ast.Table(rows=[ast.TableRow([ast.TableCell([para(f"t{n}")])])]) for n in range(150)
    ]
    out = write(blocks)
    tables = out.xpath("//w:body/w:tbl")
    assert [out.text(t) for t in tables] == [f"t{n}" for n in range(150)]
    assert all(t.getnext().tag == W + "p" for t in tables[:-1])


def test_percentage_and_pixel_column_widths(write: WriteDocument) -> None:
    def grid_of(widths: list[float | None]) -> list[int]:
        table = ast.Table(
            rows=[ast.TableRow([ast.TableCell([para(str(n))]) for n in range(len(widths))])],
            column_widths=widths,
        )
        return [int(w) for w in write([table]).xpath("//w:tblGrid/w:gridCol/@w:w")]

    shares = grid_of([25.0, 50.0, 25.0])
    assert sum(shares) > 9000  # the whole text width, not 100 px
    assert abs(shares[1] - 2 * shares[0]) <= 2
    pixels = grid_of([100.0, 200.0])
    assert pixels == [1500, 3000]  # 15 twips per CSS pixel


def test_numbering_keeps_words_cleanup_marker_last() -> None:
    numbering = etree.fromstring(
        f'<w:numbering xmlns:w="{NS["w"]}"><w:num w:numId="1"><w:abstractNumId w:val="0"/>'
        '</w:num><w:numIdMacAtCleanup w:val="1"/></w:numbering>'
    )
    lists = ListNumbering(numbering)
    lists.add(PlannedList(num_id=lists.first_free_id, ordered=True, ilvl=0, start=1))
    tags = [etree.QName(child).localname for child in numbering]
    assert tags == ["abstractNum", "abstractNum", "num", "num", "numIdMacAtCleanup"]
