"""Streaming the body into ``word/document.xml``.

A long export's body is tens of megabytes of XML. Holding it as one lxml tree costs
far more memory than its text, so the writer serialises the body in chunks as it
goes, leaves a processing instruction where the body belongs, and splices the
chunks in while the package is written.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import IO, Any, Final

from lxml import etree

from pressroom.export.docx.oxml import NAMESPACES, Element, last_child, new_container

BODY_MARK: Final = "pressroom-body"
_MARK_PATTERN: Final = re.compile(rb"<\?pressroom-body\s*\?>")
_DOCUMENT_PART: Final = "word/document.xml"
_BODY_PREFIXES: Final = ("w", "r", "wp", "a", "pic")


class BodyChunks:
    """Serialised pieces of the body, in order."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def flush(self, container: Element, *, keep_last: bool = True) -> Element:
        """Serialise the children of ``container``; returns the container to go on
        writing into (a fresh one: emptying the old child by child costs more). The
        last child moves over when ``keep_last``: the next block may look at it."""
        last = last_child(container) if keep_last else None
        if last is not None:
            container.remove(last)
        xml = etree.tostring(container, encoding="UTF-8")
        start = xml.index(b">") + 1
        if xml[start - 2 : start] != b"/>":
            self.chunks.append(xml[start : xml.rindex(b"</")])
        fresh = new_container()
        if last is not None:
            fresh.append(last)
        return fresh


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
            with result.open(entry, "w") as stream:
                stream.write(_declare_body_namespaces(head))
                for chunk in chunks.chunks:
                    stream.write(chunk)
                stream.write(tail)


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
