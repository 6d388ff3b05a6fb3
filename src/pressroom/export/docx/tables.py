"""Tables: a column grid resolved from colspan/rowspan, widths (:mod:`.autofit`) that
never exceed the text area, header rows that repeat on every page, merged and
shaded cells.

Also the borderless and boxed one-row tables that admonitions and columns use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import sections
from pressroom.export.docx.autofit import CELL_MARGIN as CELL_MARGIN
from pressroom.export.docx.autofit import CellText, column_widths, measure, row_lines
from pressroom.export.docx.body import Frame
from pressroom.export.docx.oxml import (
    Element,
    Templates,
    follows_table,
    last_child,
    paragraph,
    qn,
    shading,
    sub,
)

HEADER_FILL: Final = "F4F5F7"
UNSPLIT_ROW_LINES: Final = 12  # rows up to this many lines never break across pages
KEEP_TOGETHER_LINES: Final = 14  # tables up to this many lines stay on one page
_P: Final = qn("w:p")
_TCPR: Final = qn("w:tcPr")

BlocksWriter = Callable[[Element, list[ast.Block], Frame], None]


@dataclass(slots=True)
class PlacedCell:
    column: int
    span: int
    cell: ast.TableCell | None  # None: continues a vertical merge from above
    restart: bool = False
    text: CellText | None = None


@dataclass(slots=True)
class Grid:
    columns: int
    rows: list[list[PlacedCell]] = field(default_factory=list)


def resolve_grid(table: ast.Table) -> Grid:
    """Place every cell on the column grid; rowspans leave continuation cells below."""
    carries: dict[int, tuple[int, int]] = {}  # column → (rows left, span)
    rows: list[list[PlacedCell]] = []
    columns = 0
    for row in table.rows:
        placed: list[PlacedCell] = []
        column = 0
        for cell in row.cells:
            column = _continue_merges(placed, carries, column, until=None)
            span = max(1, cell.colspan)
            placed.append(PlacedCell(column, span, cell, cell.rowspan > 1, measure(cell)))
            if cell.rowspan > 1:
                carries[column] = (cell.rowspan - 1, span)
            column += span
        column = _continue_merges(placed, carries, column, until=max(carries, default=-1) + 1)
        columns = max(columns, column)
        rows.append(placed)
    return Grid(columns=max(columns, 1), rows=rows)


def _continue_merges(
    placed: list[PlacedCell],
    carries: dict[int, tuple[int, int]],
    column: int,
    until: int | None,
) -> int:
    """Emit continuation cells at ``column`` (and onwards up to ``until``)."""
    while column in carries or (until is not None and column < until):
        if column not in carries:
            column += 1
            continue
        left, span = carries.pop(column)
        placed.append(PlacedCell(column, span, None))
        if left > 1:
            carries[column] = (left - 1, span)
        column += span
    return column


def write_table(
    parent: Element, table: ast.Table, frame: Frame, style_id: str | None, blocks: BlocksWriter
) -> None:
    grid = resolve_grid(table)
    widths = column_widths(table, grid.rows, grid.columns, frame.width)
    tbl = start_table(parent, style_id, widths, indent=frame.indent + frame.table_shift)
    header_rows = _leading_header_rows(table)
    cells = _CellWriter(widths, frame, blocks)
    lines = 0
    for row_no, placed_row in enumerate(grid.rows):
        header = row_no < header_rows
        row_height = row_lines(placed_row, widths)
        lines += row_height
        # A short row moves to the next page whole.
        tr = _rows.copy(header, header or row_height <= UNSPLIT_ROW_LINES)
        tbl.append(tr)
        for placed in _padded(placed_row, grid.columns):
            cells.write(tr, placed)
    if lines <= KEEP_TOGETHER_LINES:
        _keep_together(tbl)


def _row_template(header: bool, cant_split: bool) -> Element:
    tr = etree.Element(qn("w:tr"))
    if cant_split:
        tr_pr = sub(tr, "w:trPr")
        sub(tr_pr, "w:cantSplit")
        if header:
            sub(tr_pr, "w:tblHeader")
    return tr


_rows: Final = Templates(_row_template)


def _keep_together(tbl: Element) -> None:
    """Keep a short table on one page, as Word does it: every paragraph of every row
    but the last keeps with the next."""
    rows = tbl.findall(qn("w:tr"))
    for tr in rows[:-1]:
        for p in tr.iter(_P):
            sections.keep_with_next(p)


def _leading_header_rows(table: ast.Table) -> int:
    count = 0
    for row in table.rows:
        if not (row.header or (row.cells and all(c.header for c in row.cells))):
            break
        count += 1
    return count if count < len(table.rows) else 0


def _padded(row: list[PlacedCell], columns: int) -> list[PlacedCell]:
    """Cells in column order, with empty cells filling short rows to the grid."""
    row = sorted(row, key=lambda p: p.column)
    end = row[-1].column + row[-1].span if row else 0
    if end < columns:
        row.append(PlacedCell(end, columns - end, ast.TableCell()))
    return row


class _CellWriter:
    """Writes the cells of one table: their properties are copies of templates, and
    the frames of their content are made once per width and format."""

    def __init__(self, widths: list[int], frame: Frame, blocks: BlocksWriter) -> None:
        self._widths = widths
        self._frame = frame
        self._blocks = blocks
        self._frames: dict[tuple[int, str | None, bool], Frame] = {}

    def write(self, tr: Element, placed: PlacedCell) -> None:
        width = sum(self._widths[placed.column : placed.column + placed.span])
        cell = placed.cell
        if cell is None:
            tc = _cells.copy(width, placed.span, "continue", None)
            tr.append(tc)
            paragraph(tc)
            return
        fill = cell.background or (HEADER_FILL if cell.header else None)
        tc = _cells.copy(width, placed.span, "restart" if placed.restart else None, fill)
        tr.append(tc)
        self._blocks(tc, cell.blocks, self._inner(width, cell))
        close_cell(tc)

    def _inner(self, width: int, cell: ast.TableCell) -> Frame:
        key = (width, cell.align, cell.header)
        inner = self._frames.get(key)
        if inner is None:
            inner = self._frames[key] = self._frame.inside(
                width=max(width - 2 * CELL_MARGIN, 400),
                text_style=None,
                align=cell.align,
                bold=cell.header,
                list_depth=0,
                indent=0,
            )
        return inner


def _cell_template(width: int, span: int, merge: str | None, fill: str | None) -> Element:
    """A ``w:tc`` with its properties; ``merge`` is "restart" or "continue" for
    vertically merged cells."""
    tc = etree.Element(qn("w:tc"))
    tc_pr = sub(tc, "w:tcPr")
    sub(tc_pr, "w:tcW", w=str(width), type="dxa")
    if span > 1:
        sub(tc_pr, "w:gridSpan", str(span))
    if merge is not None:
        sub(tc_pr, "w:vMerge", "restart" if merge == "restart" else None)
    if fill:
        shading(tc_pr, fill)
    return tc


_cells: Final = Templates(_cell_template)


def close_cell(tc: Element) -> None:
    """Word requires every cell to end with a paragraph."""
    last = last_child(tc)
    if last is None or last.tag != _P:
        paragraph(tc)


def _table_separator(parent: Element) -> None:
    """A 6 pt paragraph between two tables, which Word would otherwise merge."""
    ppr = sub(etree.SubElement(parent, _P), "w:pPr")
    sub(ppr, "w:spacing", before="0", after="0", line="120", lineRule="exact")
    sub(sub(ppr, "w:rPr"), "w:sz", "4")


def start_table(
    parent: Element,
    style_id: str | None,
    widths: list[int],
    *,
    borders: bool = True,
    indent: int = 0,
) -> Element:
    if follows_table(parent):
        _table_separator(parent)
    tbl = _tables.copy(style_id, sum(widths), borders, indent)
    parent.append(tbl)
    grid = etree.SubElement(tbl, _TBL_GRID)
    for width in widths:
        etree.SubElement(grid, _GRID_COL, {_W_W: str(width)})
    return tbl


def _table_template(style_id: str | None, width: int, borders: bool, indent: int) -> Element:
    """A ``w:tbl`` with its properties (its grid follows)."""
    tbl = etree.Element(qn("w:tbl"))
    tbl_pr = sub(tbl, "w:tblPr")
    if style_id is not None:
        sub(tbl_pr, "w:tblStyle", style_id)
    sub(tbl_pr, "w:tblW", w=str(width), type="dxa")
    if indent:
        sub(tbl_pr, "w:tblInd", w=str(indent), type="dxa")
    if not borders:
        no_borders = sub(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(no_borders, f"w:{side}", "nil")
    sub(tbl_pr, "w:tblLayout", type="fixed")
    sub(tbl_pr, "w:tblLook", "0000", firstRow="0", lastRow="0", firstColumn="0",
        lastColumn="0", noHBand="1", noVBand="1")  # fmt: skip
    return tbl


_tables: Final = Templates(_table_template)
_TBL_GRID: Final = qn("w:tblGrid")
_GRID_COL: Final = qn("w:gridCol")
_W_W: Final = qn("w:w")


def write_box(
    parent: Element,
    frame: Frame,
    *,
    fill: str | None,
    border: str,
    accent: str | None = None,
    title_fill: str | None = None,
) -> tuple[Element | None, Element, Frame]:
    """A boxed table (admonitions): a title row in ``title_fill`` when one is given,
    then the body. Returns the title cell (or None), the body cell and its frame."""
    tbl = start_table(parent, None, [frame.width], indent=frame.indent + frame.table_shift)
    title = None
    if title_fill:
        title = _box_cell(tbl, frame.width, title_fill, border, accent, cant_split=True)
    body = _box_cell(tbl, frame.width, fill, border, accent)
    return title, body, frame.inside(width=frame.width - 320, list_depth=0, indent=0)


def _box_cell(
    tbl: Element,
    width: int,
    fill: str | None,
    border: str,
    accent: str | None,
    *,
    cant_split: bool = False,
) -> Element:
    tr = etree.SubElement(tbl, qn("w:tr"))
    if cant_split:
        sub(sub(tr, "w:trPr"), "w:cantSplit")
    tc = etree.SubElement(tr, qn("w:tc"))
    tc_pr = sub(tc, "w:tcPr")
    sub(tc_pr, "w:tcW", w=str(width), type="dxa")
    borders = sub(tc_pr, "w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        size = "24" if side == "left" and accent else "4"
        color = accent if side == "left" and accent else border
        sub(borders, f"w:{side}", "single", sz=size, space="0", color=color.lstrip("#"))
    if fill:
        shading(tc_pr, fill)
    margins = sub(tc_pr, "w:tcMar")
    for side in ("top", "bottom"):
        sub(margins, f"w:{side}", w="100", type="dxa")
    for side in ("left", "right"):
        sub(margins, f"w:{side}", w="160", type="dxa")
    return tc


def write_columns(
    parent: Element, columns: ast.Columns, frame: Frame, blocks: BlocksWriter, text_style: str
) -> None:
    """Side-by-side columns: a borderless one-row table."""
    shares = [c.width_percent for c in columns.columns]
    known = [s for s in shares if s]
    fill = (
        (100.0 - sum(known)) / max(len(shares) - len(known), 1) if len(known) < len(shares) else 0
    )
    weights = [s or max(fill, 1.0) for s in shares]
    widths = [int(frame.width * w / sum(weights)) for w in weights]
    tbl = start_table(parent, None, widths, borders=False, indent=frame.indent + frame.table_shift)
    tr = etree.SubElement(tbl, qn("w:tr"))
    for column, width in zip(columns.columns, widths, strict=True):
        tc = etree.SubElement(tr, qn("w:tc"))
        sub(sub(tc, "w:tcPr"), "w:tcW", w=str(width), type="dxa")
        inner = frame.inside(
            width=width - 2 * CELL_MARGIN, text_style=text_style, list_depth=0, indent=0
        )
        blocks(tc, column.blocks, inner)
        close_cell(tc)
