"""Storage format as an lxml tree, parsed safely.

Storage format is untrusted input, usually without a root element or namespace
declarations, full of HTML named entities. HTML entities are turned into
character references before lxml sees the text (never inside CDATA), document
type declarations are dropped, and lxml runs without entity resolution, DTD
loading or network access, so nothing is ever expanded or fetched. Malformed
markup is read again by lxml's recovering parser.
"""

from __future__ import annotations

import html.entities
import re
from typing import Final

from lxml import etree

from pressroom.export.storage_markup import AC_NAMESPACE, AT_NAMESPACE, RI_NAMESPACE

_PREDEFINED: Final = frozenset({"amp", "lt", "gt", "quot", "apos"})
_REFERENCE = re.compile(
    r"&(?:#([0-9]{1,10});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][A-Za-z0-9]{0,40});)?"
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*+>")
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*+(?:\[[^\]]*+\])?\s*>?", re.IGNORECASE)


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _reference(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if decimal or hexadecimal:
        code = int(decimal) if decimal else int(hexadecimal, 16)
        return match.group(0) if _xml_char(code) else "&#xFFFD;"
    if name is None:
        return "&amp;"  # a bare ampersand
    if name in _PREDEFINED:
        return match.group(0)
    characters = html.entities.html5.get(name + ";")
    if characters is None:
        return "&amp;" + name + ";"  # unknown entity: keep it as visible text
    return "".join(f"&#{ord(c)};" for c in characters)


def _resolve_references(xml: str) -> str:
    """Resolve entity references everywhere except inside CDATA sections."""
    parts: list[str] = []
    position = 0
    while True:
        start = xml.find("<![CDATA[", position)
        if start < 0:
            parts.append(_REFERENCE.sub(_reference, xml[position:]))
            return "".join(parts)
        end = xml.find("]]>", start)
        end = len(xml) if end < 0 else end + 3
        parts.append(_REFERENCE.sub(_reference, xml[position:start]))
        parts.append(xml[start:end])
        position = end


def _parseable(xml: str, warnings: list[str]) -> bytes:
    xml = _NOT_XML.sub("", xml)
    xml = _XML_DECLARATION.sub("", xml, count=1)
    xml, doctypes = _DOCTYPE.subn("", xml)
    if doctypes:
        warnings.append("ignored a document type declaration")
    xml = _resolve_references(xml)
    return (
        f'<ac:confluence xmlns:ac="{AC_NAMESPACE}" xmlns:ri="{RI_NAMESPACE}"'
        f' xmlns:at="{AT_NAMESPACE}">{xml}</ac:confluence>'
    ).encode()


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
    )


def parse_storage(xml: str, warnings: list[str]) -> etree._Element | None:
    """The storage format as an lxml tree under a synthetic root element."""
    data = _parseable(xml, warnings)
    try:
        return etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as error:
        warnings.append(f"malformed storage format ({error.msg}); read what could be recovered")
    parser = _parser(recover=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        warnings.append(f"unreadable storage format ({error.msg})")
        return None
