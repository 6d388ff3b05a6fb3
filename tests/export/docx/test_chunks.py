"""A long body is planned, then written in chunks, on several processes when the
export may use them: the document is byte for byte the one a single process
writes, and every id in it is unique and resolves."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import ExportCancelled, TemplateContext, write_docx
from pressroom.export.docx.chunks import POOL_MIN_BLOCKS, render_processes
from tests.export.docx.sample import make_png, page, para, text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def _document(tmp_path: Path) -> ast.Document:
    """Pages long enough for a pool, linking to each other across the body, sharing
    some pictures and links, adding their own, warning, feeding a table of contents
    and an index; one anchor name appears twice, far apart."""
    shared = make_png(tmp_path / "shared.png")
    late = make_png(tmp_path / "late.png", (120, 80), "#FF991F")
    same_as_shared = tmp_path / "copy-of-shared.png"
    same_as_shared.write_bytes(shared.read_bytes())
    blocks: list[ast.Block] = [ast.TableOfContents()]
    number = 0
    while len(blocks) < POOL_MIN_BLOCKS + 100:
        number += 1
        image = shared if number % 3 else late if number % 2 else same_as_shared
        blocks += page(1 + number % 2, number, image)
        other = number - 150 if number > 150 else number + 50
        blocks += [
            ast.Admonition("info", [para("Box ", ast.IndexTerm(f"term {number % 7}"))], "Note"),
            ast.TaskList([ast.TaskItem(number % 2 == 0, [para(f"task {number}")])]),
            para(
                ast.Link(ast.InternalTarget(f"page-{other}"), [text(f"to page {other}")]),
                " and ",
                ast.Link(ast.ExternalTarget(f"https://example.com/{number % 50}"), [text("own")]),
                ast.Link(ast.InternalTarget("nowhere"), [text(" dangling")]),
            ),
        ]
        if number in (3, 250):
            blocks.append(para(ast.Image(file=tmp_path / "missing.png")))
        if number in (2, 260):
            blocks.append(para(ast.Anchor("same-anchor"), "anchored"))
        blocks.append(para(f"End of page {number}."))
    blocks.append(ast.Index())
    return ast.Document(title="Long", blocks=blocks)


def _write(document: ast.Document, out: Path, processes: int) -> list[str]:
    context = TemplateContext(title=document.title, export_date=_EXPORTED)
    return write_docx(document, out, context=context, processes=processes)


_EXPORTED = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def _fork_servers() -> int:
    """Fork servers among this process's children (the pool's processes start there)."""
    found = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
            command = Path(f"/proc/{entry.name}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(b")", 1)[1].split()[1])
        found += parent == os.getpid() and b"forkserver" in command
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp_path = tmp_path_factory.mktemp("chunks")
    document = _document(tmp_path)
    alone = _write(document, tmp_path / "alone.docx", processes=1)
    pooled = _write(document, tmp_path / "pooled.docx", processes=2)
    return {
        "alone": (tmp_path / "alone.docx").read_bytes(),
        "pooled": (tmp_path / "pooled.docx").read_bytes(),
        "warnings": (alone, pooled),
        "fork servers": _fork_servers(),
    }


def test_several_processes_write_the_same_bytes_as_one(written: dict[str, object]) -> None:
    assert written["fork servers"] == 1  # the pool did run
    assert written["pooled"] == written["alone"]
    alone, pooled = written["warnings"]  # type: ignore[misc]
    assert pooled == alone
    assert len([warning for warning in alone if "missing.png" in warning]) == 1
    dangling = [warning for warning in alone if "has no target" in warning]
    assert dangling == ["Link to nowhere has no target in the document"]


def test_every_id_in_the_document_is_unique_and_resolves(
    written: dict[str, object], tmp_path: Path
) -> None:
    out = tmp_path / "pooled.docx"
    out.write_bytes(written["pooled"])  # type: ignore[arg-type]
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        body = etree.fromstring(archive.read("word/document.xml"))
        numbering = etree.fromstring(archive.read("word/numbering.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    bookmark_ids = body.xpath("//w:bookmarkStart/@w:id", namespaces=NS)
    names = body.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    assert len(bookmark_ids) == len(set(bookmark_ids)) > 400
    assert Counter(body.xpath("//w:bookmarkEnd/@w:id", namespaces=NS)) == Counter(bookmark_ids)
    assert len(names) == len(set(names))
    assert names.count("same_anchor") == 1
    drawing_ids = body.xpath("//wp:docPr/@id", namespaces=NS)
    assert len(drawing_ids) == len(set(drawing_ids)) > 200
    lists = set(numbering.xpath("//w:num/@w:numId", namespaces=NS))
    used = set(body.xpath("//w:numPr/w:numId/@w:val", namespaces=NS))
    assert used and used <= lists
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    linked = body.xpath("//w:hyperlink/@r:id | //a:blip/@r:embed", namespaces=NS)
    assert linked and set(linked) <= set(targets)
    assert len({targets[rid] for rid in body.xpath("//a:blip/@r:embed", namespaces=NS)}) == 2
    anchors = set(body.xpath("//w:hyperlink/@w:anchor", namespaces=NS)) - {"nowhere"}
    assert anchors and anchors <= set(names)


def test_cancelling_a_pooled_export_stops_it(tmp_path: Path) -> None:
    document = _document(tmp_path)
    checks = iter([False] * 5 + [True] * 10_000)
    with pytest.raises(ExportCancelled):
        write_docx(document, tmp_path / "c.docx", processes=2, is_cancelled=lambda: next(checks))


def test_one_budget_of_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRESSROOM_RENDER_PROCESSES", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert render_processes(workers=1) <= cores
    assert render_processes(workers=cores) == 1
    assert render_processes(workers=cores * 4) == 1
    monkeypatch.setenv("PRESSROOM_RENDER_PROCESSES", "3")
    assert render_processes(workers=cores) == 3


def test_two_long_pages_are_the_same_on_one_process_or_several(tmp_path: Path) -> None:
    """Two chunks: the export's own process writes the last, the pool the first."""
    blocks: list[ast.Block] = []
    for number in (1, 2):
        blocks += page(1, number, None)
        blocks += [para(f"Paragraph {n} of page {number}.") for n in range(POOL_MIN_BLOCKS // 2)]
    document = ast.Document(title="Two pages", blocks=blocks)
    _write(document, tmp_path / "alone.docx", processes=1)
    _write(document, tmp_path / "pooled.docx", processes=2)
    assert (tmp_path / "pooled.docx").read_bytes() == (tmp_path / "alone.docx").read_bytes()
