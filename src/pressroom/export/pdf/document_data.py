"""``document.json``: what the template receives about the export, as data.

Texts of the template (header, footer, metadata, cover) have their ``$scroll.*``
placeholders resolved here; ``{page}``, ``{pages}`` and ``{chapter}`` stay fields
that the layout fills on each page. Values never become Typst code.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any, Final

from pressroom.export import ast
from pressroom.export.docx.placeholders import SCROLL_PLACEHOLDER
from pressroom.export.docx.scroll_values import ScrollValues
from pressroom.export.docx.template_context import TemplateContext
from pressroom.export.pdf.inlines import WriterState
from pressroom.export.pdf.settings import Band, PdfSettings
from pressroom.export.pdf.templates import PdfTemplate
from pressroom.export.strings import strings_for

FIELDS: Final = re.compile(r"\{(page|pages|chapter)\}")
# After the template's fonts: fonts for every script our users write, by language.
CJK_BY_LANGUAGE: Final = {
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "zh": "Noto Sans CJK SC",
}
FALLBACK: Final = ("DejaVu Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew")
EMOJI: Final = "Noto Color Emoji"

Parts = list[dict[str, str]]


class TemplateTexts:
    """Resolves placeholders in the template's texts; unknown ones stay, with a warning."""

    def __init__(self, context: TemplateContext, state: WriterState) -> None:
        self.values = ScrollValues(context)
        self.state = state

    def resolve(self, text: str) -> str:
        return SCROLL_PLACEHOLDER.sub(self._one, text)

    def _one(self, match: re.Match[str]) -> str:
        key = ".".join(p for p in match.group("path").split(".") if p).lower()
        argument = (match.group("arg") or "").strip().strip("\"'")
        known, value = self.values.resolve(key, argument)
        if not known:
            self.state.warnings.append(f"Unknown template placeholder {match.group(0)} left as is")
        if value is None:
            return "" if match.group("quiet") or known else match.group(0)
        return value

    def parts(self, text: str, strings: dict[str, str]) -> Parts:
        text = text.replace("{pages_of}", strings["page_x_of_y"])
        parts: Parts = []
        for index, piece in enumerate(FIELDS.split(text)):
            if index % 2:
                parts.append({"field": piece})
            elif piece:
                parts.append({"text": self.resolve(piece)})
        return parts


def font_chain(names: tuple[str, ...], locale: str) -> list[str]:
    language = locale.replace("_", "-").split("-")[0].lower()
    cjk = CJK_BY_LANGUAGE.get(language)
    chain = [*names, *FALLBACK, *([cjk] if cjk else []), *CJK_BY_LANGUAGE.values(), EMOJI]
    return list(dict.fromkeys(chain))


def document_data(
    document: ast.Document, template: PdfTemplate, context: TemplateContext, state: WriterState
) -> dict[str, Any]:
    settings = template.settings
    strings = strings_for(context.locale)
    texts = TemplateTexts(context, state)
    language, _, region = context.locale.replace("_", "-").partition("-")
    region = region.split("-")[0].upper() if len(region.split("-")[0]) == 2 else ""
    return {
        "title": context.title or document.title,
        "space": context.space_name,
        "lang": (language or "en").lower()[:3],
        "region": region or None,
        "strings": strings,
        "settings": _settings(settings, texts, strings, context.locale, region),
        "metadata": {
            "title": texts.resolve(settings.metadata.title) or document.title,
            "author": [a for a in [texts.resolve(settings.metadata.author)] if a],
            "subject": texts.resolve(settings.metadata.subject),
            "keywords": [texts.resolve(k) for k in settings.metadata.keywords],
        },
        "cover_lines": _cover_lines(texts, strings, context),
        "chapter_level": _chapter_level(document),
    }


def _chapter_level(document: ast.Document) -> int:
    """The level whose headings are the chapters of running headers: 1, or 2 when the
    whole export is one page tree under a single title."""
    tops = sum(1 for b in document.blocks if isinstance(b, ast.Heading) and b.level == 1)
    return 2 if tops == 1 else 1


def _settings(
    settings: PdfSettings, texts: TemplateTexts, strings: dict[str, str], locale: str, region: str
) -> dict[str, Any]:
    data = asdict(settings)
    data["paper"] = settings.paper_for(region)
    data["fonts"] = {
        "body": font_chain(settings.fonts.body, locale),
        "heading": font_chain(settings.fonts.heading, locale),
        "code": font_chain(settings.fonts.code, locale),
    }
    data["header"] = _band(settings.header, texts, strings)
    data["footer"] = _band(settings.footer, texts, strings)
    suffix = settings.link_suffix.replace("${targetNumber}", "{page}")
    data["link_suffix"] = [
        {"page": ""} if index % 2 else {"text": piece}
        for index, piece in enumerate(re.split(r"(\{page\})", suffix))
        if index % 2 or piece
    ]
    return data


def _band(band: Band, texts: TemplateTexts, strings: dict[str, str]) -> dict[str, Parts]:
    return {
        "left": texts.parts(band.left, strings),
        "center": texts.parts(band.center, strings),
        "right": texts.parts(band.right, strings),
    }


def _cover_lines(
    texts: TemplateTexts, strings: dict[str, str], context: TemplateContext
) -> list[list[str]]:
    lines = [
        (strings["version"], texts.resolve("$!scroll.version.name")),
        (strings["export_date"], texts.resolve("$scroll.exportdate")),
        (strings["exported_by"], texts.resolve("$!scroll.exporter")),
    ]
    return [[label, value] for label, value in lines if value]
