"""Storage format reader: lists, task lists, tables, page layouts."""

from __future__ import annotations

from pressroom.export.ast import (
    Block,
    Column,
    Columns,
    ListBlock,
    ListItem,
    Paragraph,
    Table,
    TableCell,
    TableRow,
    TaskItem,
    TaskList,
    Text,
)
from pressroom.export.storage import read_storage


def only_block(xml: str) -> Block:
    body = read_storage(xml)
    assert len(body.blocks) == 1, body.blocks
    return body.blocks[0]


def para(text: str) -> Paragraph:
    return Paragraph([Text(text)])


def test_bullet_list() -> None:
    assert only_block("<ul><li>one</li><li>two</li></ul>") == ListBlock(
        False, [ListItem([para("one")]), ListItem([para("two")])]
    )


def test_numbered_list_with_start() -> None:
    block = only_block('<ol start="4"><li>four</li></ol>')
    assert block == ListBlock(True, [ListItem([para("four")])], start=4)


def test_nested_lists_to_any_depth() -> None:
    xml = "x"
    for _ in range(12):
        xml = f"<ul><li>level{xml}</li></ul>"
    block = only_block(xml)
    depth = 0
    while isinstance(block, ListBlock):
        depth += 1
        item = block.items[0]
        block = item.blocks[-1]
    assert depth == 12


def test_list_nested_beside_its_item_joins_the_item() -> None:
    block = only_block("<ol><li>a</li><ul><li>b</li></ul></ol>")
    assert block == ListBlock(
        True, [ListItem([para("a"), ListBlock(False, [ListItem([para("b")])])])]
    )


def test_task_list_with_status() -> None:
    xml = (
        "<ac:task-list>"
        "<ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status>"
        "<ac:task-body>done</ac:task-body></ac:task>"
        "<ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body><strong>todo</strong></ac:task-body></ac:task>"
        "</ac:task-list>"
    )
    block = only_block(xml)
    assert isinstance(block, TaskList)
    assert [item.checked for item in block.items] == [True, False]
    assert block.items[0].blocks == [para("done")]


def test_nested_task_list_joins_previous_task() -> None:
    xml = (
        "<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body>outer</ac:task-body></ac:task>"
        "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status>"
        "<ac:task-body>inner</ac:task-body></ac:task></ac:task-list></ac:task-list>"
    )
    block = only_block(xml)
    assert block == TaskList(
        [TaskItem(False, [para("outer"), TaskList([TaskItem(True, [para("inner")])])])]
    )


def test_table_with_header_row_and_cells() -> None:
    xml = (
        "<table><tbody><tr><th>Key</th><th>Value</th></tr>"
        "<tr><td>a</td><td><p>b</p></td></tr></tbody></table>"
    )
    assert only_block(xml) == Table(
        rows=[
            TableRow(
                [TableCell([para("Key")], header=True), TableCell([para("Value")], header=True)],
                header=True,
            ),
            TableRow([TableCell([para("a")]), TableCell([para("b")])]),
        ]
    )


def test_thead_rows_are_header_rows() -> None:
    block = only_block(
        "<table><thead><tr><td>h</td></tr></thead><tfoot><tr><td>f</td></tr></tfoot></table>"
    )
    assert isinstance(block, Table)
    assert [row.header for row in block.rows] == [True, False]


def test_row_with_leading_header_cell_is_not_a_header_row() -> None:
    block = only_block("<table><tr><th>k</th><td>v</td></tr></table>")
    assert isinstance(block, Table)
    assert block.rows[0].header is False
    assert block.rows[0].cells[0].header is True


def test_rows_without_cells_are_dropped() -> None:
    block = only_block("<table><tr></tr><tr><td>x</td></tr></table>")
    assert block == Table(rows=[TableRow([TableCell([para("x")])])])


def test_colspan_rowspan() -> None:
    block = only_block('<table><tr><td colspan="2" rowspan="3">x</td></tr></table>')
    assert isinstance(block, Table)
    cell = block.rows[0].cells[0]
    assert (cell.colspan, cell.rowspan) == (2, 3)


def test_bad_spans_are_clamped() -> None:
    block = only_block(
        '<table><tr><td colspan="0" rowspan="x">a</td><td colspan="99999">b</td></tr></table>'
    )
    assert isinstance(block, Table)
    assert [(c.colspan, c.rowspan) for c in block.rows[0].cells] == [(1, 1), (1000, 1)]


def test_column_widths_in_pixels() -> None:
    xml = (
        '<table><colgroup><col style="width: 120.0px;" /><col style="width: 240.0px;" />'
        "</colgroup><tbody><tr><td>a</td><td>b</td></tr></tbody></table>"
    )
    block = only_block(xml)
    assert isinstance(block, Table)
    assert block.column_widths == [120.0, 240.0]


def test_column_widths_in_percent_and_table_width() -> None:
    xml = (
        '<table style="width: 80.0%;"><colgroup><col style="width: 25%" /><col />'
        "</colgroup><tr><td>a</td><td>b</td></tr></table>"
    )
    block = only_block(xml)
    assert isinstance(block, Table)
    assert block.column_widths == [25.0, None]
    assert block.width_percent == 80.0


def test_cell_highlight_colour_and_background() -> None:
    xml = (
        '<table><tr><td class="highlight-grey" data-highlight-colour="grey">a</td>'
        '<td style="background-color: #FFEEDD;">b</td>'
        '<td data-highlight-colour="#abcdef">c</td>'
        '<td style="text-align: center;">d</td></tr></table>'
    )
    block = only_block(xml)
    assert isinstance(block, Table)
    cells = block.rows[0].cells
    assert [c.background for c in cells] == ["#f4f5f7", "#ffeedd", "#abcdef", None]
    assert cells[3].align == "center"


def test_nested_table() -> None:
    block = only_block("<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>")
    assert isinstance(block, Table)
    inner = block.rows[0].cells[0].blocks[0]
    assert inner == Table(rows=[TableRow([TableCell([para("inner")])])])


def test_layout_sections_become_columns() -> None:
    xml = (
        "<ac:layout>"
        '<ac:layout-section ac:type="single"><ac:layout-cell><p>top</p></ac:layout-cell>'
        "</ac:layout-section>"
        '<ac:layout-section ac:type="two_left_sidebar">'
        "<ac:layout-cell><p>side</p></ac:layout-cell>"
        "<ac:layout-cell><p>main</p></ac:layout-cell></ac:layout-section>"
        "</ac:layout>"
    )
    assert read_storage(xml).blocks == [
        para("top"),
        Columns([Column([para("side")], 30), Column([para("main")], 70)]),
    ]


def test_layout_of_unknown_type_splits_evenly() -> None:
    xml = (
        '<ac:layout><ac:layout-section ac:type="odd">'
        + "<ac:layout-cell><p>x</p></ac:layout-cell>" * 4
        + "</ac:layout-section></ac:layout>"
    )
    block = only_block(xml)
    assert isinstance(block, Columns)
    assert [c.width_percent for c in block.columns] == [25, 25, 25, 25]


def test_content_nested_past_the_depth_limit_is_kept_as_text() -> None:
    xml = "<ul><li>" * 100 + "bottom" + "</li></ul>" * 100
    body = read_storage(xml)
    assert "bottom" in repr(body.blocks)
    assert body.warnings == ["content nested too deeply: read as plain text"]
