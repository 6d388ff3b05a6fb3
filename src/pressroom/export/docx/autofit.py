"""Column widths of a table, as Word's autofit would size them.

Widths the page gives are kept (pixels, or shares of the table). Columns without
one are sized by their content, like an HTML table in auto layout: each gets at
least its longest word (so no word breaks when the table can fit them all), and
the room left is shared by how much more text each column holds.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from pressroom.export import ast
from pressroom.export.docx.body import TWIPS_PER_PX

CELL_MARGIN: Final = 108  # twips, left and right, as in the table style
MIN_COLUMN: Final = 200
ROUNDING: Final = 2  # twips a column may lose to rounding
FONT_TWIPS: Final = 200  # 10 pt, the size of Scroll Table Normal
LINE_TWIPS: Final = 250
# Word breaks a line at spaces and after hyphens.
_BREAKS: Final = str.maketrans({"-": "- ", "\u2013": "\u2013 ", "/": "/ "})
_SPACES: Final = re.compile(r"[ \t]+")  # not no-break spaces
# Fallback fonts (DejaVu Sans for Calibri) run wider than the metrics below.
_WORD_SAFETY: Final = 1.25
_BOLD: Final = 1.07

# Advance widths in em, after Helvetica's metrics, by character group.
_EM_WIDTHS: Final = {
    **dict.fromkeys("ijlI.,:;'|!", 0.25),
    **dict.fromkeys("ftr()[]{}-/ \u00a0", 0.31),
    **dict.fromkeys('cksvxyzJ"*', 0.5),
    **dict.fromkeys("ABEFKLPSTVXYZ&", 0.65),
    **dict.fromkeys("CDGHNOQRUw", 0.74),
    **dict.fromkeys("mM%", 0.85),
    **dict.fromkeys("W@\u2014", 0.97),
}
_DEFAULT_EM: Final = 0.56


class _CharEms(dict[str, float]):
    """Advance widths by character; characters not listed are looked up once."""

    def __missing__(self, char: str) -> float:
        ems = self[char] = 1.0 if ord(char) >= 0x2E80 else _DEFAULT_EM
        return ems


_CHAR_EMS: Final = _CharEms(_EM_WIDTHS)


@dataclass(frozen=True, slots=True)
class CellText:
    """A cell's text, measured once for its column's widths and its row's height:
    per paragraph its indent, its lines (width and widest word in ems, the word
    None on a blank line) and its images."""

    header: bool
    paragraphs: list[tuple[float, list[tuple[float, float | None]], list[ast.Image]]]


class PlacedCellLike(Protocol):
    @property
    def column(self) -> int: ...

    @property
    def span(self) -> int: ...

    @property
    def text(self) -> CellText | None: ...


def measure(cell: ast.TableCell) -> CellText:
    paragraphs = [
        (indent, [_line_ems(line) for line in text.split("\n")], images)
        for text, indent, images in _lines(cell.blocks)
    ]
    return CellText(cell.header, paragraphs)


def text_width(text: str, *, bold: bool = False) -> float:
    """The width of ``text`` in twips at the table font size (an estimate)."""
    return _ems(text) * FONT_TWIPS * (_BOLD if bold else 1.0)


def _ems(text: str) -> float:
    return sum(map(_CHAR_EMS.__getitem__, text))


@functools.lru_cache(maxsize=4096)
def _line_ems(line: str) -> tuple[float, float | None]:
    """The width of ``line`` and of its widest word, in ems (tables repeat text)."""
    words = [w for w in _SPACES.split(line.translate(_BREAKS)) if w]
    return _ems(line), max(map(_ems, words)) if words else None


def column_widths(
    table: ast.Table, rows: Sequence[Sequence[PlacedCellLike]], columns: int, available: int
) -> list[int]:
    """Column widths in twips; the table never exceeds ``available``.

    The reader passes pixels or percentages. Widths that add up to about 100, to at
    most 1, or too little for pixels are shares of the table; others are pixels,
    which also size the table when it has no width of its own."""
    given = [w if w and w > 0 else None for w in table.column_widths[:columns]]
    given += [None] * (columns - len(given))
    known = [w for w in given if w is not None]
    shares = bool(known) and _look_like_shares(known)
    total = available
    if table.width_percent:
        total = int(available * min(table.width_percent, 100.0) / 100)
    elif known and len(known) == columns and not shares:
        total = min(int(sum(known) * TWIPS_PER_PX), available)
    minimum, preferred = _content_measures(rows, columns)
    if len(known) == columns:
        weights = [float(w) for w in known]
        if not shares and not table.width_percent:
            # As in a browser, a column is never narrower than its longest word.
            weights = [max(w * TWIPS_PER_PX, m) for w, m in zip(known, minimum, strict=True)]
            total = min(math.ceil(sum(weights)), available)
        return _with_minimums(_scaled(weights, total), minimum)
    fixed = [_fixed_width(w, known, shares, total) for w in given]
    return _with_minimums(_autofit(fixed, minimum, preferred, total), minimum)


def _look_like_shares(widths: list[float]) -> bool:
    """Percentages (about 100 in all), fractions, or weights too small for pixels."""
    total = sum(widths)
    return total <= 1.0 + 1e-6 or 95.0 <= total <= 105.0 or total / len(widths) < 20


def _fixed_width(width: float | None, known: list[float], shares: bool, total: int) -> float | None:
    if width is None:
        return None
    if not shares:
        return width * TWIPS_PER_PX
    scale = 1.0 if sum(known) <= 1.0 + 1e-6 else 100.0
    return total * width / scale


def _with_minimums(widths: list[int], minimum: list[float]) -> list[int]:
    """Widen columns narrower than their longest word, taking the room from columns
    wider than theirs (unless they have too little to spare: then words break)."""
    short = sum(max(m - w, 0.0) for w, m in zip(widths, minimum, strict=True))
    slack = [max(w - m, 0.0) for w, m in zip(widths, minimum, strict=True)]
    if short <= ROUNDING * len(widths) or sum(slack) < short:
        return widths
    return [
        int(m if w < m else w - s * short / sum(slack))
        for w, m, s in zip(widths, minimum, slack, strict=True)
    ]


def _scaled(weights: list[float], total: int) -> list[int]:
    scale = total / (sum(weights) or 1.0)
    return [max(int(w * scale + 1e-6), MIN_COLUMN) for w in weights]


def _autofit(
    fixed: list[float | None], minimum: list[float], preferred: list[float], total: int
) -> list[int]:
    auto = [i for i, w in enumerate(fixed) if w is None]
    free = total - sum(w for w in fixed if w is not None)
    mins = [minimum[i] for i in auto]
    maxs = [max(preferred[i], minimum[i]) for i in auto]
    if free < sum(mins):
        # Not even the longest words fit: everything shrinks alike.
        weights = [w if w is not None else minimum[i] for i, w in enumerate(fixed)]
        return _scaled(weights, total)
    if sum(maxs) <= free:
        sized = [m + (free - sum(maxs)) * m / (sum(maxs) or 1.0) for m in maxs]
    else:
        slack = [hi - lo for lo, hi in zip(mins, maxs, strict=True)]
        sized = [
            lo + (free - sum(mins)) * s / (sum(slack) or 1.0)
            for lo, s in zip(mins, slack, strict=True)
        ]
    widths = [w if w is not None else 0.0 for w in fixed]
    for i, width in zip(auto, sized, strict=True):
        widths[i] = width
    return _scaled(widths, total)


def _content_measures(
    rows: Sequence[Sequence[PlacedCellLike]], columns: int
) -> tuple[list[float], list[float]]:
    """Per column: the longest word (minimum) and longest line (preferred), with the
    cell margins, from the cells that span one column; wider cells spread any
    shortfall over the columns they span."""
    minimum = [2.0 * CELL_MARGIN + MIN_COLUMN] * columns
    preferred = [0.0] * columns
    spanning: list[tuple[int, int, float]] = []
    for row in rows:
        for placed in row:
            if placed.text is None or placed.column >= columns:
                continue
            low, high = _cell_measures(placed.text)
            if placed.span == 1:
                minimum[placed.column] = max(minimum[placed.column], low)
                preferred[placed.column] = max(preferred[placed.column], high)
            else:
                spanning.append((placed.column, min(placed.span, columns - placed.column), low))
    for first, span, low in spanning:
        have = sum(minimum[first : first + span])
        for i in range(first, first + span):
            minimum[i] += max(low - have, 0.0) / span
    return minimum, preferred


def row_lines(row: Sequence[PlacedCellLike], widths: list[int]) -> int:
    """About how many lines of text the row's tallest cell holds."""
    tallest = 0
    for placed in row:
        if placed.text is None:
            continue
        room = sum(widths[placed.column : placed.column + placed.span]) - 2 * CELL_MARGIN
        lines = 0
        for indent, measured, images in placed.text.paragraphs:
            line_room = max(room - indent, 200)
            for ems, _ in measured:
                lines += max(1, math.ceil(ems * FONT_TWIPS / line_room))
            lines += sum(math.ceil(_image_height(i, room) / LINE_TWIPS) for i in images)
        tallest = max(tallest, lines)
    return tallest


def _cell_measures(text: CellText) -> tuple[float, float]:
    bold = _BOLD if text.header else 1.0
    longest_word = 0.0
    longest_line = 0.0
    for indent, lines, images in text.paragraphs:
        image_width = _image_width(images)
        for ems, word_ems in lines:
            if word_ems is not None:
                widest = word_ems * FONT_TWIPS * bold * _WORD_SAFETY
                longest_word = max(longest_word, widest + indent)
            longest_line = max(longest_line, ems * FONT_TWIPS * bold + indent + image_width)
    margins = 2.0 * CELL_MARGIN + 40
    return longest_word + margins, longest_line + margins


def _unbreakable(label: str) -> str:
    """Status lozenges and mentions never break inside (and carry padding)."""
    return f"\u00a0{label}\u00a0".replace(" ", "\u00a0")


_CELL_SPELLING: Final = ast.TextSpelling(line_break="\n", label=_unbreakable)


def _lines(
    blocks: list[ast.Block], indent: float = 0.0
) -> Iterator[tuple[str, float, list[ast.Image]]]:
    """Each paragraph's text in ``blocks``, with its indent and its images (which
    shrink to fit, so they count towards the preferred width only)."""
    for block in blocks:
        match block:
            case ast.Paragraph(children=children) | ast.Heading(children=children):
                images = [i for i in children if isinstance(i, ast.Image)]
                yield ast.inline_text(children, _CELL_SPELLING), indent, images
            case ast.CodeBlock(code=code):
                yield code, indent, []
            case ast.ListBlock(items=items) | ast.TaskList(items=items):
                for item in items:
                    yield from _lines(item.blocks, indent + 360)
            case ast.Table(rows=rows):
                for row in rows:
                    for cell in row.cells:
                        yield from _lines(cell.blocks, indent + 2 * CELL_MARGIN)
            case _ if isinstance(getattr(block, "blocks", None), list):
                yield from _lines(block.blocks, indent)  # type: ignore[union-attr]


def _image_width(images: list[ast.Image]) -> float:
    return sum((i.width or 0) * TWIPS_PER_PX for i in images)


def _image_height(image: ast.Image, room: float) -> float:
    width, height = (image.width or 0) * TWIPS_PER_PX, (image.height or 0) * TWIPS_PER_PX
    return height * min(1.0, room / width) if width else height
