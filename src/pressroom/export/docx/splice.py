"""Streaming the body into ``word/document.xml``.

A long export's body is tens of megabytes of XML. Holding it as one lxml tree costs
far more memory than its text, so the writer serialises the body in chunks as it
goes, leaves a processing instruction where the body belongs, and splices the
chunks in while the package is written.

Serialising and deflating those chunks is a fifth of the work, and both lxml and
zlib release the GIL for it, so a second thread does it while the writer builds the
next blocks. The deflated chunks form one raw deflate stream ending on a byte
boundary (a sync flush); deflated head and tail go around it, as in pigz.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from lxml import etree

from pressroom.export.docx.oxml import NAMESPACES, Element, last_child, new_container

BODY_MARK: Final = "pressroom-body"
_MARK_PATTERN: Final = re.compile(rb"<\?pressroom-body\s*\?>")
_DOCUMENT_PART: Final = "word/document.xml"
_BODY_PREFIXES: Final = ("w", "r", "wp", "a", "pic")
FLUSH_EVERY: Final = 64  # top-level blocks between serialisations of the body
ZIP64_LIMIT: Final = (1 << 31) - 1  # zipfile's: larger entries need zip64 headers up front
DEFLATE_LEVEL: Final = 6  # zlib's default, which zipfile uses for every other part


class BodyChunks:
    """Serialised pieces of the body, in order, with their deflated form.

    Use as a context manager: leaving it stops the second thread, also when the
    export fails or is cancelled halfway."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.deflated: list[bytes] = []
        self._compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-body")
        self._pending: list[Future[None]] = []
        self._finished = False

    def __enter__(self) -> BodyChunks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def flush(self, container: Element, *, keep_last: bool = True) -> Element:
        """Hand the children of ``container`` to the second thread; returns the
        container to go on writing into (a fresh one: the old one belongs to that
        thread now). The last child moves over when ``keep_last``: the next block
        may look at it or change it."""
        fresh = carry_last(container) if keep_last else new_container()
        self._pending.append(self._worker.submit(self._serialise, container))
        return fresh

    def add(self, serialised: bytes) -> None:
        """Append body XML serialised elsewhere (by a forked writer), in order."""
        if serialised:
            self._pending.append(self._worker.submit(self._append, serialised))

    def finish(self) -> None:
        """Wait for the second thread (re-raising what it raised) and end the
        deflate stream on a byte boundary, without marking it final."""
        if self._finished:
            return
        for future in self._pending:
            future.result()
        self.deflated.append(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        self._finished = True

    def _serialise(self, container: Element) -> None:
        self._append(serialise_children(container))

    def _append(self, chunk: bytes) -> None:
        if chunk:
            self.chunks.append(chunk)
            self.deflated.append(self._compressor.compress(chunk))


def carry_last(container: Element) -> Element:
    """A fresh container holding the last child of ``container``, moved out of it."""
    fresh = new_container()
    last = last_child(container)
    if last is not None:
        fresh.append(last)  # lxml moves it
    return fresh


def serialise_children(container: Element) -> bytes:
    """The XML of the children of ``container``, without the container itself."""
    xml = etree.tostring(container, encoding="UTF-8")
    start = xml.index(b">") + 1
    if xml[start - 2 : start] == b"/>":
        return b""
    return xml[start : xml.rindex(b"</")]


def mark_body(position: Element, *, before: bool = True) -> None:
    mark = etree.ProcessingInstruction(BODY_MARK)
    if before:
        position.addprevious(mark)
    else:
        position.append(mark)


def save_spliced(package: Any, chunks: BodyChunks, out: Path | IO[bytes]) -> None:
    """Save ``package`` to ``out`` with ``chunks`` in place of the body mark."""
    buffer = io.BytesIO()
    package.save(buffer)
    buffer.seek(0)
    target = str(out) if isinstance(out, Path) else out
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as result,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != _DOCUMENT_PART:
                result.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = _split_at_mark(data)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            _write_document(result, entry, _declare_body_namespaces(head), chunks, tail)


def _write_document(
    result: zipfile.ZipFile, entry: zipfile.ZipInfo, head: bytes, chunks: BodyChunks, tail: bytes
) -> None:
    """Write head, body and tail as one entry, reusing the body's deflated form.

    zipfile has no public way to take data deflated already; its writer asks a
    compressor object for the deflated form of each piece written. We hand it one
    that answers from the pieces deflated beforehand, while zipfile still counts
    sizes and computes the CRC from the real bytes. Should a Python release rename
    that attribute, the entry is deflated here instead: slower, same bytes out."""
    chunks.finish()
    pieces = [_deflated(head, zlib.Z_SYNC_FLUSH), *chunks.deflated[:-1]]
    pieces.append(chunks.deflated[-1] + _deflated(tail, zlib.Z_FINISH))
    size = len(head) + sum(map(len, chunks.chunks)) + len(tail)
    with result.open(entry, "w", force_zip64=size >= ZIP64_LIMIT) as stream:
        if hasattr(stream, "_compressor"):
            stream._compressor = _Predeflated(iter(pieces))
        for data in (head, *chunks.chunks, tail):
            stream.write(data)


def _deflated(data: bytes, mode: int) -> bytes:
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(mode)


class _Predeflated:
    """A stand-in for zipfile's compressor: each ``compress`` call returns the
    deflated form of the piece written, prepared in the same order beforehand."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces

    def compress(self, _data: bytes) -> bytes:
        return next(self._pieces)

    def flush(self) -> bytes:
        return b""


def _split_at_mark(document_xml: bytes) -> tuple[bytes, bytes]:
    match = _MARK_PATTERN.search(document_xml)
    if match is None:
        raise ValueError("The body mark is missing from word/document.xml")
    return document_xml[: match.start()], document_xml[match.end() :]


def _declare_body_namespaces(head: bytes) -> bytes:
    """Declare on the root element the prefixes the body chunks use."""
    root_start = head.index(b"<", head.index(b"?>") + 2 if head.startswith(b"<?xml") else 0)
    root_end = head.index(b">", root_start)
    start_tag = head[root_start:root_end]
    missing = b"".join(
        f' xmlns:{prefix}="{NAMESPACES[prefix]}"'.encode()
        for prefix in _BODY_PREFIXES
        if f"xmlns:{prefix}=".encode() not in start_tag
    )
    return head[:root_end] + missing + head[root_end:]
