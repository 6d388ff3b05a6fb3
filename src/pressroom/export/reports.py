"""What the assembler makes of macros that show other content: an attachment's link
(view-file and friends), and reports over pages found by label or by date
(contentbylabel, recently-updated, page-properties-report).

Pure functions over :class:`~pressroom.export.assemble.PageSource` records; the
assembler finds the pages and attachments and hands them in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pressroom.export.ast import (
    Block,
    Date,
    Inline,
    Link,
    LinkTarget,
    ListBlock,
    ListItem,
    PageReport,
    Paragraph,
    Table,
    TableCell,
    TableRow,
    Text,
)

_FILE_KINDS: Final = {
    "pdf": "PDF document",
    "doc": "Word document",
    "docx": "Word document",
    "odt": "OpenDocument text",
    "xls": "Excel spreadsheet",
    "xlsx": "Excel spreadsheet",
    "csv": "CSV file",
    "ods": "OpenDocument spreadsheet",
    "ppt": "PowerPoint presentation",
    "pptx": "PowerPoint presentation",
    "odp": "OpenDocument presentation",
    "txt": "text file",
    "zip": "ZIP archive",
}


def attachment_path(attachments: dict[str, Path], filename: str) -> Path | None:
    """The file of attachment ``filename``, names compared after Unicode NFC
    normalisation (macOS uploads decomposed names: "한글.png" in NFD is the same
    attachment as in NFC)."""
    path = attachments.get(filename)
    if path is not None:
        return path
    wanted = unicodedata.normalize("NFC", filename)
    for name, candidate in attachments.items():
        if unicodedata.normalize("NFC", name) == wanted:
            return candidate
    return None


def file_kind(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    return _FILE_KINDS.get(suffix) or (f"{suffix.upper()} file" if suffix else "file")


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachment_line(filename: str, target: LinkTarget, path: Path) -> Paragraph:
    """The attachment's name as a link, then its type and size: ``report.pdf (PDF
    document, 1.2 MB)``."""
    try:
        facts = f"{file_kind(filename)}, {file_size(path.stat().st_size)}"
    except OSError:
        facts = file_kind(filename)
    return Paragraph([Link(target, [Text(filename)]), Text(f" ({facts})")])


def report_blocks(
    report: PageReport,
    pages: Sequence[tuple[str, str, dict[str, str]]],
    links: Sequence[Inline],
) -> list[Block]:
    """A report's pages (title, modified date, page properties; each with its link)
    as a list of links, or for page properties a table."""
    if not pages:
        return [Paragraph([Text("No pages found.")])]
    if report.kind == "properties":
        return [_properties_table(report, pages, links)]
    items: list[ListItem] = []
    for (_, modified, _), link in zip(pages, links, strict=True):
        line: list[Inline] = [link]
        if report.kind == "recent" and modified:
            line += [Text(" (updated "), Date(modified[:10]), Text(")")]
        items.append(ListItem([Paragraph(line)]))
    return [ListBlock(False, items)]


def _properties_table(
    report: PageReport,
    pages: Sequence[tuple[str, str, dict[str, str]]],
    links: Sequence[Inline],
) -> Table:
    keys = list(report.headings)
    if not keys:
        keys = list(dict.fromkeys(key for _, _, properties in pages for key in properties))
    header = TableRow([_cell("Title", header=True), *(_cell(k, header=True) for k in keys)], True)
    rows = [header]
    for (_, _, properties), link in zip(pages, links, strict=True):
        cells = [TableCell([Paragraph([link])])]
        cells += [_cell(_property(properties, key)) for key in keys]
        rows.append(TableRow(cells))
    return Table(rows)


def _property(properties: dict[str, str], key: str) -> str:
    if key in properties:
        return properties[key]
    folded = key.casefold()
    return next((v for k, v in properties.items() if k.casefold() == folded), "")


def _cell(text: str, header: bool = False) -> TableCell:
    return TableCell([Paragraph([Text(text)])] if text else [], header=header)
