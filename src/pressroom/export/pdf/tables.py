"""Tables to Typst: every cell placed explicitly (``x``, ``y``), so ragged rows, spans
that overrun the table and rows of different lengths never make Typst refuse the
document; leading header rows repeat on every page when the template says so.

Columns are sized by content (``auto``, which Typst shrinks to fit the text area) or,
where the page gives widths, in proportion to them (``fr``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pressroom.export import ast

_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
_ALIGN: Final = {"left": "left", "center": "center", "right": "right", "justify": "left"}

BlocksWriter = Callable[[list[ast.Block]], str]


@dataclass(frozen=True, slots=True)
class PlacedCell:
    cell: ast.TableCell
    x: int
    y: int
    colspan: int
    rowspan: int


def place_cells(rows: list[ast.TableRow]) -> tuple[list[PlacedCell], int]:
    """Every cell at its grid position (as browsers lay out HTML tables), and the
    number of columns."""
    taken: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    columns = 0
    for y, row in enumerate(rows):
        x = 0
        for cell in row.cells:
            while (x, y) in taken:
                x += 1
            colspan = max(1, min(cell.colspan, 1000))
            rowspan = max(1, min(cell.rowspan, len(rows) - y))
            for dy in range(rowspan):
                for dx in range(colspan):
                    taken.add((x + dx, y + dy))
            placed.append(PlacedCell(cell, x, y, colspan, rowspan))
            x += colspan
            columns = max(columns, x)
    return placed, max(columns, 1)


def header_rows(rows: list[ast.TableRow]) -> int:
    """How many rows at the top are headers (marked so, or all of their cells are)."""
    count = 0
    for row in rows:
        if not (row.header or (row.cells and all(cell.header for cell in row.cells))):
            break
        count += 1
    return count if count < len(rows) else 0


def column_sizes(table: ast.Table, columns: int) -> str:
    widths = [w for w in table.column_widths[:columns] if w]
    if len(widths) != columns or any(w <= 0 for w in widths):
        return f"{columns}" if columns > 1 else "(auto,)"
    total = sum(widths)
    return "(" + ", ".join(f"{w / total * 100:.3f}fr" for w in widths) + ",)"


def write_table(table: ast.Table, blocks: BlocksWriter) -> str:
    placed, columns = place_cells(table.rows)
    if not placed:
        return ""
    headers = header_rows(table.rows)
    cells = [_cell(item, blocks) for item in placed]
    head = [c for c, item in zip(cells, placed, strict=True) if item.y < headers]
    body = [c for c, item in zip(cells, placed, strict=True) if item.y >= headers]
    if head:
        body.insert(0, f"table.header(repeat: pr-repeat, {', '.join(head)})")
    sizes = column_sizes(table, columns)
    if sizes == f"{columns}":
        sizes = "(" + "auto, " * columns + ")"
    markup = f"#table(columns: {sizes}, {', '.join(body)})"
    if table.width_percent and 0 < table.width_percent < 100:
        markup = f"#block(width: {table.width_percent:.1f}%)[{markup}]"
    return markup + "\n\n"


def _cell(item: PlacedCell, blocks: BlocksWriter) -> str:
    cell = item.cell
    options = [f"x: {item.x}", f"y: {item.y}"]
    if item.colspan > 1:
        options.append(f"colspan: {item.colspan}")
    if item.rowspan > 1:
        options.append(f"rowspan: {item.rowspan}")
    if cell.background and _COLOUR.match(cell.background):
        options.append(f'fill: rgb("{cell.background}")')
    elif cell.header:
        options.append("fill: pr-th-fill")
    if cell.align in _ALIGN:
        options.append(f"align: {_ALIGN[cell.align]}")
    body = blocks(cell.blocks).strip()
    if cell.header:
        body = f"#strong[{body}]"
    return f"table.cell({', '.join(options)})[{body}]"
