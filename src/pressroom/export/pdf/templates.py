"""PDF templates: the two built-in ones and uploaded ``.zip`` files.

A template .zip holds ``template.yaml`` (the knobs of :mod:`settings`), and/or
``template.typ`` (a Typst function ``template(doc, body)`` that lays out the
document), plus the files they use: pictures, fonts (``.ttf``/``.otf``), other
``.typ`` files. A zip with only ``template.yaml`` uses the built-in layout.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from typing import Final

from pressroom.export.pdf.settings import PdfSettings, SettingsInvalid, parse_settings

DOCUMENTATION_ID: Final = "com.k15t.scroll.pdf.default-template-documentation"
ARTICLE_ID: Final = "com.k15t.scroll.pdf.default-template-article"
# The id older Scroll PDF scripts send: the documentation template.
ALIASES: Final = {"com.k15t.scroll.pdf.default-template-1": DOCUMENTATION_ID}

MAX_FILES: Final = 200
ALLOWED_SUFFIXES: Final = frozenset(
    {
        ".typ",
        ".yaml",
        ".yml",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".ttf",
        ".otf",
        ".json",
        ".csv",
        ".txt",
        ".md",
    }
)
FONT_SUFFIXES: Final = frozenset({".ttf", ".otf"})
_PACKAGE_IMPORT: Final = re.compile(r"[\"']@[a-z][\w-]*/")
_SAFE_NAME: Final = re.compile(r"^[\w][\w .+-]*$")

ARTICLE_KNOBS: Final = """\
cover: false
toc: false
numbering: false
size: 10
margins: {top: 20, bottom: 18, left: 18, right: 18}
header: {left: "$scroll.title", center: "", right: ""}
"""


class TemplateInvalid(ValueError):
    """The template cannot be used; the message names the file (and line)."""


@dataclass(frozen=True, slots=True)
class PdfTemplate:
    """What the writer needs of a template: its knobs and its files."""

    name: str
    settings: PdfSettings = field(default_factory=PdfSettings)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def typst_source(self) -> bytes | None:
        return self.files.get("template.typ")


@dataclass(frozen=True, slots=True)
class BuiltinPdfTemplate:
    id: str
    name: str
    description: str
    knobs: str


BUILTIN_PDF_TEMPLATES: Final = {
    DOCUMENTATION_ID: BuiltinPdfTemplate(
        DOCUMENTATION_ID,
        "Documentation",
        "Cover page, table of contents, numbered headings, running headers, page X of Y.",
        "",
    ),
    ARTICLE_ID: BuiltinPdfTemplate(
        ARTICLE_ID,
        "Article",
        "No cover, no table of contents: compact pages with a running header.",
        ARTICLE_KNOBS,
    ),
}


def canonical_id(template_id: str) -> str:
    return ALIASES.get(template_id, template_id)


def builtin_template(template_id: str) -> PdfTemplate | None:
    builtin = BUILTIN_PDF_TEMPLATES.get(canonical_id(template_id))
    if builtin is None:
        return None
    settings = parse_settings(builtin.knobs, PdfSettings(), f"{builtin.name}/template.yaml")
    return PdfTemplate(builtin.name, settings)


def builtin_zip(template_id: str) -> bytes:
    """The built-in template as a .zip to start a template of one's own from."""
    from pressroom.export.pdf.writer import LAYOUT_FILES

    builtin = BUILTIN_PDF_TEMPLATES[canonical_id(template_id)]
    knobs = builtin.knobs or "# Every knob is optional; see the README, 'PDF templates'.\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("template.yaml", knobs)
        archive.writestr(
            "template.typ",
            "// The built-in layout; replace it with your own template(doc, body).\n"
            '#import "/layout.typ": layout\n#let template(doc, body) = layout(doc, body)\n',
        )
        for name, text in LAYOUT_FILES.items():
            archive.writestr(f"reference/{name}", text)
    return buffer.getvalue()


def read_template_zip(
    data: bytes, name: str, *, max_bytes: int, max_uncompressed: int
) -> PdfTemplate:
    """The template in ``data``; :class:`TemplateInvalid` says what is wrong and where."""
    if len(data) > max_bytes:
        raise TemplateInvalid(f"the file is larger than {max_bytes} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateInvalid(
            "this is not a .zip file; a PDF template is a .zip with template.yaml "
            "and/or template.typ"
        ) from exc
    with archive:
        files = _read_members(archive, max_uncompressed)
    return template_from_files(files, name)


def template_from_files(files: dict[str, bytes], name: str) -> PdfTemplate:
    if "template.typ" not in files and "template.yaml" not in files:
        raise TemplateInvalid("the .zip holds neither template.yaml nor template.typ at its top")
    settings = PdfSettings()
    if "template.yaml" in files:
        try:
            settings = parse_settings(_text(files, "template.yaml"), settings)
        except SettingsInvalid as exc:
            raise TemplateInvalid(str(exc)) from exc
    for file_name in files:
        if file_name.endswith(".typ"):
            _check_typst(file_name, _text(files, file_name))
    if settings.logo is not None:
        if settings.logo not in files:
            raise TemplateInvalid(f"template.yaml: the logo {settings.logo} is not in the .zip")
        settings = replace(settings, logo=f"/template/{settings.logo}")
    return PdfTemplate(name, settings, files)


def _read_members(archive: zipfile.ZipFile, max_uncompressed: int) -> dict[str, bytes]:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_FILES:
        raise TemplateInvalid(
            f"the .zip holds {len(members)} files; at most {MAX_FILES} are allowed"
        )
    files: dict[str, bytes] = {}
    budget = max_uncompressed
    for info in members:
        file_name = _member_name(info.filename)
        if file_name is None:
            continue
        if info.file_size > budget:
            raise TemplateInvalid(f"{info.filename}: the unpacked template is larger than allowed")
        try:
            with archive.open(info) as member:
                content = member.read(budget + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            raise TemplateInvalid(f"{info.filename}: cannot be unpacked ({exc})") from exc
        if len(content) > budget:
            raise TemplateInvalid(f"{info.filename}: the unpacked template is larger than allowed")
        budget -= len(content)
        files[file_name] = content
    return files


def _member_name(raw: str) -> str | None:
    """The member's path if it is one we keep; refuses paths that leave the folder."""
    name = raw.replace("\\", "/")
    if name.startswith("__MACOSX/") or posixpath.basename(name).startswith("."):
        return None
    normal = posixpath.normpath(name)
    parts = normal.split("/")
    if name.startswith("/") or ".." in parts or not all(_SAFE_NAME.match(p) for p in parts):
        raise TemplateInvalid(f"{raw}: file names must be plain relative paths")
    suffix = posixpath.splitext(normal)[1].lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise TemplateInvalid(
            f"{raw}: {suffix or 'this kind of file'} is not allowed in a PDF template "
            f"(allowed: {', '.join(sorted(ALLOWED_SUFFIXES))})"
        )
    return normal


def _text(files: dict[str, bytes], name: str) -> str:
    try:
        return files[name].decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TemplateInvalid(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _check_typst(name: str, source: str) -> None:
    for number, line in enumerate(source.splitlines(), start=1):
        if _PACKAGE_IMPORT.search(line):
            raise TemplateInvalid(
                f"{name}:{number}: Typst packages (@preview/…) are not available on this "
                "server; put the files you need into the .zip instead"
            )


__all__ = [
    "ARTICLE_ID",
    "DOCUMENTATION_ID",
    "PdfTemplate",
    "SettingsInvalid",
    "TemplateInvalid",
    "builtin_template",
    "read_template_zip",
]
