"""The knobs of a PDF template (``template.yaml``), checked, with their defaults.

Every knob is optional; a problem names the file and line::

    paper: a4               # auto (by locale: Letter for US/CA/MX/PH…), a4, us-letter, a5 …
    orientation: portrait   # or landscape
    margins: {top: 25, bottom: 22, left: 22, right: 22}   # millimetres (or one number)
    fonts: {body: [Liberation Sans], heading: [Liberation Sans], code: [DejaVu Sans Mono]}
    size: 10.5              # base text size in points
    colors: {text: "#1f2328", heading: "#0b3d62", accent: "#1d6fb8", link: "#1d6fb8",
             table_header: "#eef2f6"}
    logo: logo.png          # an image inside the template's .zip, on the cover
    header: {left: "$scroll.title", center: "", right: "{chapter}"}
    footer: {left: "$scroll.space.name", center: "", right: "Page {page} of {pages}"}
    cover: true
    toc: {enabled: true, depth: 3}
    numbering: true         # 1, 1.1, 1.1.1 before headings
    bookmarks: {depth: 3}   # PDF outline levels
    repeat_table_headers: true
    link_suffix: " (see page {page})"     # after links inside the document; "" for none
    caption_position: below               # or above
    footnote_links: false   # print external link addresses as footnotes
    justify: false
    metadata: {title: "$scroll.title", author: "$scroll.creator", subject: "", keywords: []}
    standard: none          # pdf/a-2b or pdf/ua-1
    file_name: "${document.title}-${export.date(\\"yyyy-MM-dd\\")}"   # the downloaded file
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Final

import yaml

PAPERS: Final = frozenset(
    {"a3", "a4", "a5", "a6", "b5", "us-letter", "us-legal", "us-executive", "jis-b5"}
)
LETTER_REGIONS: Final = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR"})
STANDARDS: Final = {"none": None, "pdf/a-2b": "a-2b", "pdf/a-2a": "a-2a", "pdf/ua-1": "ua-1"}
_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
_FONT_NAME: Final = re.compile(r"^[\w .+-]{1,64}$")
MAX_TEXT_CHARS: Final = 500


class SettingsInvalid(ValueError):
    """A knob of template.yaml has a value that cannot be used; says file and line."""


@dataclass(frozen=True, slots=True)
class Margins:
    top: float = 25.0
    bottom: float = 22.0
    left: float = 22.0
    right: float = 22.0


@dataclass(frozen=True, slots=True)
class Fonts:
    body: tuple[str, ...] = ("Liberation Sans",)
    heading: tuple[str, ...] = ("Liberation Sans",)
    code: tuple[str, ...] = ("DejaVu Sans Mono",)


@dataclass(frozen=True, slots=True)
class Colours:
    text: str = "#1f2328"
    heading: str = "#0b3d62"
    accent: str = "#1d6fb8"
    link: str = "#1d6fb8"
    table_header: str = "#eef2f6"


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = "$scroll.title"
    author: str = "$!scroll.creator"
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Band:
    """A header or footer: three texts with placeholders."""

    left: str = ""
    center: str = ""
    right: str = ""


@dataclass(frozen=True, slots=True)
class PdfSettings:
    paper: str = "auto"
    landscape: bool = False
    margins: Margins = field(default_factory=Margins)
    fonts: Fonts = field(default_factory=Fonts)
    size: float = 10.5
    colors: Colours = field(default_factory=Colours)
    logo: str | None = None
    header: Band = field(default_factory=lambda: Band(left="$scroll.title", right="{chapter}"))
    footer: Band = field(
        default_factory=lambda: Band(left="$!scroll.space.name", right="{pages_of}")
    )
    cover: bool = True
    toc: bool = True
    toc_depth: int = 3
    numbering: bool = True
    bookmark_depth: int = 3
    repeat_table_headers: bool = True
    link_suffix: str = ""
    caption_position: str = "below"
    footnote_links: bool = False
    justify: bool = False
    metadata: Metadata = field(default_factory=Metadata)
    standard: str | None = None
    file_name: str = ""

    def paper_for(self, region: str) -> str:
        if self.paper != "auto":
            return self.paper
        return "us-letter" if region.upper() in LETTER_REGIONS else "a4"


def parse_settings(text: str, base: PdfSettings, file_name: str = "template.yaml") -> PdfSettings:
    """``base`` with the knobs of ``text`` (YAML) applied."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file_name}:{mark.line + 1}" if mark is not None else file_name
        raise SettingsInvalid(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if root is None:
        return base
    knobs = _Knobs(root, file_name)
    return knobs.apply(base)


class _Knobs:
    """The YAML mapping, read with the line of every key for error messages."""

    def __init__(self, root: yaml.Node, file_name: str) -> None:
        self.file_name = file_name
        if not isinstance(root, yaml.MappingNode):
            raise SettingsInvalid(f"{file_name}:{root.start_mark.line + 1}: expected knobs: values")
        self.nodes = self._mapping(root)

    def _mapping(self, node: yaml.MappingNode) -> dict[str, yaml.Node]:
        return {str(key.value): value for key, value in node.value}

    def fail(self, node: yaml.Node, message: str) -> SettingsInvalid:
        return SettingsInvalid(f"{self.file_name}:{node.start_mark.line + 1}: {message}")

    def value(self, node: yaml.Node) -> Any:
        return yaml.safe_load(yaml.serialize(node))

    def apply(self, base: PdfSettings) -> PdfSettings:
        changes: dict[str, Any] = {}
        for key, node in self.nodes.items():
            reader = _READERS.get(key)
            if reader is None:
                known = ", ".join(sorted(_READERS))
                raise self.fail(node, f"unknown knob {key!r}; the knobs are {known}")
            changes.update(reader(self, node, base))
        return replace(base, **changes)

    # -- typed readers -------------------------------------------------------

    def text(self, node: yaml.Node, what: str) -> str:
        value = self.value(node)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(node, f"{what} must be a text")
        if len(str(value)) > MAX_TEXT_CHARS:
            raise self.fail(node, f"{what} is longer than {MAX_TEXT_CHARS} characters")
        return str(value)

    def flag(self, node: yaml.Node, what: str) -> bool:
        value = self.value(node)
        if not isinstance(value, bool):
            raise self.fail(node, f"{what} must be true or false")
        return value

    def number(self, node: yaml.Node, what: str, low: float, high: float) -> float:
        value = self.value(node)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise self.fail(node, f"{what} must be a number from {low:g} to {high:g}")
        return float(value)

    def choice(self, node: yaml.Node, what: str, allowed: set[str] | frozenset[str]) -> str:
        value = self.text(node, what).strip().lower()
        if value not in allowed:
            raise self.fail(node, f"{what} must be one of {', '.join(sorted(allowed))}")
        return value

    def section(self, node: yaml.Node, what: str, keys: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of {', '.join(sorted(keys))}")
        found = self._mapping(node)
        for key, value in found.items():
            if key not in keys:
                raise self.fail(value, f"{what} has no {key!r}; use {', '.join(sorted(keys))}")
        return found

    def fonts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        value = self.value(node)
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or len(names) > 8:
            raise self.fail(node, f"{what} must be a font name or a list of up to 8")
        for name in names:
            if not isinstance(name, str) or not _FONT_NAME.match(name):
                raise self.fail(node, f"{what}: {name!r} is not a font family name")
        return tuple(names)


def _paper(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"paper": k.choice(node, "paper", PAPERS | {"auto"})}


def _orientation(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"landscape": k.choice(node, "orientation", {"portrait", "landscape"}) == "landscape"}


def _margins(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        side = k.number(node, "margins", 0, 100)
        return {"margins": Margins(side, side, side, side)}
    parts = k.section(node, "margins", {"top", "bottom", "left", "right"})
    values = {name: k.number(value, f"margins.{name}", 0, 100) for name, value in parts.items()}
    return {"margins": replace(base.margins, **values)}


def _fonts(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    parts = k.section(node, "fonts", {"body", "heading", "code"})
    values = {name: k.fonts(value, f"fonts.{name}") for name, value in parts.items()}
    return {"fonts": replace(base.fonts, **values)}


def _size(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"size": k.number(node, "size", 6, 24)}


def _colours(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    parts = k.section(node, "colors", {"text", "heading", "accent", "link", "table_header"})
    values = {}
    for name, value in parts.items():
        colour = k.text(value, f"colors.{name}")
        if not _COLOUR.match(colour):
            raise k.fail(value, f'colors.{name} must be a colour like "#1d6fb8"')
        values[name] = colour
    return {"colors": replace(base.colors, **values)}


def _logo(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    name = k.text(node, "logo").strip()
    if name and not re.fullmatch(r"[\w.-]{1,100}\.(png|jpe?g|svg|gif|webp)", name, re.I):
        raise k.fail(node, "logo must be the name of a .png, .jpg, .svg, .gif or .webp in the .zip")
    return {"logo": name or None}


def _band(name: str) -> Any:
    def read(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
        parts = k.section(node, name, {"left", "center", "right"})
        values = {part: k.text(value, f"{name}.{part}") for part, value in parts.items()}
        return {name: Band(**values)}

    return read


def _toc(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        return {"toc": k.flag(node, "toc")}
    parts = k.section(node, "toc", {"enabled", "depth"})
    changes: dict[str, Any] = {}
    if "enabled" in parts:
        changes["toc"] = k.flag(parts["enabled"], "toc.enabled")
    if "depth" in parts:
        changes["toc_depth"] = int(k.number(parts["depth"], "toc.depth", 1, 9))
    return changes


def _bookmarks(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    parts = k.section(node, "bookmarks", {"depth"})
    if "depth" not in parts:
        return {}
    return {"bookmark_depth": int(k.number(parts["depth"], "bookmarks.depth", 0, 9))}


def _flag(name: str) -> Any:
    def read(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
        return {name: k.flag(node, name)}

    return read


def _link_suffix(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"link_suffix": k.text(node, "link_suffix")}


def _caption_position(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"caption_position": k.choice(node, "caption_position", {"above", "below"})}


def _metadata(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    parts = k.section(node, "metadata", {"title", "author", "subject", "keywords"})
    values: dict[str, Any] = {}
    for name, value in parts.items():
        if name == "keywords":
            words = k.value(value)
            words = [words] if isinstance(words, str) else words
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise k.fail(value, "metadata.keywords must be a list of words")
            values[name] = tuple(w[:MAX_TEXT_CHARS] for w in words[:50])
        else:
            values[name] = k.text(value, f"metadata.{name}")
    return {"metadata": replace(base.metadata, **values)}


def _standard(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"standard": STANDARDS[k.choice(node, "standard", set(STANDARDS))]}


def _file_name(k: _Knobs, node: yaml.Node, base: PdfSettings) -> dict[str, Any]:
    return {"file_name": k.text(node, "file_name")}


_READERS: Final = {
    "paper": _paper,
    "orientation": _orientation,
    "margins": _margins,
    "fonts": _fonts,
    "size": _size,
    "colors": _colours,
    "logo": _logo,
    "header": _band("header"),
    "footer": _band("footer"),
    "cover": _flag("cover"),
    "toc": _toc,
    "numbering": _flag("numbering"),
    "bookmarks": _bookmarks,
    "repeat_table_headers": _flag("repeat_table_headers"),
    "link_suffix": _link_suffix,
    "caption_position": _caption_position,
    "footnote_links": _flag("footnote_links"),
    "justify": _flag("justify"),
    "metadata": _metadata,
    "standard": _standard,
    "file_name": _file_name,
}
