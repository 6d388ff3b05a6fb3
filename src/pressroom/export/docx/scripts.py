"""Scripts of the world in Word: which language, direction and font a run of text needs.

Word picks a font slot per character (Latin, East Asian, complex script) and the
language of each slot from ``w:lang``; without them Hangul, kana and Han characters
take the Latin font and print as empty boxes wherever that font lacks them. So text
is cut into runs by script:

- East Asian runs carry ``w:lang w:eastAsia`` (Korean, Japanese or Chinese, told by
  Hangul or kana in the text, else the document's East Asian language), and the
  default style takes its East Asian font from the theme (``minorEastAsia``);
- right-to-left runs (Arabic, Hebrew) carry ``w:rtl`` and ``w:lang w:bidi``, and a
  paragraph whose first strong character is right-to-left is a ``w:bidi`` paragraph;
- emoji runs are set in Segoe UI Emoji (Word on Windows and macOS); elsewhere the
  system's substitute for it (fontconfig: Noto Color Emoji) draws them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Final

from lxml import etree

from pressroom.export.docx.oxml import Element, qn

EMOJI_FONT: Final = "Segoe UI Emoji"
BIDI_FONT: Final = "Arial"  # carries Arabic and Hebrew on Windows and macOS

# Script of a run: "emoji", "rtl", an East Asian language ("ko-KR"...) or None (Latin...).
Script = str | None

_EMOJI_RANGES: Final = (
    (0x1F000, 0x1FAFF),  # pictographs, emoticons, transport, flags (regional indicators)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # stars, arrows used as emoji
    (0x2190, 0x21FF),
    (0x2300, 0x23FF),  # watch, hourglass, media keys
    (0x3030, 0x3030),
    (0x303D, 0x303D),
)
_JOINERS: Final = frozenset({0x200D, 0xFE0E, 0xFE0F, 0x20E3})  # ZWJ, variation selectors, keycap
_HANGUL: Final = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_KANA: Final = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HAN: Final = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),  # CJK punctuation
    (0x3190, 0x31EF),
    (0x3200, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF65),  # full-width forms
    (0x20000, 0x3FFFF),
)
_EAST_ASIAN_LANGUAGES: Final = {"ko": "ko-KR", "ja": "ja-JP", "zh": "zh-CN"}
_RTL_LANGUAGES: Final = {"ar": "ar-SA", "he": "he-IL", "iw": "he-IL", "fa": "fa-IR", "ur": "ur-PK"}
_REGIONS: Final = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT"}


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _is_emoji(code: int) -> bool:
    return _within(code, _EMOJI_RANGES) or 0xE0020 <= code <= 0xE007F  # tag characters


def _char_class(char: str) -> str | None:
    """``emoji``, ``ko``, ``ja``, ``han``, ``rtl``, ``neutral`` or None (other letters)."""
    code = ord(char)
    if code < 0x0590:
        return None if char.isalpha() else "neutral"
    if _is_emoji(code):
        return "emoji"
    if _within(code, _HANGUL):
        return "ko"
    if _within(code, _KANA):
        return "ja"
    if _within(code, _HAN):
        return "han"
    if unicodedata.bidirectional(char) in ("R", "AL"):
        return "rtl"
    return None if unicodedata.category(char)[0] in "LM" else "neutral"


class DocumentLanguages:
    """The document's language (``locale``) as Word language tags for each slot."""

    def __init__(self, locale: str) -> None:
        tag = (locale or "en").replace("_", "-").strip() or "en"
        base = tag.split("-")[0].lower()
        regions = {**_REGIONS, **_EAST_ASIAN_LANGUAGES, **_RTL_LANGUAGES}
        self.latin = tag if "-" in tag else regions.get(base, tag)
        self.east_asian = _EAST_ASIAN_LANGUAGES.get(base, "zh-CN")
        if "-" in tag and base in _EAST_ASIAN_LANGUAGES:
            self.east_asian = tag
        self.bidi = _RTL_LANGUAGES.get(base, "ar-SA")

    def segments(self, text: str) -> Iterator[tuple[str, Script]]:
        """``text`` cut into runs of one script each; neutral characters (spaces,
        digits, punctuation) stay with the run they sit in. An East Asian run is
        Korean with Hangul in it, Japanese with kana, else the document's language."""
        if text.isascii():
            yield text, None
            return
        start, current = 0, None
        for index, char in enumerate(text):
            kind = _char_class(char)
            if kind == "neutral" or (ord(char) in _JOINERS and current == "emoji"):
                continue
            script = "cjk" if kind in ("ko", "ja", "han") else kind
            if script != current:
                if index > start:
                    yield self._segment(text[start:index], current)
                start, current = index, script
        yield self._segment(text[start:], current)

    def _segment(self, text: str, script: str | None) -> tuple[str, Script]:
        return text, self._cjk_language(text) if script == "cjk" else script

    def _cjk_language(self, text: str) -> str:
        for char in text:
            code = ord(char)
            if _within(code, _HANGUL):
                return "ko-KR"
            if _within(code, _KANA):
                return "ja-JP"
        return self.east_asian

    def bidi_language(self, text: str) -> str:
        if any(0x0590 <= ord(char) <= 0x05FF for char in text):
            return "he-IL"
        return self.bidi if self.bidi != "he-IL" else "ar-SA"


def first_strong_direction(text: str) -> bool | None:
    """Whether the first strongly directional character of ``text`` is right-to-left;
    None when it has none (digits, punctuation, spaces only)."""
    for char in text:
        if char.isascii():
            if char.isalpha():
                return False
            continue
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return None


# -- run and paragraph properties ---------------------------------------------------

# w:rPr children that come before w:rFonts, and those that come after w:rtl (schema order)
_AFTER_RTL: Final = frozenset(
    qn(f"w:{name}") for name in ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
)


def mark_run(rpr: Element, script: str, languages: DocumentLanguages, text: str) -> None:
    """Give run properties ``rpr`` what ``script`` needs (see the module docstring)."""
    if script == "emoji":
        fonts = _fonts(rpr)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), EMOJI_FONT)
        return
    if script == "rtl":
        _before_tail(rpr, etree.Element(qn("w:rtl")))
        _lang(rpr).set(qn("w:bidi"), languages.bidi_language(text))
        return
    _fonts(rpr).set(qn("w:hint"), "eastAsia")
    _lang(rpr).set(qn("w:eastAsia"), script)


def _fonts(rpr: Element) -> Element:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        style = rpr.find(qn("w:rStyle"))
        rpr.insert(0 if style is None else 1, fonts)
    return fonts


def _lang(rpr: Element) -> Element:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = etree.Element(qn("w:lang"))
        later = next((c for c in rpr if c.tag in _AFTER_LANG), None)
        if later is not None:
            later.addprevious(lang)
        else:
            rpr.append(lang)
    return lang


_AFTER_LANG: Final = frozenset(qn(f"w:{n}") for n in ("eastAsianLayout", "specVanish", "oMath"))


def _before_tail(rpr: Element, element: Element) -> None:
    later = next((c for c in rpr if c.tag in _AFTER_RTL), None)
    if later is not None:
        later.addprevious(element)
    else:
        rpr.append(element)


# w:pPr children that follow w:bidi in schema order
_AFTER_BIDI: Final = frozenset(
    qn(f"w:{name}")
    for name in (
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    )
)


def set_right_to_left(p: Element) -> None:
    """Make ``p`` a right-to-left paragraph."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        p.insert(0, ppr)
    if ppr.find(qn("w:bidi")) is not None:
        return
    bidi = etree.Element(qn("w:bidi"))
    later = next((c for c in ppr if c.tag in _AFTER_BIDI), None)
    if later is not None:
        later.addprevious(bidi)
    else:
        ppr.append(bidi)


# -- document defaults ---------------------------------------------------------------


def set_document_languages(
    styles: Element, settings: Element, languages: DocumentLanguages
) -> None:
    """Default run language of the document (all three slots) and the languages the
    theme's fonts are chosen by."""
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        lang = _lang(rpr)
        lang.set(qn("w:val"), languages.latin)
        lang.set(qn("w:eastAsia"), languages.east_asian)
        lang.set(qn("w:bidi"), languages.bidi)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), languages.latin)
        theme_lang.set(qn("w:eastAsia"), languages.east_asian)
        theme_lang.set(qn("w:bidi"), languages.bidi)
