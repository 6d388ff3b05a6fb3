"""Uploaded Word templates: checks before we keep one, and opening .dotx files."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Final

import docx
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from pressroom.export.docx.placeholders import (
    JINJA_TAG,
    SCROLL_PLACEHOLDER,
    merge_split_placeholders,
    paragraphs_of,
    text_segments,
)
from pressroom.export.docx.scroll_values import ScrollValues
from pressroom.export.docx.template_context import TemplateContext

MAX_COMPRESSION_RATIO: Final = 100
MAX_ENTRIES: Final = 5000
_MAIN_DOCUMENT: Final = "word/document.xml"
_DOCUMENT_TYPE: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_TEMPLATE_TYPES: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
)
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_STRUCTURAL: Final = ("content", "includepage")


class TemplateInvalid(Exception):
    """The upload is not a Word template we can use; the message says why."""


def validate_template(data: bytes, *, max_bytes: int, max_uncompressed: int) -> list[str]:
    """Check an uploaded template. Raises :class:`TemplateInvalid` for what makes it
    unusable; returns the problems worth telling its author (the export still works)."""
    if len(data) > max_bytes:
        raise TemplateInvalid(f"The template is larger than {max_bytes} bytes.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateInvalid("The file is not a Word document (.docx/.dotx): not a zip.") from exc
    with archive:
        _check_sizes(archive, len(data), max_uncompressed)
        names = set(archive.namelist())
        if _MAIN_DOCUMENT not in names:
            raise TemplateInvalid(
                "The file is a zip but not a Word document: no word/document.xml."
            )
        problems: list[str] = []
        contents = 0
        for name in sorted(names):
            if name == _MAIN_DOCUMENT or _is_header_or_footer(name):
                part_problems, part_contents = _check_part(name, archive.read(name))
                problems += part_problems
                contents += part_contents if name == _MAIN_DOCUMENT else 0
        if contents > 1:
            problems.append(f"$scroll.content appears {contents} times; only the first is used.")
    load_template(data)
    return problems


def load_template(data: bytes) -> Any:
    """The template opened with python-docx; :class:`TemplateInvalid` if it cannot be."""
    try:
        return docx.Document(open_template(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise TemplateInvalid(f"Word cannot use this file as a template: {exc}") from exc


def _check_sizes(archive: zipfile.ZipFile, compressed: int, max_uncompressed: int) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise TemplateInvalid(f"The template has more than {MAX_ENTRIES} files inside.")
    total = sum(entry.file_size for entry in entries)
    if total > max_uncompressed:
        raise TemplateInvalid(f"The template unpacks to more than {max_uncompressed} bytes.")
    if total > max(compressed, 1) * MAX_COMPRESSION_RATIO and total > 1_000_000:
        raise TemplateInvalid("The template is compressed suspiciously well (a zip bomb?).")


def _is_header_or_footer(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        name.startswith("word/") and base.startswith(("header", "footer")) and name.endswith(".xml")
    )


def _check_part(name: str, xml: bytes) -> tuple[list[str], int]:
    """Placeholder problems of one part, and how many ``$scroll.content`` it has."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateInvalid(f"{name} is not well-formed XML: {exc}") from exc
    problems: list[str] = []
    contents = 0
    jinja_source: list[str] = []
    values = ScrollValues(TemplateContext())
    for p in paragraphs_of(root):
        if not merge_split_placeholders(p):
            continue
        for segment in text_segments(p):
            text = "".join(t.text or "" for t in segment)
            jinja_source += JINJA_TAG.findall(text)
            contents += _scroll_problems(name, text, values, problems)
    problems += _jinja_problems(name, "\n".join(jinja_source))
    return problems, contents


def _scroll_problems(name: str, text: str, values: ScrollValues, problems: list[str]) -> int:
    """Report unknown ``$scroll`` names in ``text``; returns its ``$scroll.content`` count."""
    contents = 0
    for match in SCROLL_PLACEHOLDER.finditer(text):
        key = ".".join(part for part in match.group("path").split(".") if part).lower()
        if key == "content":
            contents += 1
        elif key not in _STRUCTURAL and not values.resolve(key, match.group("arg") or "")[0]:
            problems.append(f"{name}: unknown placeholder {match.group(0)}")
    return contents


def _jinja_problems(name: str, source: str) -> list[str]:
    if not source:
        return []
    try:
        SandboxedEnvironment().parse(source.translate(_QUOTES))
    except TemplateSyntaxError as exc:
        return [f"{name}: Jinja syntax error: {exc.message}"]
    return []


_QUOTES: Final = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def open_template(data: bytes) -> io.BytesIO:
    """The template as a stream python-docx opens: a .dotx (or macro-enabled file)
    gets the content type of a plain document."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode("utf-8")
        if not any(t in types for t in _TEMPLATE_TYPES):
            return io.BytesIO(data)
        for template_type in _TEMPLATE_TYPES:
            types = types.replace(template_type, _DOCUMENT_TYPE)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for entry in archive.infolist():
                payload = archive.read(entry.filename)
                if entry.filename == "[Content_Types].xml":
                    payload = types.encode("utf-8")
                rewritten.writestr(entry, payload)
    out.seek(0)
    return out
