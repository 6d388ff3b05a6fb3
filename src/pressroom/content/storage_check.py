"""Rejecting storage-format bodies that are not well-formed, as Confluence does."""

from __future__ import annotations

import html.entities
import re

from lxml import etree

from pressroom.errors import InvalidInput

_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_NAMESPACES = (
    'xmlns:ac="http://atlassian.com/content" '
    'xmlns:ri="http://atlassian.com/resource/identifier" '
    'xmlns:at="http://atlassian.com/template"'
)


def _numeric_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    codepoint = html.entities.name2codepoint.get(name)
    if codepoint is None:
        raise InvalidInput(f"The storage format uses the unknown entity &{name};.")
    return f"&#{codepoint};"


def check_storage(value: str) -> None:
    """Raise :class:`InvalidInput` saying where ``value`` is not well-formed XHTML."""
    if "<!DOCTYPE" in value or "<!ENTITY" in value:
        raise InvalidInput("The storage format must not contain a DOCTYPE or entity declarations.")
    wrapped = f"<root {_NAMESPACES}>{_ENTITY.sub(_numeric_entity, value)}</root>"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(wrapped.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(
            f"The storage format is not well-formed XHTML: {exc.msg} (line {exc.lineno})."
        ) from exc
