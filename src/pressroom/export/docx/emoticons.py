"""Emoticons as glyphs every reader can print.

Colour emoji (U+1F642 and friends) need an emoji font: Word on Windows has Segoe
UI Emoji, LibreOffice and many PDF pipelines have none and print a missing-glyph
box. Confluence's own emoticons therefore become the text-style symbols of the
Miscellaneous Symbols and Dingbats blocks (☺ ✔ ✘ ⚠ ★ ♥), which Segoe UI Symbol,
DejaVu Sans and most symbol fonts carry, in a symbol-font run.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from pressroom.export import ast
from pressroom.export.docx.oxml import Element, qn

SYMBOL_FONT: Final = "Segoe UI Symbol"
EMOJI_FONT: Final = "Segoe UI Emoji"

# Confluence emoticon name → (symbol, colour or None).
_SYMBOLS: Final[dict[str, tuple[str, str | None]]] = {
    "smile": ("\u263a", None),
    "sad": ("\u2639", None),
    "cheeky": ("\u263a", None),
    "laugh": ("\u263b", None),
    "wink": ("\u263a", None),
    "thumbs-up": ("\u2714", "00875A"),
    "thumbs-down": ("\u2718", "DE350B"),
    "information": ("\u2139", "0052CC"),
    "tick": ("\u2714", "00875A"),
    "cross": ("\u2718", "DE350B"),
    "warning": ("\u26a0", "FF991F"),
    "plus": ("\u271a", None),
    "minus": ("\u2212", None),
    "question": ("?", "0052CC"),
    "light-on": ("\u2600", "FF991F"),
    "light-off": ("\u2600", "6B778C"),
    "yellow-star": ("\u2605", "FFAB00"),
    "red-star": ("\u2605", "DE350B"),
    "green-star": ("\u2605", "00875A"),
    "blue-star": ("\u2605", "0052CC"),
    "heart": ("\u2665", "DE350B"),
    "broken-heart": ("\u2661", "DE350B"),
}


def printable(emoticon: ast.Emoticon) -> tuple[str, str | None, str | None]:
    """The text to print for ``emoticon``, its colour and the font to print it in."""
    # Confluence's own emoticons by name; emoji (Cloud) stay emoji
    name = emoticon.name if emoticon.name in _SYMBOLS else None
    if name is not None:
        symbol, colour = _SYMBOLS[name]
        return symbol, colour, SYMBOL_FONT
    if emoticon.glyph and any(ord(c) >= 0x2000 for c in emoticon.glyph):
        return emoticon.glyph, None, EMOJI_FONT
    return emoticon.glyph or f"({emoticon.name})", None, None


def set_font(run: Element, font: str) -> None:
    """Print ``run`` in ``font`` whatever script its characters belong to."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.Element(qn("w:rPr"))
        run.insert(0, rpr)
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = etree.Element(qn("w:rFonts"))
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), font)
    style = rpr.find(qn("w:rStyle"))
    rpr.insert(0 if style is None else rpr.index(style) + 1, fonts)
