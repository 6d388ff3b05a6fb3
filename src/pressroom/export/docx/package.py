"""Writing the .docx package with the body streamed into ``word/document.xml``.

A long export's body is tens of megabytes of XML, written as fragments (one per
chunk, :mod:`.chunks`). The document part keeps a processing instruction where the
body belongs; its entry is written as the part's XML before the mark, the
fragments, and the XML after it, through ``zipfile``'s public streaming writer.
Every other part is written as python-docx serialises it, deflated like the rest
(pictures too: PNGs often shrink by a fifth more).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Final
from xml.sax.saxutils import quoteattr

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.spec import default_content_types
from lxml import etree

from pressroom.export.docx.oxml import NAMESPACES, Element

BODY_MARK: Final = "pressroom-body"
_MARK_PATTERN: Final = re.compile(rb"<\?pressroom-body\s*\?>")
_BODY_PREFIXES: Final = ("w", "r", "wp", "a", "pic")
ZIP64_LIMIT: Final = (1 << 31) - 1  # zipfile's: larger entries need zip64 headers up front
_TYPES_NS: Final = "http://schemas.openxmlformats.org/package/2006/content-types"

DateTime = tuple[int, int, int, int, int, int]


def mark_body(position: Element, *, before: bool = True) -> None:
    """Leave the mark the body replaces before ``position`` (or inside it, last)."""
    mark = etree.ProcessingInstruction(BODY_MARK)
    if before:
        position.addprevious(mark)
    else:
        position.append(mark)


def save_package(
    package: Any, out: Path | IO[bytes], body: list[bytes], date_time: DateTime
) -> None:
    """Write ``package`` (a python-docx document) to ``out`` with ``body`` (XML
    fragments, in order) in place of the body mark; every entry dated ``date_time``,
    so that the same document makes the same bytes."""
    document_part = package.part
    parts = list(document_part.package.iter_parts())
    for part in parts:
        part.before_marshal()
    target = str(out) if isinstance(out, Path) else out
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "[Content_Types].xml", _content_types(parts), date_time)
        _write(archive, "_rels/.rels", document_part.package.rels.xml, date_time)
        for part in parts:
            name = part.partname.membername
            if part is document_part:
                _write_document(archive, name, part.blob, body, date_time)
            else:
                _write(archive, name, part.blob, date_time)
            if len(part.rels):
                _write(archive, part.partname.rels_uri.membername, part.rels.xml, date_time)


def _write(archive: zipfile.ZipFile, name: str, data: bytes, date_time: DateTime) -> None:
    entry = zipfile.ZipInfo(name, date_time=date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)


def _write_document(
    archive: zipfile.ZipFile, name: str, xml: bytes, body: list[bytes], date_time: DateTime
) -> None:
    head, tail = _split_at_mark(xml)
    head = _declare_body_namespaces(head)
    size = len(head) + sum(map(len, body)) + len(tail)
    entry = zipfile.ZipInfo(name, date_time=date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(entry, "w", force_zip64=size >= ZIP64_LIMIT) as stream:
        stream.write(head)
        for fragment in body:
            stream.write(fragment)
        stream.write(tail)


def _content_types(parts: Iterable[Any]) -> bytes:
    """``[Content_Types].xml``: python-docx's defaults by extension, else one
    override per part."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext.lower()
        if (ext, part.content_type) in default_content_types and ext not in overrides:
            defaults.setdefault(ext, part.content_type)
        if defaults.get(ext) != part.content_type:
            overrides[str(part.partname)] = part.content_type
    lines = [f'<Types xmlns="{_TYPES_NS}">']
    lines += [
        f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(kind)}/>"
        for ext, kind in sorted(defaults.items())
    ]
    lines += [
        f"<Override PartName={quoteattr(name)} ContentType={quoteattr(kind)}/>"
        for name, kind in sorted(overrides.items())
    ]
    lines.append("</Types>")
    declaration = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    return (declaration + "".join(lines)).encode()


def _split_at_mark(document_xml: bytes) -> tuple[bytes, bytes]:
    match = _MARK_PATTERN.search(document_xml)
    if match is None:
        raise ValueError("The body mark is missing from word/document.xml")
    return document_xml[: match.start()], document_xml[match.end() :]


def _declare_body_namespaces(head: bytes) -> bytes:
    """Declare on the root element the prefixes the body fragments use."""
    root_start = head.index(b"<", head.index(b"?>") + 2 if head.startswith(b"<?xml") else 0)
    root_end = head.index(b">", root_start)
    start_tag = head[root_start:root_end]
    missing = b"".join(
        f' xmlns:{prefix}="{NAMESPACES[prefix]}"'.encode()
        for prefix in _BODY_PREFIXES
        if f"xmlns:{prefix}=".encode() not in start_tag
    )
    return head[:root_end] + missing + head[root_end:]
