"""Column widths the page does not give are sized by content, as Word's autofit
would: no word broken when the words fit, the room left to the columns with more text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pressroom.export import ast
from pressroom.export.docx import write_docx
from pressroom.export.docx.autofit import text_width
from tests.export.docx.conftest import NS, LibreOffice, WriteDocument
from tests.export.docx.sample import para

BACKENDS = ("Amazon S3", "Azure Blob", "Google Cloud Storage", "MinIO", "Local volume")


def cell(text: str, header: bool = False, **spans: int) -> ast.TableCell:
    return ast.TableCell([para(text)], header=header, **spans)


def comparison(widths: list[float | None] | None = None) -> ast.Table:
    """The DEMO space's wide table: two header rows with spans, ten columns."""
    top = [cell("Backend", True, rowspan=2), cell("Consistency", True, colspan=3)]
    top += [cell("Redirects", True, colspan=2), cell("Operations", True, colspan=3)]
    top.append(cell("Notes", True, rowspan=2))
    second = ["Read after write", "List", "Delete", "Pull", "Push", "Multipart"]
    second += ["Lifecycle rules", "Server-side copy"]
    rows = [ast.TableRow(top, header=True), ast.TableRow([cell(t, True) for t in second], True)]
    for name in BACKENDS:
        values = [name, "Strong", "Strong", "Strong", "Yes", "No", "5 MB\u20135 GB parts"]
        values += ["Yes", "Since RELEASE.2024", "Run four or more drives for erasure coding."]
        rows.append(ast.TableRow([cell(v) for v in values]))
    return ast.Table(rows, column_widths=widths or [])


def grid(out: object) -> list[int]:
    return [int(w) for w in out.xpath("//w:tblGrid/w:gridCol/@w:w")]  # type: ignore[attr-defined]


def test_columns_without_widths_fit_their_longest_word(write: WriteDocument) -> None:
    widths = grid(write([ast.OrientedSection(True, [comparison()])]))
    assert len(widths) == 10
    assert sum(widths) <= 16838 - 2 * 1134
    assert widths[0] > text_width("Storage", bold=False) + 216
    assert widths[0] > text_width("Backend", bold=True) + 216
    assert widths[8] > text_width("RELEASE.2024") + 216
    assert widths[9] == max(widths), "the notes column holds the most text"


def test_columns_too_narrow_for_their_words_shrink_alike(write: WriteDocument) -> None:
    widths = grid(write([comparison()]))
    assert sum(widths) <= 11906 - 2 * 1134
    assert min(widths) > 400


def test_short_columns_stay_narrow_and_long_text_gets_the_room(write: WriteDocument) -> None:
    rows = [
        ast.TableRow([cell("Key"), cell("Meaning")], header=True),
        ast.TableRow([cell("listen"), cell("Address and port of the gateway. " * 6)]),
    ]
    key, meaning = grid(write([ast.Table(rows)]))
    assert key < meaning / 4
    assert key > text_width("listen") + 216


def test_given_pixel_widths_are_kept_and_the_rest_sized_by_content(
    write: WriteDocument,
) -> None:
    widths = grid(write([ast.OrientedSection(True, [comparison([120.0, *[None] * 8, 220.0])])]))
    assert widths[0] == 1800 and widths[9] == 3300
    assert widths[6] > text_width("Multipart", bold=True) + 216


@pytest.mark.libreoffice
def test_libreoffice_breaks_no_word_of_the_wide_table(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    source = tmp_path / "table.docx"
    write_docx(ast.Document("Table", [ast.OrientedSection(True, [comparison()])]), source)
    pdf = libreoffice.convert(source)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = set(text.split())
    for word in ("Backend", "Consistency", "Operations", "Multipart", "RELEASE.2024", "Lifecycle"):
        assert word in words
    for name in BACKENDS:
        assert set(name.split()) <= words


def test_given_pixel_widths_grow_to_their_longest_word(write: WriteDocument) -> None:
    roles = ["Action", "Reader", "Developer", "Maintainer", "Owner"]
    rows = [ast.TableRow([cell(r, True) for r in roles], header=True)]
    rows.append(ast.TableRow([cell("Pull"), *[cell("\u2713") for _ in roles[1:]]]))
    table = ast.Table(rows, column_widths=[240.0, 90.0, 90.0, 90.0, 90.0])
    widths = grid(write([table]))
    assert widths[0] == 3600 and widths[1] == 1350 and widths[4] == 1350
    assert widths[3] > text_width("Maintainer", bold=True) * 1.25 + 216


def test_short_rows_never_break_across_pages(write: WriteDocument) -> None:
    rows = [
        ast.TableRow([cell("Step", True), cell("What happens", True)], header=True),
        ast.TableRow([cell("1"), cell("The schedule fires.")]),
        ast.TableRow([cell("2"), ast.TableCell([para("A long explanation. " * 40)] * 6)]),
    ]
    out = write([ast.Table(rows)])
    header, short, tall = out.xpath("//w:tbl/w:tr")
    assert header.xpath("w:trPr/*", namespaces=NS) == header.xpath(
        "w:trPr/w:cantSplit | w:trPr/w:tblHeader", namespaces=NS
    )
    assert len(header.xpath("w:trPr/*", namespaces=NS)) == 2
    assert short.xpath("w:trPr/w:cantSplit", namespaces=NS)
    assert not tall.xpath("w:trPr/w:cantSplit", namespaces=NS), "a tall row may break"


def small_table(number: int) -> ast.Table:
    rows = [ast.TableRow([cell("Key", True), cell("Value", True)], header=True)]
    rows += [ast.TableRow([cell(f"t{number}r{n}"), cell("value")]) for n in range(5)]
    return ast.Table(rows)


def test_short_tables_keep_together(write: WriteDocument) -> None:
    out = write([small_table(1)])
    rows = out.xpath("//w:tbl/w:tr")
    for row in rows[:-1]:
        assert all(
            p.xpath("w:pPr/w:keepNext", namespaces=NS) for p in row.xpath(".//w:p", namespaces=NS)
        )
    assert not rows[-1].xpath(".//w:keepNext", namespaces=NS)


@pytest.mark.libreoffice
def test_libreoffice_keeps_short_tables_on_one_page(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    blocks: list[ast.Block] = []
    for number in range(14):
        blocks += [
            para("Filler text that takes a line or two. " * (number % 7 + 1)),
            small_table(number),
        ]
    source = tmp_path / "tables.docx"
    write_docx(ast.Document("Tables", blocks), source)
    pdf = libreoffice.convert(source)
    pages = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    for number in range(14):
        holding = {n for n, page in enumerate(pages) if f"t{number}r" in page}
        assert len(holding) == 1, f"table {number} is split over pages {holding}"
