"""The body is serialised and deflated on a second thread, then spliced into
``word/document.xml`` between the deflated head and tail."""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from pressroom.export import ast
from pressroom.export.docx import ExportCancelled, write_docx
from pressroom.export.docx.oxml import new_container, paragraph, text_element
from pressroom.export.docx.splice import FLUSH_EVERY, BodyChunks, _write_document
from tests.export.docx.sample import para

HEAD = b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>'
TAIL = b"<w:sectPr/></w:body></w:document>"


def _filled(count: int) -> etree._Element:
    container = new_container()
    for number in range(count):
        text_element(etree.SubElement(paragraph(container), "{urn:x}r"), f"line {number}")
    return container


def _spliced(chunks: BodyChunks) -> tuple[bytes, bytes]:
    """The entry's stored (deflated) bytes and its content, after zipfile checked the CRC."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("word/document.xml")
        entry.compress_type = zipfile.ZIP_DEFLATED
        _write_document(archive, entry, HEAD, chunks, TAIL)
    with zipfile.ZipFile(buffer) as archive:
        assert archive.testzip() is None
        info = archive.getinfo("word/document.xml")
        content = archive.read(info)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    return buffer.getvalue()[start : start + info.compress_size], content


def test_the_entry_is_head_body_and_tail_deflated_once() -> None:
    with BodyChunks() as chunks:
        container = _filled(300)
        for _ in range(5):
            container = chunks.flush(container)
            container.extend(_filled(300))
        chunks.flush(container, keep_last=False)
        stored, data = _spliced(chunks)
    assert data == HEAD + b"".join(chunks.chunks) + TAIL
    assert len(chunks.chunks) == 6 and b"line 299" in chunks.chunks[-1]
    # What the second thread deflated is stored as it is, between head and tail.
    head = zlib.compressobj(6, zlib.DEFLATED, -15)
    tail = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert stored == (
        head.compress(HEAD)
        + head.flush(zlib.Z_SYNC_FLUSH)
        + b"".join(chunks.deflated)
        + tail.compress(TAIL)
        + tail.flush()
    )


def test_the_last_child_stays_behind_for_the_next_block() -> None:
    with BodyChunks() as chunks:
        container = _filled(3)
        kept = container[-1]
        fresh = chunks.flush(container)
        assert list(fresh) == [kept]
        chunks.flush(fresh, keep_last=False)
        _, data = _spliced(chunks)
    assert data.count(b"line 2") == 1 and data.index(b"line 1") < data.index(b"line 2")


def test_an_empty_body_still_makes_a_valid_entry() -> None:
    with BodyChunks() as chunks:
        chunks.flush(new_container(), keep_last=False)
        _, data = _spliced(chunks)
    assert data == HEAD + TAIL


def test_a_long_document_reads_back_whole(tmp_path: Path) -> None:
    blocks: list[ast.Block] = [para(f"paragraph {n}") for n in range(FLUSH_EVERY * 4 + 3)]
    write_docx(ast.Document("T", blocks), tmp_path / "long.docx")
    with zipfile.ZipFile(tmp_path / "long.docx") as archive:
        assert archive.testzip() is None
        root = etree.fromstring(archive.read("word/document.xml"))
    texts = [t.text for t in root.iter("{*}t") if t.text and t.text.startswith("paragraph ")]
    assert texts == [f"paragraph {n}" for n in range(len(blocks))]


def test_cancelling_stops_the_second_thread(tmp_path: Path) -> None:
    blocks: list[ast.Block] = [para(f"p{n}") for n in range(FLUSH_EVERY * 3)]
    checks = iter([False, False, False, False, False, True])
    with pytest.raises(ExportCancelled):
        write_docx(
            ast.Document("T", blocks), tmp_path / "c.docx", is_cancelled=lambda: next(checks)
        )
    assert not [t for t in threading.enumerate() if t.name.startswith("pressroom-body")]
